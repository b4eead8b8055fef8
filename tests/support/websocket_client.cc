// The test client of chatd's WebSocket front end.
#include "tests/support/websocket_client.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <stdexcept>

namespace chatd::test {
namespace {

constexpr std::string_view kExampleKey = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr std::string_view kExampleAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
constexpr std::size_t kRecentLines = 32;
constexpr std::size_t kMaxSkippedUntilClosed = 10000;

// Reads what `fd` holds now into `into`; false once the peer has closed.
bool read_now(int fd, std::string& into, bool& eof) {
  char buf[16384];
  for (;;) {
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      into.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    eof = true;
    return false;
  }
}

bool wait_readable(int fd, Deadline deadline) {
  pollfd p{fd, POLLIN, 0};
  const int r = poll(&p, 1, poll_timeout_ms(deadline));
  return r > 0;
}

}  // namespace

std::string upgrade_request(std::uint16_t port, const WebSocketOptions& options) {
  std::string r = "GET " + options.path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                  "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: "
                  "13\r\nSec-WebSocket-Key: " +
                  std::string(kExampleKey) +
                  "\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n";
  if (!options.origin.empty()) r += "Origin: " + options.origin + "\r\n";
  for (const std::string& f : options.fields)
    r += f + "\r\n";
  return r + "\r\n";
}

WebSocketClient::WebSocketClient(std::uint16_t port, const WebSocketOptions& options,
                                 Deadline deadline)
    : tcp_(port, options.client, deadline) {
  if (!tcp_.send_raw(upgrade_request(port, options), deadline)) {
    throw std::runtime_error("WebSocket: cannot send the upgrade request");
  }
  for (;;) {
    std::size_t used = 0;
    // A 101 has no body: everything after its head is frames.
    if (std::optional<HttpReply> reply = parse_http_reply(in_, &used)) {
      handshake_ = *reply;
      in_.erase(0, used);
      break;
    }
    if (eof_ || !wait_readable(fd(), deadline)) {
      throw std::runtime_error("WebSocket: no answer to the upgrade request; got: " + in_);
    }
    read_now(fd(), in_, eof_);
  }
  if (handshake_.status != 101 || handshake_.field("sec-websocket-accept") != kExampleAccept) {
    throw std::runtime_error("WebSocket: the upgrade was refused or wrong:\n" + handshake_.head +
                             handshake_.body);
  }
  take_frames();
}

bool WebSocketClient::send_raw(std::string_view bytes, Deadline deadline) {
  return tcp_.send_raw(bytes, deadline);
}

bool WebSocketClient::send_line(std::string_view text, Deadline deadline) {
  return tcp_.send_raw(text_frame(text), deadline);
}

void WebSocketClient::take_frames() {
  while (std::optional<ServerFrame> f = take_server_frame(in_)) {
    ++frames_;
    if (f->masked) frame_errors_.push_back("a masked server frame");
    if ((f->first_byte & 0x70) != 0) frame_errors_.push_back("RSV bits set");
    if (!f->fin()) frame_errors_.push_back("a fragmented server frame");
    switch (f->opcode()) {
      case 0x1:
        messages_.push_back(f->payload);
        break;
      case 0x8:
        close_code_ = f->close_code();
        closed_ = true;
        return;
      case 0x9:
        tcp_.send_raw(encode_client_frame({.opcode = 0xA, .payload = f->payload}));
        break;
      case 0xA:
        break;
      default:
        frame_errors_.push_back("opcode " + std::to_string(f->opcode()));
    }
  }
}

bool WebSocketClient::receive_available() {
  if (eof_) return false;
  const bool open = read_now(fd(), in_, eof_);
  if (!closed_) take_frames();
  if (eof_) closed_ = true;
  return open;
}

std::optional<std::string> WebSocketClient::next_buffered_line(bool) {
  if (messages_.empty()) return std::nullopt;
  std::string m = std::move(messages_.front());
  messages_.pop_front();
  recent_.push_back(m);
  if (recent_.size() > kRecentLines) recent_.erase(recent_.begin());
  return m;
}

std::optional<std::string> WebSocketClient::read_line(Deadline deadline) {
  for (;;) {
    if (std::optional<std::string> m = next_buffered_line()) return m;
    if (closed_) {
      last_failure_ = "the connection closed";
      return std::nullopt;
    }
    if (!wait_readable(fd(), deadline)) {
      last_failure_ = "no message by the deadline";
      return std::nullopt;
    }
    receive_available();
  }
}

std::optional<std::string> WebSocketClient::expect_line(const LineMatcher& m, Deadline deadline,
                                                        std::size_t max_skip) {
  skipped_.clear();
  return expect_matching([&] { return read_line(deadline); }, m, max_skip, skipped_, last_failure_);
}

std::optional<std::string> WebSocketClient::expect_line(std::string_view substring,
                                                        Deadline deadline, std::size_t max_skip) {
  return expect_line(contains(std::string(substring)), deadline, max_skip);
}

bool WebSocketClient::read_until_closed(Deadline deadline) {
  skipped_.clear();
  for (;;) {
    while (std::optional<std::string> m = next_buffered_line()) {
      if (skipped_.size() < kMaxSkippedUntilClosed) skipped_.push_back(std::move(*m));
    }
    if (eof_) return true;
    if (!wait_readable(fd(), deadline)) {
      last_failure_ = "not closed by the deadline";
      return false;
    }
    receive_available();
  }
}

std::string WebSocketClient::diagnostics() const {
  std::string text = last_failure_.empty() ? "no failure recorded" : last_failure_;
  text += "\n  last messages:";
  for (const std::string& m : recent_)
    text += "\n    " + m;
  for (const std::string& e : frame_errors_)
    text += "\n  bad frame: " + e;
  if (close_code_) text += "\n  (Close " + std::to_string(*close_code_) + ")";
  if (eof_) text += "\n  (connection closed)";
  return text;
}

std::optional<HttpReply> http_exchange(std::uint16_t port, std::string_view request,
                                       Deadline deadline) {
  LineClient c(port, {}, deadline);
  if (!c.send_raw(request, deadline)) return std::nullopt;
  std::string in;
  bool eof = false;
  for (;;) {
    if (std::optional<HttpReply> reply = parse_http_reply(in)) return reply;
    if (eof || !wait_readable(c.fd(), deadline)) return std::nullopt;
    read_now(c.fd(), in, eof);
  }
}

}  // namespace chatd::test
