// Connection, after an upgrade to WebSocket: frames in (through the decoder,
// unmasked in the read buffer) and the close handshake. Frames out are the
// blocks' WebSocket forms, queued by send().
#include <memory>

#include "reactor/connection.h"
#include "reactor/connection_handler.h"
#include "reactor/loop.h"

namespace chatd::reactor {

void Connection::upgrade_to_websocket() {
  if (state_ != State::kOpen || ws_) return;
  ws_ = std::make_unique<WebSocketState>(*this);
  telnet_on_ = false;
  max_line_bytes_ = 0;
  loop_.watch_websocket(*ws_);
}

std::string_view Connection::websocket_error() const {
  return ws_ ? std::string_view(ws_->error) : std::string_view();
}

void Connection::send_close_frame(MessageRef frame) {
  push(std::move(frame));
  ws_->close_sent = true;
  loop_.forget_websocket(*ws_);
}

// Each text message is the lines of one paste at most: they all reach the
// handler unless it closes, even if it pauses reading after the first (a pause
// takes effect at the next frame).
void Connection::handle_frames(char* data, std::size_t n) {
  struct Sink final : WebSocketDecoder::Sink {
    Connection& c;
    explicit Sink(Connection& conn) : c(conn) {}
    bool open() const { return c.state_ == State::kOpen && !c.draining_; }
    bool takes_lines() const { return open() && !c.reading_paused_; }
    bool on_message(std::string_view text) override {
      c.loop_.touch(c);
      while (open()) {
        const std::size_t lf = text.find('\n');
        std::string_view line = text.substr(0, lf);
        if (line.ends_with('\r')) line.remove_suffix(1);
        c.handler_->on_line(c, line);
        if (lf == std::string_view::npos) break;
        text.remove_prefix(lf + 1);
        if (text.empty()) break;
      }
      return takes_lines();
    }
    bool on_message_too_long() override {
      c.loop_.touch(c);
      c.handler_->on_line_too_long(c);
      return takes_lines();
    }
    bool on_ping(std::string_view payload) override {
      c.send_frame(make_frame(WsOpcode::kPong, payload));
      return takes_lines();
    }
    bool on_pong() override { return takes_lines(); }
    void on_close(std::uint16_t code, std::string_view) override {
      c.send_close_frame(make_close_echo(code));
      c.drain_reason_ = CloseReason::kPeerClosed;
      c.close_when_drained();
    }
    void on_failure(WsClose code, std::string_view why) override {
      c.ws_->error = why;
      c.send_close_frame(make_close_frame(code, why));
      c.drain_reason_ = CloseReason::kProtocolError;
      c.close_when_drained();
    }
  } sink(*this);
  loop_.heard_websocket(*ws_);
  const std::size_t used = ws_->decoder.feed(data, n, max_line_bytes(), sink);
  if (used < n && state_ == State::kOpen && !draining_ && reading_paused_) {
    if (!paused_tail_) paused_tail_ = std::make_unique<std::string>();
    paused_tail_->append(data + used, n - used);
  }
}

}  // namespace chatd::reactor
