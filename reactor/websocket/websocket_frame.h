// WebSocket frames as a server writes them (RFC 6455 §5.2): FIN set, unmasked,
// the shortest length encoding. A server frame depends only on its opcode and
// payload, so one rendering serves every recipient.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "reactor/message.h"

namespace chatd::reactor {

enum class WsOpcode : std::uint8_t {
  kContinuation = 0x0,
  kText = 0x1,
  kBinary = 0x2,
  kClose = 0x8,
  kPing = 0x9,
  kPong = 0xA,
};

// Close status codes (RFC 6455 §7.4.1) chatd sends.
enum class WsClose : std::uint16_t {
  kNormal = 1000,
  kGoingAway = 1001,        // the server is shutting down
  kProtocolError = 1002,    // a frame broke RFC 6455
  kUnsupportedData = 1003,  // a binary message: chat is text
  kInvalidText = 1007,      // a text message that is not UTF-8
  kPolicy = 1008,           // too slow to receive, or refused
  kTooBig = 1009,           // a message over the hard cap
  kTryAgainLater = 1013,    // the server is full
};

inline constexpr std::size_t kMaxFrameHeaderBytes = 10;
inline constexpr std::size_t kMaxControlPayload = 125;

// Writes the header of a server frame carrying `payload_bytes` into `out`
// (at least kMaxFrameHeaderBytes long); returns its length: 2, 4 or 10.
std::size_t write_frame_header(char* out, WsOpcode op, std::uint64_t payload_bytes);

// One server frame in one block.
MessageRef make_frame(WsOpcode op, std::string_view payload);
// A Close frame: the code, then a reason cut to fit a control frame.
MessageRef make_close_frame(WsClose code, std::string_view reason = {});
// A Close frame echoing a peer's: its code, or an empty body if it gave none.
MessageRef make_close_echo(std::uint16_t code);
// The Ping that probes an idle peer: one block shared by every connection.
const MessageRef& ping_frame();

// Each line of `lines` (lines end in CRLF or LF; a last one may end in neither)
// as one text frame without its line end, all in one new block. For Message's
// WebSocket form.
Message* frame_text_lines(std::string_view lines);

// A code a peer may send in a Close frame (RFC 6455 §7.4): 1000-1003, 1007-1011
// and 3000-4999.
bool is_valid_close_code(std::uint16_t code);

}  // namespace chatd::reactor
