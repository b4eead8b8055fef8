// Connection: the read path (loop-wide buffer -> [TLS] -> telnet filter ->
// framer -> handler) and the write path (queue of shared messages -> [TLS: one
// record of up to 16 KiB at a time] -> one writev, then at most one uv_write in
// flight for what the kernel did not take).
#include "reactor/connection.h"

#include <linux/sockios.h>
#include <sys/ioctl.h>

#include <cassert>
#include <utility>

#include "reactor/connection_handler.h"
#include "reactor/listener.h"
#include "reactor/loop.h"
#include "reactor/proxy_header.h"

namespace chatd::reactor {
namespace {
// One writev takes at most IOV_MAX (1024) buffers on Linux.
constexpr std::size_t kMaxBufs = 1024;
// A handshake step waiting for its turn keeps at most this much ciphertext: a
// ClientHello fits in one record (16 KiB and its header); more is not a client.
constexpr std::size_t kMaxHeldHandshakeBytes = TlsSession::kRecordBytes + 1024;

std::size_t total_bytes(const uv_buf_t* bufs, std::size_t n) {
  std::size_t total = 0;
  for (std::size_t i = 0; i < n; ++i)
    total += bufs[i].len;
  return total;
}
}  // namespace

Connection::Connection(Loop& loop) : loop_(loop) {
  tcp_.data = this;
}

void Connection::send(MessageRef m) {
  if (ws_) {
    if (!ws_->close_sent) push(m.websocket_form());
    return;
  }
  push(std::move(m));
}

void Connection::push(MessageRef m) {
  if (state_ != State::kOpen || fin_sent_ || (tls_ && tls_->close_notify_sent())) return;
  if (queued_bytes() == 0) behind_since_ms_ = loop_.now_ms();
  out_.push(std::move(m));
  check_output_limits();
  loop_.mark_dirty(*this);
}

TrafficStats& Connection::traffic() {
  return loop_.stats_.traffic[traffic_class_];
}

std::uint64_t Connection::backlog_ms() const {
  return queued_bytes() == 0 ? 0 : loop_.now_ms() - behind_since_ms_;
}

// Checked as output is queued, as it leaves, and by the loop's sweep (a client
// left over the soft limit may receive nothing more): over the hard limit at
// once, or over the soft limit for longer than allowed, a client is a slow
// consumer.
void Connection::check_output_limits() {
  const ConnectionLimits& limits = loop_.limits();
  const std::uint64_t now = loop_.now_ms();
  const std::size_t queued = queued_bytes();
  if (limits.soft_output_limit == 0 || queued <= limits.soft_output_limit) {
    over_soft_limit_ = false;
  } else if (!over_soft_limit_) {
    over_soft_limit_ = true;
    over_soft_since_ms_ = now;
  }
  if (queued > limits.output_limit ||
      (over_soft_limit_ && now - over_soft_since_ms_ >= limits.soft_output_ms)) {
    defer_close(CloseReason::kSlowConsumer);
  }
}

void Connection::notify_when_drained(std::size_t low_water) {
  drain_notify_ = true;
  drain_low_water_ = static_cast<std::uint32_t>(low_water);
  loop_.mark_dirty(*this);
}

// Run last in flush() and on_write(): the handler may send, close or resume
// reading, so nothing of this connection is touched after it.
void Connection::check_drained() {
  if (!drain_notify_ || state_ != State::kOpen || draining_ || queued_bytes() > drain_low_water_) {
    return;
  }
  drain_notify_ = false;
  if (handler_ != nullptr) handler_->on_output_drained(*this);
}

void Connection::input_done() {
  if (state_ == State::kOpen && handler_ != nullptr) handler_->on_input_done(*this);
}

std::size_t Connection::max_line_bytes() const {
  return max_line_bytes_ != 0 ? max_line_bytes_ : loop_.limits().max_line_bytes;
}

void Connection::defer_close(CloseReason why) {
  if (!close_deferred_) {
    close_deferred_ = true;
    deferred_reason_ = why;
  }
  loop_.mark_dirty(*this);
}

void Connection::close(CloseReason why) {
  if (state_ != State::kOpen) return;
  state_ = State::kClosing;
  if (const std::unique_ptr<ProxyWait> wait = std::move(proxy_wait_)) {
    wait->owner->on_proxy_refused(peer_, why == CloseReason::kHandshakeTimeout
                                             ? "no PROXY header in time"
                                             : "closed before its PROXY header");
  }
  // A TLS connection that ends before its handshake did, for whatever reason but
  // the server's own (a refusal, a shutdown), is a failed handshake.
  if (tls_ && !ready_ && why != CloseReason::kByServer) {
    if (why == CloseReason::kHandshakeTimeout) {
      ++loop_.stats_.tls_handshakes_timed_out;
    } else {
      ++loop_.stats_.tls_handshakes_failed;
    }
  }
  loop_.on_connection_closing(*this);
  if (ws_) loop_.forget_websocket(*ws_);
  if (ConnectionHandler* h = handler_) {
    handler_ = nullptr;
    h->on_close(*this, why);
  }
  // After the handler's last line, if that could be written: the browser learns
  // why in the Close frame.
  if (ws_ && why == CloseReason::kSlowConsumer && !ws_->close_sent) {
    ws_->close_sent = true;
    try_write_raw(make_close_frame(WsClose::kPolicy, "too slow to receive"));
  }
  // libuv cancels a pending uv_write before this callback runs, so on_write has
  // seen the end of it and the queued references die with the connection.
  uv_close(handle(), [](uv_handle_t* h) { delete static_cast<Connection*>(h->data); });
}

void Connection::close_when_drained(WsClose goodbye) {
  if (state_ != State::kOpen || draining_) return;
  if (ws_ && !ws_->close_sent) send_close_frame(make_close_frame(goodbye));
  // Before its handshake a TLS client can be told nothing: no crypto is spent.
  // Deferred like every close this makes, so callers may walk lists meanwhile.
  if (!can_speak()) {
    defer_close(CloseReason::kByServer);
    return;
  }
  draining_ = true;
  reading_paused_ = false;
  paused_tail_.reset();
  if (!peer_eof_) uv_read_start(stream(), on_alloc, on_read);  // UV_EALREADY if reading
  loop_.start_draining(*this);
  loop_.mark_dirty(*this);
}

// Called by flush() once a draining connection has written everything. A TLS
// peer is sent close_notify first (without waiting for its own).
void Connection::finish_drain() {
  if (tls_ && !tls_->close_notify_sent() && !peer_eof_) {
    tls_->send_close_notify();
    if (!tls_->wire().empty()) {
      loop_.mark_dirty(*this);
      return;
    }
  }
  if (peer_eof_) {
    close(drain_reason_);
    return;
  }
  if (fin_sent_) return;  // waiting for the peer's EOF, or the deadline
  fin_sent_ = true;
  auto* req = new uv_shutdown_t;
  req->data = this;
  if (uv_shutdown(req, stream(), on_shutdown) != 0) {
    delete req;
    close(drain_reason_);
  }
}

void Connection::on_shutdown(uv_shutdown_t* req, int status) {
  auto* c = static_cast<Connection*>(req->data);
  delete req;
  if (c->state_ != State::kOpen) return;
  if (status < 0 || c->farewell_acknowledged()) {
    c->close(c->drain_reason_);
    return;
  }
  c->loop_.watch_farewell(*c);
}

// Once the peer's kernel has acknowledged every byte, the farewell is in its
// receive buffer: closing now discards nothing on our side, and a Linux peer
// still reads what it holds even if a reset follows. A peer that keeps
// its socket open (nc does) then holds nothing up, and one that does not read
// keeps the connection only until the drain deadline.
bool Connection::farewell_acknowledged() {
  uv_os_fd_t fd = -1;
  int unacknowledged = 0;
  if (uv_fileno(handle(), &fd) != 0 || ioctl(fd, SIOCOUTQ, &unacknowledged) != 0) return true;
  return unacknowledged == 0;
}

// A peer that only half-closed may still be reading: what it asked for before
// its EOF is delivered before the connection closes.
void Connection::on_peer_eof() {
  peer_eof_ = true;
  uv_read_stop(stream());
  if (in_handshake()) {
    close(CloseReason::kHandshakeFailed);
    return;
  }
  if (draining_) {
    if (fin_sent_) close(drain_reason_);
    return;
  }
  if (queued_bytes() == 0 && write_in_flight_ == 0) {
    close(CloseReason::kPeerClosed);
    return;
  }
  drain_reason_ = CloseReason::kPeerClosed;
  close_when_drained();
}

void Connection::try_write_now(const MessageRef& m) {
  if (ws_) {
    if (!ws_->close_sent) try_write_raw(m.websocket_form());
    return;
  }
  try_write_raw(m);
}

void Connection::try_write_raw(const MessageRef& m) {
  if (torn_write_ || write_in_flight_ != 0 || out_.mid_message() || !can_speak()) return;
  if (tls_) {
    if (!tls_->wire().empty() || !tls_->seal_now(m.view())) return;
    uv_buf_t bufs[kMaxBufs];
    const std::size_t n = tls_->wire().fill(bufs, kMaxBufs);
    uv_try_write(stream(), bufs, static_cast<unsigned>(n));
    return;
  }
  uv_buf_t buf = uv_buf_init(const_cast<char*>(m.data()), m.size());
  const int written = uv_try_write(stream(), &buf, 1);
  if (written > 0 && static_cast<std::size_t>(written) < m.size()) torn_write_ = true;
}

void Connection::pause_reading() {
  if (state_ != State::kOpen || draining_ || reading_paused_) return;
  reading_paused_ = true;
  uv_read_stop(stream());
}

void Connection::resume_reading() {
  if (state_ != State::kOpen || draining_ || !reading_paused_) return;
  reading_paused_ = false;
  if (paused_tail_) {
    const std::unique_ptr<std::string> tail = std::move(paused_tail_);
    handle_bytes(tail->data(), tail->size());
    input_done();
    if (state_ != State::kOpen || draining_ || reading_paused_) return;
  }
  uv_read_start(stream(), on_alloc, on_read);
}

void Connection::on_alloc(uv_handle_t* h, std::size_t, uv_buf_t* buf) {
  auto* c = static_cast<Connection*>(h->data);
  *buf = uv_buf_init(c->loop_.read_buffer(), Loop::kReadBufferSize);
}

void Connection::on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  auto* c = static_cast<Connection*>(s->data);
  if (nread > 0) {
    c->traffic().bytes_read += static_cast<std::uint64_t>(nread);
    if (c->draining_) return;  // read only so that the close is clean
    if (c->proxy_wait_) {
      c->read_proxy_header(buf->base, static_cast<std::size_t>(nread));
    } else if (c->tls_) {
      c->read_tls(buf->base, static_cast<std::size_t>(nread));
    } else {
      c->handle_plaintext(buf->base, static_cast<std::size_t>(nread));
    }
    if (c->state_ == State::kOpen) c->input_done();
  } else if (nread == UV_EOF) {
    c->on_peer_eof();
  } else if (nread == UV_ECONNRESET) {
    c->close(CloseReason::kPeerClosed);
  } else if (nread < 0) {
    c->close(CloseReason::kReadError);
  }
}

void Connection::start(ListenerHandler& owner, const std::shared_ptr<const TlsContext>& tls) {
  if (tls) {
    try {
      tls_ = std::make_unique<TlsSession>(*tls);
    } catch (const std::exception&) {
      close(CloseReason::kByServer);
      owner.on_accept_error(UV_ENOMEM);
      return;
    }
  }
  owner.on_accept(*this);
  if (state_ != State::kOpen || draining_) return;
  if (handler_ == nullptr) {
    close(CloseReason::kByServer);
    return;
  }
  if (!tls_) become_ready();
  if (state_ == State::kOpen && !draining_ && !reading_paused_) {
    uv_read_start(stream(), on_alloc, on_read);  // UV_EALREADY after a PROXY header
  }
}

void Connection::await_proxy_header(ListenerHandler& owner, std::shared_ptr<const TlsContext> tls) {
  proxy_wait_ = std::make_unique<ProxyWait>(ProxyWait{&owner, std::move(tls), {}});
  uv_read_start(stream(), on_alloc, on_read);
}

// The header's source becomes the peer before the owner sees the connection;
// what follows the header is the client's first bytes (plaintext or TLS).
void Connection::read_proxy_header(const char* data, std::size_t n) {
  ProxyWait& wait = *proxy_wait_;
  const std::size_t take = std::min(n, kMaxProxyHeaderBytes - wait.bytes.size());
  wait.bytes.append(data, take);
  const ProxyParse p = parse_proxy_header(wait.bytes);
  if (p.status == ProxyParse::Status::kNeedMore && wait.bytes.size() < kMaxProxyHeaderBytes) {
    return;
  }
  const std::unique_ptr<ProxyWait> done = std::move(proxy_wait_);
  if (p.status != ProxyParse::Status::kDone) {
    done->owner->on_proxy_refused(
        peer_, "bad PROXY header: " + (p.error.empty() ? "longer than allowed" : p.error));
    close(CloseReason::kByServer);
    return;
  }
  if (p.header.has_source) peer_ = p.header.source;
  secured_by_proxy_ = p.header.client_tls;
  std::string rest = done->bytes.substr(p.consumed);
  rest.append(data + take, n - take);
  start(*done->owner, done->tls);
  if (state_ != State::kOpen || draining_ || rest.empty()) return;
  if (tls_) {
    read_tls(rest.data(), rest.size());
  } else {
    handle_plaintext(rest.data(), rest.size());
  }
}

void Connection::handle_plaintext(char* data, std::size_t n) {
  if (state_ != State::kOpen || draining_) return;
  if (telnet_on_) n = telnet_.filter(data, n);
  if (reading_paused_) {
    // Paused by an earlier record of this same read: kept, unframed, in order.
    if (!paused_tail_) paused_tail_ = std::make_unique<std::string>();
    paused_tail_->append(data, n);
    return;
  }
  handle_bytes(data, n);
}

// Decrypts what was read. A handshake step over this turn's budget keeps the
// bytes and stops reading until the loop gives it a turn (resume_handshake).
void Connection::read_tls(const char* data, std::size_t n) {
  if (!tls_->handshake_done() && !loop_.take_handshake_step()) {
    if (tls_->held_bytes() + n > kMaxHeldHandshakeBytes) {
      close(CloseReason::kHandshakeFailed);
      return;
    }
    tls_->hold(data, n);
    uv_read_stop(stream());
    handshake_deferred_ = true;
    loop_.defer_handshake(*this);
    return;
  }
  const TlsSession::Step step = tls_->read(
      data, n, loop_.tls_plain_buffer(),
      [this] {
        become_ready();
        return state_ == State::kOpen;
      },
      [this](char* plain, std::size_t k) {
        handle_plaintext(plain, k);
        return state_ == State::kOpen;
      });
  if (state_ != State::kOpen) return;
  // OpenSSL writes by itself too (handshake messages, alerts, KeyUpdate replies):
  // that counts against the output limit like anything sent.
  if (!tls_->wire().empty()) {
    loop_.mark_dirty(*this);
    check_output_limits();
  }
  switch (step) {
    case TlsSession::Step::kFailed:
      write_alert();
      close(ready_ ? CloseReason::kTlsError : CloseReason::kHandshakeFailed);
      break;
    case TlsSession::Step::kPeerClosed:
      if (!ready_) {
        close(CloseReason::kHandshakeFailed);
      } else {
        on_peer_eof();
      }
      break;
    case TlsSession::Step::kOk:
    case TlsSession::Step::kStopped:
      break;
  }
}

// The alert OpenSSL queued says why (protocol version, bad record): one try,
// so the peer's error names the cause rather than a bare EOF.
void Connection::write_alert() {
  if (write_in_flight_ != 0 || tls_->wire().empty()) return;
  uv_buf_t bufs[kMaxBufs];
  const std::size_t n = tls_->wire().fill(bufs, kMaxBufs);
  uv_try_write(stream(), bufs, static_cast<unsigned>(n));
}

void Connection::resume_handshake() {
  handshake_deferred_ = false;
  const std::unique_ptr<std::string> held = tls_->take_held();
  if (held) read_tls(held->data(), held->size());
  if (state_ != State::kOpen || handshake_deferred_ || peer_eof_) return;
  input_done();
  if (state_ == State::kOpen && !reading_paused_ && !draining_) {
    uv_read_start(stream(), on_alloc, on_read);
  }
}

void Connection::become_ready() {
  if (tls_) ++loop_.stats_.tls_handshakes_ok;
  ready_ = true;
  loop_.on_connection_ready(*this);
  loop_.mark_dirty(*this);
  if (handler_ != nullptr) handler_->on_ready(*this);
}

void Connection::handle_bytes(char* data, std::size_t n) {
  if (ws_) {
    handle_frames(data, n);
  } else {
    handle_lines(data, n);
  }
}

// Hands every complete line to the handler. Stops as soon as the connection no
// longer takes lines: a /quit in the middle of a pasted block ends it there, and
// a flood-control pause keeps the rest, unframed, for resume_reading().
void Connection::handle_lines(char* data, std::size_t n) {
  struct Sink {
    Connection& c;
    bool takes_lines() const {
      return c.state_ == State::kOpen && !c.draining_ && !c.reading_paused_ && !c.ws_;
    }
    // Idle means no line received: bytes that never end a line (slowloris) do
    // not count as activity.
    bool on_line(std::string_view line) {
      c.loop_.touch(c);
      c.handler_->on_line(c, line);
      return takes_lines();
    }
    bool on_overlong() {
      c.loop_.touch(c);
      c.handler_->on_line_too_long(c);
      return takes_lines();
    }
  } sink{*this};
  const std::size_t used = framer_.feed(data, n, max_line_bytes(), sink);
  if (used == n || state_ != State::kOpen || draining_) return;
  if (reading_paused_) {
    if (!paused_tail_) paused_tail_ = std::make_unique<std::string>();
    paused_tail_->append(data + used, n - used);
  } else if (ws_) {
    // The handler upgraded on the line that ended its HTTP request.
    handle_frames(data + used, n - used);
  }
}

void Connection::flush() {
  if (close_deferred_) {
    close(deferred_reason_);
    return;
  }
  if (state_ != State::kOpen || write_in_flight_ != 0) return;
  OutputQueue& out = wire();
  uv_buf_t bufs[kMaxBufs];
  for (;;) {
    if (out.empty() && !seal_output()) return;
    if (out.empty()) break;
    const std::size_t n = out.fill(bufs, kMaxBufs);
    const int r = uv_try_write(stream(), bufs, static_cast<unsigned>(n));
    if (r == UV_EAGAIN) break;
    if (r < 0) {
      close(CloseReason::kWriteError);
      return;
    }
    LoopStats& stats = loop_.stats_;
    ++stats.writes;
    stats.iovecs_per_write.record(static_cast<double>(n));
    traffic().bytes_written += static_cast<std::uint64_t>(r);
    out.consume(static_cast<std::size_t>(r));
    if (static_cast<std::size_t>(r) < total_bytes(bufs, n)) break;
  }
  if (!out.empty()) {
    write_remainder();
  } else if (draining_ && out_.empty()) {
    finish_drain();
    return;
  }
  check_drained();
}

// TLS: encrypts the next record's worth of queued plaintext once the ciphertext
// before it has reached the kernel, so ciphertext never piles up ahead of the
// socket. False if the connection closed.
bool Connection::seal_output() {
  if (!tls_ || !ready_ || out_.empty()) return true;
  if (tls_->seal(out_, loop_.tls_scratch_buffer())) return true;
  close(CloseReason::kTlsError);
  return false;
}

// The kernel is full: hand the rest to libuv, which writes it when the socket is
// writable. The buffers point into the same shared messages; the queue keeps
// them alive until on_write consumes them.
void Connection::write_remainder() {
  uv_buf_t bufs[kMaxBufs];
  const std::size_t n = wire().fill(bufs, kMaxBufs);
  ++loop_.stats_.partial_writes;
  write_req_ = new uv_write_t;
  write_req_->data = this;
  const int r = uv_write(write_req_, stream(), bufs, static_cast<unsigned>(n), on_write);
  if (r < 0) {
    delete std::exchange(write_req_, nullptr);
    close(CloseReason::kWriteError);
    return;
  }
  write_in_flight_ = total_bytes(bufs, n);
}

void Connection::on_write(uv_write_t* req, int status) {
  auto* c = static_cast<Connection*>(req->data);
  delete std::exchange(c->write_req_, nullptr);
  const std::size_t written = c->write_in_flight_;
  c->write_in_flight_ = 0;
  if (c->state_ != State::kOpen) return;
  if (status < 0) {
    c->close(CloseReason::kWriteError);
    return;
  }
  c->traffic().bytes_written += written;
  c->wire().consume(written);
  c->check_output_limits();
  if (c->queued_bytes() != 0 || c->draining_) c->loop_.mark_dirty(*c);
  c->check_drained();
}

}  // namespace chatd::reactor
