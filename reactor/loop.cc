// Loop: the per-iteration work of the reactor. Output is flushed once per
// iteration, just before the loop blocks (Redis's beforeSleep), so everything a
// read, timer or close callback produced leaves together, in as few syscalls as
// the kernel allows.
#include "reactor/loop.h"

#include <cassert>
#include <stdexcept>
#include <string>

#include "reactor/connection.h"
#include "reactor/tls/tls_session.h"
#include "reactor/websocket/websocket_state.h"

namespace chatd::reactor {
namespace {
constexpr std::uint64_t kSweepIntervalMs = 1000;
// How often a connection that has sent its FIN checks that the peer has it all.
constexpr std::uint64_t kFarewellPollMs = 10;
// The period of the timer whose lateness is the loop's lag.
constexpr std::uint64_t kLagTickMs = 100;
}  // namespace

Loop::Loop() : read_buffer_(std::make_unique<char[]>(kReadBufferSize)) {
  if (const int r = uv_loop_init(&loop_); r != 0) {
    throw std::runtime_error(std::string("cannot create event loop: ") + uv_strerror(r));
  }
  loop_.data = this;
  // Counts the time spent waiting for events, so a turn's work can be told apart.
  uv_loop_configure(&loop_, UV_METRICS_IDLE_TIME);
  prepare_ = std::make_unique<UvHandle<uv_prepare_t>>(&loop_, uv_prepare_init, this);
  uv_prepare_start(prepare_->get(),
                   [](uv_prepare_t* p) { static_cast<Loop*>(p->data)->before_sleep(); });
  uv_unref(prepare_->handle());
  sweep_timer_ = std::make_unique<UvHandle<uv_timer_t>>(&loop_, uv_timer_init, this);
  uv_timer_start(
      sweep_timer_->get(), [](uv_timer_t* t) { static_cast<Loop*>(t->data)->sweep(); },
      kSweepIntervalMs, kSweepIntervalMs);
  uv_unref(sweep_timer_->handle());
  handshake_idle_ = std::make_unique<UvHandle<uv_idle_t>>(&loop_, uv_idle_init, this);
  farewell_timer_ = std::make_unique<UvHandle<uv_timer_t>>(&loop_, uv_timer_init, this);
  last_turn_ns_ = uv_hrtime();
  lag_timer_ = std::make_unique<UvHandle<uv_timer_t>>(&loop_, uv_timer_init, this);
  lag_expected_ns_ = uv_hrtime() + kLagTickMs * 1000000;
  uv_timer_start(
      lag_timer_->get(), [](uv_timer_t* t) { static_cast<Loop*>(t->data)->on_lag_tick(); },
      kLagTickMs, kLagTickMs);
  uv_unref(lag_timer_->handle());
}

Loop::~Loop() {
  // Whoever set handlers should have closed its connections already; those left
  // are closed without them, so no handler is called after its owner is gone.
  for_each_connection([](Connection& c) {
    c.set_handler(nullptr);
    c.close(CloseReason::kByServer);
  });
  prepare_.reset();
  sweep_timer_.reset();
  farewell_timer_.reset();
  lag_timer_.reset();
  handshake_idle_.reset();
  // Runs the pending close callbacks. A pass cut short by a stop() left over from
  // outside run() only clears libuv's stop flag, hence a second one.
  for (int pass = 0; pass < 2 && uv_loop_alive(&loop_); ++pass)
    uv_run(&loop_, UV_RUN_NOWAIT);
  [[maybe_unused]] const int r = uv_loop_close(&loop_);
  assert(r == 0 && "a libuv handle outlived its owner");
}

void Loop::run() {
  uv_run(&loop_, UV_RUN_DEFAULT);
}

void Loop::close_handshaking() {
  while (Connection* c = handshaking_.front())
    c->close(CloseReason::kByServer);
}

void Loop::stop() {
  uv_stop(&loop_);
}

// A TLS or PROXY connection starts in handshaking_, its deadline in
// last_activity_ms_.
void Loop::on_connection_open(Connection& c, bool handshaking) {
  if (handshaking) {
    c.handshaking_ = true;
    c.last_activity_ms_ = now_ms() + limits_.handshake_timeout_ms;
    handshaking_.push_back(c);
    return;
  }
  c.last_activity_ms_ = now_ms();
  active_.push_back(c);
}

void Loop::on_connection_ready(Connection& c) {
  if (!c.handshaking_) return;
  c.handshaking_ = false;
  handshaking_.remove(c);
  c.last_activity_ms_ = now_ms();
  active_.push_back(c);
}

bool Loop::take_handshake_step() {
  if (handshake_budget_ == 0) return false;
  --handshake_budget_;
  return true;
}

void Loop::defer_handshake(Connection& c) {
  if (deferred_head_ == deferred_handshakes_.size()) {
    uv_idle_start(handshake_idle_->get(),
                  [](uv_idle_t* h) { static_cast<Loop*>(h->data)->run_deferred_handshakes(); });
  }
  ++handshakes_deferred_;
  c.deferred_slot_ = static_cast<std::uint32_t>(deferred_handshakes_.size());
  deferred_handshakes_.push_back(&c);
}

// At the start of a turn, before new input: the oldest waiting handshakes
// first, with a fresh budget. The idle handle keeps the loop from sleeping
// while any wait.
void Loop::run_deferred_handshakes() {
  handshake_budget_ = limits_.handshakes_per_turn;
  while (handshake_budget_ != 0 && deferred_head_ < deferred_handshakes_.size()) {
    Connection* c = deferred_handshakes_[deferred_head_++];
    if (c != nullptr) c->resume_handshake();
  }
  if (deferred_head_ == deferred_handshakes_.size()) {
    deferred_handshakes_.clear();
    deferred_head_ = 0;
    uv_idle_stop(handshake_idle_->get());
  }
}

char* Loop::tls_plain_buffer() {
  if (!tls_plain_) tls_plain_ = std::make_unique<char[]>(TlsSession::kRecordBytes);
  return tls_plain_.get();
}

char* Loop::tls_scratch_buffer() {
  if (!tls_scratch_) tls_scratch_ = std::make_unique<char[]>(TlsSession::kRecordBytes);
  return tls_scratch_.get();
}

void Loop::on_connection_closing(Connection& c) {
  if (c.handshake_deferred_) {
    deferred_handshakes_[c.deferred_slot_] = nullptr;
    c.handshake_deferred_ = false;
  }
  if (c.handshaking_) {
    handshaking_.remove(c);
  } else if (c.draining_) {
    draining_.remove(c);
    if (draining_.empty()) uv_unref(sweep_timer_->handle());
    if (c.farewell_watched_ && --farewells_watched_ == 0) uv_timer_stop(farewell_timer_->get());
  } else {
    active_.remove(c);
  }
  if (static_cast<ListHook<DirtyTag>&>(c).linked()) dirty_.remove(c);
}

void Loop::touch(Connection& c) {
  c.last_activity_ms_ = now_ms();
  if (!c.draining_ && !c.handshaking_) active_.move_to_back(c);
}

// A draining connection does not read, so libuv does not count it as work: the
// sweep timer is referenced meanwhile, or the loop could return (say after a
// shutdown closed the listeners) before the last lines were flushed.
void Loop::start_draining(Connection& c) {
  if (draining_.empty()) uv_ref(sweep_timer_->handle());
  if (c.handshaking_) {
    c.handshaking_ = false;
    handshaking_.remove(c);
  } else {
    active_.remove(c);
  }
  c.last_activity_ms_ = now_ms() + limits_.drain_timeout_ms;
  draining_.push_back(c);
}

void Loop::watch_farewell(Connection& c) {
  c.farewell_watched_ = true;
  if (farewells_watched_++ == 0) {
    uv_timer_start(
        farewell_timer_->get(),
        [](uv_timer_t* t) { static_cast<Loop*>(t->data)->check_farewells(); }, kFarewellPollMs,
        kFarewellPollMs);
  }
}

// One ioctl per watched connection per poll, only while some are watched: a
// shutdown of 10,000 clients is over in a few polls.
void Loop::check_farewells() {
  for (Connection* c = draining_.front(); c != nullptr;) {
    Connection* next = draining_.next(*c);
    if (c->farewell_watched_ && c->farewell_acknowledged()) c->close(c->drain_reason_);
    c = next;
  }
}

void Loop::mark_dirty(Connection& c) {
  if (!static_cast<ListHook<DirtyTag>&>(c).linked()) dirty_.push_back(c);
}

// Deferred closes run first, so the notices they produce for other connections
// are flushed in this same pass; then every dirty connection is flushed once.
// Closing or flushing can dirty further connections: they are appended and
// handled before the loop sleeps.
void Loop::before_sleep() {
  if (deferred_head_ == deferred_handshakes_.size()) {
    handshake_budget_ = limits_.handshakes_per_turn;
  }
  for (Connection* c = dirty_.front(); c != nullptr;) {
    Connection* next = dirty_.next(*c);
    if (c->has_deferred_close()) c->run_deferred_close();
    c = next;
  }
  while (Connection* c = dirty_.front()) {
    dirty_.remove(*c);
    c->flush();
  }
  ++stats_.iterations;
  // A turn's work is its wall time less the time libuv spent waiting for events.
  const std::uint64_t now = uv_hrtime();
  const std::uint64_t idle = uv_metrics_idle_time(&loop_);
  const std::uint64_t turn = now - last_turn_ns_;
  const std::uint64_t waited = idle - last_idle_ns_;
  stats_.busy_seconds.record(static_cast<double>(turn > waited ? turn - waited : 0) / 1e9);
  last_turn_ns_ = now;
  last_idle_ns_ = idle;
}

void Loop::on_lag_tick() {
  const std::uint64_t now = uv_hrtime();
  stats_.lag_seconds.record(
      now > lag_expected_ns_ ? static_cast<double>(now - lag_expected_ns_) / 1e9 : 0.0);
  lag_expected_ns_ = now + kLagTickMs * 1000000;
}

void Loop::watch_websocket(WebSocketState& ws) {
  ws.heard_ms = now_ms();
  websockets_.push_back(ws);
}

void Loop::heard_websocket(WebSocketState& ws) {
  if (!ws.linked()) return;  // our Close has gone: no more pings
  ws.heard_ms = now_ms();
  ws.pinged_ms = 0;
  websockets_.move_to_back(ws);
}

void Loop::forget_websocket(WebSocketState& ws) {
  if (ws.linked()) websockets_.remove(ws);
}

// Quiet peers are sent the shared Ping block; a browser answers by itself, so
// only a dead peer (or a path that lost it) stays quiet past the pong timeout.
void Loop::ping_quiet_websockets(std::uint64_t now) {
  for (WebSocketState* ws = websockets_.front(); ws != nullptr;) {
    WebSocketState* next = websockets_.next(*ws);
    if (now - ws->heard_ms < limits_.websocket_ping_ms) break;
    Connection& c = ws->connection;
    if (ws->pinged_ms == 0) {
      ws->pinged_ms = now;
      ++stats_.websocket_pings;
      c.send_frame(ping_frame());
    } else if (now - ws->pinged_ms >= limits_.websocket_pong_timeout_ms) {
      ++stats_.websocket_pong_timeouts;
      c.close(CloseReason::kPingTimeout);
    }
    ws = next;
  }
}

void Loop::sweep() {
  const std::uint64_t now = now_ms();
  while (Connection* c = handshaking_.front()) {
    if (c->last_activity_ms_ > now) break;
    c->close(CloseReason::kHandshakeTimeout);
  }
  while (Connection* c = draining_.front()) {
    if (c->last_activity_ms_ > now) break;
    c->close(c->drain_reason_);
  }
  if (limits_.soft_output_limit != 0) {
    for (Connection* c = active_.front(); c != nullptr; c = active_.next(*c)) {
      if (c->over_soft_limit_) c->check_output_limits();
    }
  }
  ping_quiet_websockets(now);
  if (limits_.idle_timeout_ms == 0) return;
  while (Connection* c = active_.front()) {
    if (now - c->last_activity_ms_ < limits_.idle_timeout_ms) break;
    c->close(CloseReason::kIdleTimeout);
  }
}

}  // namespace chatd::reactor
