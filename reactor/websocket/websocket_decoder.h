// WebSocketDecoder: the frames a client sends (RFC 6455 §5), decoded from a
// byte stream in place: each frame is unmasked where it was read, a message in
// one frame is handed out as a view into the read buffer, and only a message
// split across frames or reads is gathered in the carry buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "reactor/websocket/websocket_frame.h"

namespace chatd::reactor {

class WebSocketDecoder {
 public:
  // A message over `max_message_bytes` (and at most this) is refused and
  // skipped; one over this closes the connection (1009): a peer that big is
  // not a chat client.
  static constexpr std::size_t kHardCapBytes = 65536;

  // What the decoder finds. Each call but on_failure and on_close returns
  // whether to go on decoding (false once the connection closed or paused).
  class Sink {
   public:
    // A complete text message, valid UTF-8; valid only during the call.
    virtual bool on_message(std::string_view text) = 0;
    // A text message longer than the limit, skipped whole.
    virtual bool on_message_too_long() = 0;
    virtual bool on_ping(std::string_view payload) = 0;
    virtual bool on_pong() = 0;
    // The peer's Close: its code (0 for none) and reason. Decoding stops.
    virtual void on_close(std::uint16_t code, std::string_view reason) = 0;
    // The peer broke the protocol: close with `code`; decoding stops.
    virtual void on_failure(WsClose code, std::string_view why) = 0;

   protected:
    ~Sink() = default;
  };

  // Decodes data[0, n), unmasking it in place. Returns how many bytes were
  // used: n, or fewer when the sink said stop (then at a frame's end: the
  // caller keeps the rest and feeds it later), or after a failure or a Close.
  std::size_t feed(char* data, std::size_t n, std::size_t max_message_bytes, Sink& sink);

  // The decoder has met a Close or a failure and takes nothing more.
  bool finished() const { return finished_; }
  bool has_partial_message() const { return in_message_; }

 private:
  enum class Stage : std::uint8_t { kHeader, kPayload };
  struct Frame {
    WsOpcode op = WsOpcode::kText;
    bool fin = false;
    std::uint64_t left = 0;  // payload bytes still to come
    unsigned char mask[4] = {};
    std::uint8_t mask_at = 0;  // where in the key the next byte's mask is
    bool fresh = false;        // none of its payload taken yet
  };

  // The checks of a header's first two bytes; false on a failure (reported).
  bool check_opening(Sink& sink);
  // Parses the whole header gathered in header_; false on a failure (reported).
  bool start_frame(Sink& sink, std::size_t max_message_bytes);
  // `k` payload bytes of the current frame at `p`; false to stop.
  bool take_payload(char* p, std::size_t k, Sink& sink);
  bool end_control(Sink& sink);
  bool end_message(std::string_view text, Sink& sink);
  void unmask(char* p, std::size_t k);
  void fail(Sink& sink, WsClose code, std::string_view why);
  std::size_t header_needed() const;
  void reset_message();

  Stage stage_ = Stage::kHeader;
  Frame frame_;
  unsigned char header_[14] = {};
  std::uint8_t header_have_ = 0;
  bool in_message_ = false;  // a text message has started, not ended
  bool too_long_ = false;    // the message in progress is over the limit: skipped
  bool finished_ = false;
  std::uint64_t message_bytes_ = 0;
  std::string carry_;    // a message split across frames or reads
  std::string control_;  // a control frame split across reads
};

}  // namespace chatd::reactor
