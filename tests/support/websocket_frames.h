// Client-side WebSocket frames for tests: masked frames as a browser sends
// them (or deliberately broken ones), and a parser of the server's frames.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chatd::test {

struct ClientFrame {
  std::uint8_t opcode = 0x1;
  std::string payload;
  bool fin = true;
  bool masked = true;
  std::uint8_t rsv = 0;                 // the three RSV bits, already shifted (0x40, 0x20, 0x10)
  std::uint32_t mask_key = 0x37fa213d;  // RFC 6455 §5.7's example key
  // Encode a short length in 16 bits, more than needed (a protocol error).
  bool long_length = false;
};

std::string encode_client_frame(const ClientFrame& f);
// A masked text frame, FIN set.
std::string text_frame(std::string_view payload);
// A masked Close frame with `code` (none if 0) and `reason`.
std::string close_frame(std::uint16_t code, std::string_view reason = {});

struct ServerFrame {
  std::uint8_t first_byte = 0;  // FIN, RSV and opcode
  bool masked = false;
  std::string payload;
  std::uint8_t opcode() const { return first_byte & 0x0F; }
  bool fin() const { return (first_byte & 0x80) != 0; }
  // For a Close frame: its code, or 0.
  std::uint16_t close_code() const;
};

// Takes one whole frame from the front of `bytes`, or nothing if it is not all
// there yet.
std::optional<ServerFrame> take_server_frame(std::string& bytes);

}  // namespace chatd::test
