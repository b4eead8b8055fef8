// A browser's side of chatd's web front end, for integration tests: the
// opening handshake on /ws, masked text frames out, the server's frames in as
// lines. It offers the same calls as LineClient (read_line, send_line,
// expect_line, receive_available...), so take_nick() and expect_line_on_all()
// work with it, and it checks every server frame the way a strict browser
// does: unmasked, no RSV bits, text or control.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/http_get.h"
#include "tests/support/line_client.h"
#include "tests/support/websocket_frames.h"

namespace chatd::test {

struct WebSocketOptions {
  std::string path = "/ws";
  std::string origin = {};  // the Origin field; none if empty
  // More header fields, "Name: value" each (X-Forwarded-For, ...).
  std::vector<std::string> fields = {};
  ClientOptions client = {};
};

// The upgrade request a browser sends for `options`, with Host 127.0.0.1:PORT
// and RFC 6455's example key.
std::string upgrade_request(std::uint16_t port, const WebSocketOptions& options);

class WebSocketClient {
 public:
  // Connects and upgrades. Throws std::runtime_error if the server answers
  // anything but 101 with the right Sec-WebSocket-Accept by the deadline.
  explicit WebSocketClient(std::uint16_t port, const WebSocketOptions& options = {},
                           Deadline deadline = default_deadline());

  int fd() const { return tcp_.fd(); }
  const HttpReply& handshake() const { return handshake_; }

  bool send_raw(std::string_view bytes, Deadline deadline = default_deadline());
  // One masked text frame holding `text`.
  bool send_line(std::string_view text, Deadline deadline = default_deadline());

  // The next text message; Pings are answered on the way. Nullopt on timeout,
  // or once a Close frame or the end of the connection has come.
  std::optional<std::string> read_line(Deadline deadline = default_deadline());
  std::optional<std::string> expect_line(const LineMatcher& m,
                                         Deadline deadline = default_deadline(),
                                         std::size_t max_skip = 1000);
  std::optional<std::string> expect_line(std::string_view substring,
                                         Deadline deadline = default_deadline(),
                                         std::size_t max_skip = 1000);
  // Reads (text messages into skipped(), at most 10000) until the server's
  // Close frame and the end of the connection; false at the deadline.
  bool read_until_closed(Deadline deadline = default_deadline());
  const std::vector<std::string>& skipped() const { return skipped_; }

  bool closed() const { return closed_; }
  // The code of the server's Close frame, once it came (0: none in it).
  std::optional<std::uint16_t> close_code() const { return close_code_; }
  std::size_t frames_received() const { return frames_; }
  // What was wrong with the server's frames (masked, RSV, an unknown opcode).
  const std::vector<std::string>& frame_errors() const { return frame_errors_; }

  // For poll() loops over many clients.
  bool receive_available();
  std::optional<std::string> next_buffered_line(bool keep_line_ending = false);
  std::string diagnostics() const;

 private:
  void take_frames();

  LineClient tcp_;  // the connection and raw sends; its line reads are never used
  HttpReply handshake_;
  std::string in_;  // bytes not yet a whole frame
  std::deque<std::string> messages_;
  std::vector<std::string> skipped_;
  std::vector<std::string> frame_errors_;
  std::vector<std::string> recent_;
  std::optional<std::uint16_t> close_code_;
  std::size_t frames_ = 0;
  bool closed_ = false;  // the Close frame came, or the connection ended
  bool eof_ = false;
  std::string last_failure_;
};

// Sends `request` on a fresh connection and reads the HTTP answer: for a
// refused handshake (403, 426, 503...).
std::optional<HttpReply> http_exchange(std::uint16_t port, std::string_view request,
                                       Deadline deadline = default_deadline());

}  // namespace chatd::test
