// ClientWebSocket: what a browser does on chatd's web front end, for
// chatbench's --proto ws: the upgrade request, the 101 answer, the server's
// text frames into lines, and lines into masked client frames (RFC 6455).
// Server Pings are answered; a Close or a broken frame ends the connection.
// It reads what chatd sends, unfragmented frames well under 64 KiB, and checks
// no more of a frame than that (FIN and lengths are trusted).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace chatd::bench {

class ClientWebSocket {
 public:
  // `host` is the Host field (the target, "127.0.0.1:8080").
  explicit ClientWebSocket(std::string_view host);

  // Sent first: GET /ws with Upgrade: websocket.
  const std::string& request() const { return request_; }
  // The 101 answer has come: frames flow.
  bool ready() const { return ready_; }

  struct Sink {
    // One line of a text message; false stops reading (the client closed).
    virtual bool on_line(std::string_view line) = 0;

   protected:
    ~Sink() = default;
  };
  // Bytes read. Stops after the 101 (ready() turns true), keeping what
  // followed it for the next call, so the caller can act on the upgrade
  // first. False on a refused upgrade, a broken frame or the server's Close:
  // the connection is over.
  bool feed(const char* data, std::size_t n, Sink& sink);

  // Frames for what to send: control replies first (Pongs), then each line of
  // `lines` (CRLF or LF ended) as a masked text frame, appended to `out`.
  void frame(std::string_view lines, std::string& out);
  bool has_control_output() const { return !control_.empty(); }

 private:
  bool read_head();
  // Takes the frames wholly in `bytes`; returns how many bytes they took.
  std::size_t take_frames(std::string_view bytes, Sink& sink, bool& ok);

  std::string request_;
  std::string carry_;    // a head or a frame split across reads
  std::string control_;  // framed Pongs not yet sent
  bool ready_ = false;
  std::uint32_t mask_ = 0x5a3c96e1;
};

}  // namespace chatd::bench
