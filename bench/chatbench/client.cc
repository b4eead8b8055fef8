// Client: connect, read into lines, write with uv_try_write then uv_write.
#include "bench/chatbench/client.h"

#include <unistd.h>

#include "bench/chatbench/source_pool.h"
#include "bench/chatbench/timing.h"
#include "bench/chatbench/worker_loop.h"

namespace chatd::bench {
namespace {
// Lines longer than this are dropped by the framer; no reply chatbench reads is near it.
constexpr std::size_t kMaxLine = std::size_t{16} * 1024;
}  // namespace

Client::Client(WorkerLoop& loop, ClientHandler& handler, std::uint32_t index,
               const ClientTlsContext* tls, const std::string* websocket_host)
    : loop_(loop),
      handler_(handler),
      tls_context_(tls),
      websocket_host_(websocket_host),
      index_(index) {
  tcp_.data = this;
  connect_req_.data = this;
  write_req_.data = this;
}

int Client::connect(const sockaddr* to, const sockaddr* from) {
  const int fd = open_client_socket(to->sa_family, from);
  if (fd < 0) return uv_translate_sys_error(-fd);
  if (const int r = uv_tcp_init(loop_.uv(), &tcp_); r != 0) {
    ::close(fd);
    return r;
  }
  state_ = State::kConnecting;
  if (tls_context_ != nullptr) tls_ = std::make_unique<ClientTls>(*tls_context_);
  if (websocket_host_ != nullptr) ws_ = std::make_unique<ClientWebSocket>(*websocket_host_);
  int r = uv_tcp_open(&tcp_, fd);
  if (r == 0) r = uv_tcp_connect(&connect_req_, &tcp_, to, on_connect);
  if (r != 0) {
    if (uv_fileno(reinterpret_cast<uv_handle_t*>(&tcp_), nullptr) != 0) ::close(fd);
    close();
  }
  return r;
}

void Client::on_connect(uv_connect_t* req, int status) {
  auto* c = static_cast<Client*>(req->data);
  if (c->state_ != State::kConnecting) return;
  if (status == 0) {
    c->state_ = State::kOpen;
    status = uv_read_start(
        c->stream(),
        [](uv_handle_t* h, std::size_t, uv_buf_t* buf) {
          auto* self = static_cast<Client*>(h->data);
          *buf = uv_buf_init(self->loop_.read_buffer(), WorkerLoop::kReadBufferSize);
        },
        on_read_cb);
  }
  if (status != 0) c->close();
  if (status == 0 && c->tls_) {
    c->read_tls(nullptr, 0);  // the ClientHello; on_connected once the handshake is done
    return;
  }
  if (status != 0) return c->handler_.on_connected(*c, status);
  c->transport_ready();
}

void Client::transport_ready() {
  if (!ws_) return handler_.on_connected(*this, 0);
  framed_ = ws_->request();  // sent as it is: frames start after the answer
  flush();
}

void Client::read_tls(const char* data, std::size_t n) {
  const bool was_ready = tls_->ready();
  plain_.clear();
  const bool ok = tls_->feed(data, n, plain_);
  tls_->take_output(cipher_);
  write_out();
  if (!ok) {
    if (!was_ready) {
      close();
      handler_.on_connected(*this, UV_EPROTO);
      return;
    }
    return fail(UV_EPROTO);
  }
  if (!was_ready && tls_->ready()) {
    transport_ready();
    if (state_ != State::kOpen) return;
  }
  if (!plain_.empty()) frame(plain_.data(), plain_.size());
}

void Client::frame(const char* data, std::size_t n) {
  if (ws_) return read_websocket(data, n);
  struct Sink {
    Client& c;
    bool on_line(std::string_view line) {
      c.handler_.on_line(c, line);
      return c.state_ == State::kOpen;
    }
    bool on_overlong() { return c.state_ == State::kOpen; }
  } sink{*this};
  framer_.feed(data, n, kMaxLine, sink);
}

// The handler hears of the connection before the first frame's line: the
// greeting often arrives in the read that brings the 101.
void Client::read_websocket(const char* data, std::size_t n) {
  struct Sink final : ClientWebSocket::Sink {
    explicit Sink(Client& client) : c(client) {}
    bool on_line(std::string_view line) override {
      c.handler_.on_line(c, line);
      return c.state_ == State::kOpen;
    }
    Client& c;
  } sink(*this);
  const bool was_ready = ws_->ready();
  bool ok = ws_->feed(data, n, sink);
  if (ok && !was_ready && ws_->ready()) {
    handler_.on_connected(*this, 0);
    if (state_ != State::kOpen) return;
    ok = ws_->feed(nullptr, 0, sink);
  }
  if (!ok) {
    if (!ws_->ready()) {
      close();
      return handler_.on_connected(*this, UV_EPROTO);
    }
    return fail(UV_EOF);  // the server's Close, or a frame no server sends
  }
  if (ws_->has_control_output()) flush();
}

void Client::on_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  auto* c = static_cast<Client*>(s->data);
  if (nread == UV_EOF && c->keep_open_after_eof_) {
    uv_read_stop(s);
    return c->handler_.on_lost(*c, UV_EOF);
  }
  if (nread < 0) return c->fail(static_cast<int>(nread));
  if (nread == 0) return;
  const auto n = static_cast<std::size_t>(nread);
  // A TLS read counts once the handshake is done: before, it carries no chat.
  if (c->tls_) {
    if (c->tls_->ready()) c->handler_.on_read(*c, n, now_ns());
    return c->read_tls(buf->base, n);
  }
  c->handler_.on_read(*c, n, now_ns());
  c->frame(buf->base, n);
}

void Client::flush() {
  if (state_ != State::kOpen) return;
  if (ws_ && ws_->ready()) {
    ws_->frame(pending_, framed_);
    pending_.clear();
  }
  std::string& plain = ws_ ? framed_ : pending_;
  if (plain.empty()) return;
  if (tls_) {
    if (!tls_->ready()) return;
    if (!tls_->encrypt(plain)) return fail(UV_EPROTO);
    plain.clear();
    tls_->take_output(cipher_);
  }
  write_out();
}

// What goes to the socket: the queue itself on TCP (its frames on a WebSocket),
// its ciphertext on TLS.
void Client::write_out() {
  std::string& out = tls_ ? cipher_ : (ws_ ? framed_ : pending_);
  if (state_ != State::kOpen || !in_flight_.empty() || out.empty()) return;
  uv_buf_t buf = uv_buf_init(out.data(), static_cast<unsigned>(out.size()));
  const int r = uv_try_write(stream(), &buf, 1);
  if (r < 0 && r != UV_EAGAIN) return fail(r);
  const std::size_t written = r > 0 ? static_cast<std::size_t>(r) : 0;
  if (written == out.size()) {
    out.clear();
    return;
  }
  in_flight_.assign(out, written);
  out.clear();
  buf = uv_buf_init(in_flight_.data(), static_cast<unsigned>(in_flight_.size()));
  if (const int w = uv_write(&write_req_, stream(), &buf, 1, on_write); w != 0) fail(w);
}

void Client::on_write(uv_write_t* req, int status) {
  auto* c = static_cast<Client*>(req->data);
  c->in_flight_.clear();
  if (status == UV_ECANCELED || c->state_ != State::kOpen) return;
  if (status < 0) return c->fail(status);
  c->write_out();
  c->flush();
}

void Client::fail(int status) {
  if (!is_open()) return;
  close();
  handler_.on_lost(*this, status);
}

void Client::close() {
  if (state_ == State::kIdle) {
    state_ = State::kClosed;
    return;
  }
  if (state_ == State::kClosing || state_ == State::kClosed) return;
  state_ = State::kClosing;
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_),
           [](uv_handle_t* h) { static_cast<Client*>(h->data)->state_ = State::kClosed; });
}

}  // namespace chatd::bench
