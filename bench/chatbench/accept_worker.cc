// AcceptWorker: pacing connects, timing them, and holding what was opened.
#include "bench/chatbench/accept_worker.h"

#include <algorithm>

#include "bench/chatbench/timing.h"

namespace chatd::bench {
namespace {
constexpr std::uint64_t kPacerTickMs = 1;
constexpr std::size_t kMaxReplyInFailure = 60;
}  // namespace

AcceptWorker::AcceptWorker(AcceptShared& shared, unsigned index)
    : shared_(shared), loop_([this] { on_wake(); }) {
  const std::size_t threads = shared.workers.size();
  for (std::size_t g = index; g < shared.connections; g += threads) {
    clients_.push_back(std::make_unique<Client>(
        loop_, *this, static_cast<std::uint32_t>(clients_.size()), shared_.common.tls_context.get(),
        shared_.common.websocket_host()));
    if (shared.opt.then_sigterm) clients_.back()->keep_open_after_eof();
    global_.push_back(g);
  }
  started_ns_.assign(clients_.size(), 0);
  state_.assign(clients_.size(), State::kWaiting);
  window_ = std::max<std::size_t>(1, shared.common.connect_window / threads);
  rate_ = shared.opt.rate / static_cast<double>(threads);
  uv_timer_init(loop_.uv(), &pacer_);
  pacer_.data = this;
}

AcceptWorker::~AcceptWorker() {
  if (!stopping_) stop();
  loop_.run();
}

void AcceptWorker::run() {
  if (rate_ > 0) {
    uv_timer_start(
        &pacer_, [](uv_timer_t* t) { static_cast<AcceptWorker*>(t->data)->start_connects(); },
        kPacerTickMs, kPacerTickMs);
  }
  start_connects();
  loop_.run();
}

// Starts connects while fewer than the window are in flight and, with a rate,
// while the schedule says they are due.
void AcceptWorker::start_connects() {
  const std::uint64_t now = now_ns();
  std::size_t due = clients_.size();
  if (rate_ > 0) {
    const double elapsed = ns_to_seconds(now > shared_.start_ns ? now - shared_.start_ns : 0);
    due = std::min(due, static_cast<std::size_t>(elapsed * rate_) + 1);
  }
  while (!stopping_ && next_ < due && in_flight_ < window_) {
    const std::size_t i = next_++;
    ++in_flight_;
    started_ns_[i] = now_ns();
    state_[i] = State::kConnecting;
    const int r = clients_[i]->connect(shared_.target_of(global_[i]),
                                       shared_.common.source_pool.pick(global_[i]));
    if (r != 0) fail(i, uv_err_name(r));
  }
  if (next_ == clients_.size() && rate_ > 0) uv_timer_stop(&pacer_);
}

void AcceptWorker::fail(std::size_t i, const std::string& why) {
  state_[i] = State::kFailed;
  --in_flight_;
  ++failures_[why];
  shared_.failed.fetch_add(1, std::memory_order_relaxed);
}

void AcceptWorker::on_connected(Client& c, int status) {
  const std::size_t i = c.index();
  if (status != 0) {
    fail(i, uv_err_name(status));
    return start_connects();
  }
  last_connected_ns_ = now_ns();
  connect_latency_.record(last_connected_ns_ - started_ns_[i]);
  shared_.connected.fetch_add(1, std::memory_order_relaxed);
  state_[i] = State::kGreeting;
  c.queue(shared_.speakers.of(global_[i]).hello(global_[i]));
  c.flush();
}

void AcceptWorker::on_line(Client& c, std::string_view line) {
  const std::size_t i = c.index();
  if (state_[i] != State::kGreeting) return;
  const Greeting g = shared_.speakers.of(global_[i]).greeting(line, nick_);
  if (g == Greeting::kNotYet) return;
  if (g == Greeting::kRefused) {
    c.close();
    fail(i, "refused: " + std::string(line.substr(0, kMaxReplyInFailure)));
    return start_connects();
  }
  state_[i] = State::kHeld;
  --in_flight_;
  last_greeted_ns_ = read_now_;
  greeting_latency_.record(read_now_ - started_ns_[i]);
  shared_.greeted.fetch_add(1, std::memory_order_relaxed);
  start_connects();
}

void AcceptWorker::on_lost(Client& c, int status) {
  const std::size_t i = c.index();
  if (state_[i] == State::kHeld) {
    if (shared_.server_stopping.load(std::memory_order_relaxed)) {
      last_farewell_ns_ = now_ns();
      shared_.farewells.fetch_add(1, std::memory_order_relaxed);
    } else {
      ++dropped_;
    }
    return;
  }
  if (state_[i] == State::kFailed) return;
  fail(i, status == UV_EOF ? "closed by server" : uv_err_name(status));
  start_connects();
}

void AcceptWorker::on_wake() {
  if (shared_.phase.load(std::memory_order_acquire) == Phase::kStop && !stopping_) stop();
}

void AcceptWorker::stop() {
  stopping_ = true;
  for (auto& c : clients_)
    c->close();
  uv_close(reinterpret_cast<uv_handle_t*>(&pacer_), nullptr);
  loop_.close_wakeups();
}

}  // namespace chatd::bench
