// Client-side WebSocket frames for tests.
#include "tests/support/websocket_frames.h"

namespace chatd::test {

std::string encode_client_frame(const ClientFrame& f) {
  std::string out;
  out += static_cast<char>((f.fin ? 0x80 : 0) | f.rsv | f.opcode);
  const char mask_bit = f.masked ? static_cast<char>(0x80) : 0;
  const std::size_t n = f.payload.size();
  if (n < 126 && !f.long_length) {
    out += static_cast<char>(mask_bit | static_cast<char>(n));
  } else if (n <= 0xFFFF) {
    out += static_cast<char>(mask_bit | 126);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(n & 0xFF);
  } else {
    out += static_cast<char>(mask_bit | 127);
    for (int i = 7; i >= 0; --i)
      out += static_cast<char>((static_cast<std::uint64_t>(n) >> (8 * i)) & 0xFF);
  }
  if (!f.masked) return out + f.payload;
  const unsigned char key[4] = {
      static_cast<unsigned char>(f.mask_key >> 24), static_cast<unsigned char>(f.mask_key >> 16),
      static_cast<unsigned char>(f.mask_key >> 8), static_cast<unsigned char>(f.mask_key)};
  out.append(reinterpret_cast<const char*>(key), 4);
  for (std::size_t i = 0; i < n; ++i)
    out += static_cast<char>(static_cast<unsigned char>(f.payload[i]) ^ key[i % 4]);
  return out;
}

std::string text_frame(std::string_view payload) {
  return encode_client_frame({.opcode = 0x1, .payload = std::string(payload)});
}

std::string close_frame(std::uint16_t code, std::string_view reason) {
  std::string body;
  if (code != 0) {
    body += static_cast<char>(code >> 8);
    body += static_cast<char>(code & 0xFF);
    body += reason;
  }
  return encode_client_frame({.opcode = 0x8, .payload = body});
}

std::uint16_t ServerFrame::close_code() const {
  if (opcode() != 0x8 || payload.size() < 2) return 0;
  return static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                    static_cast<unsigned char>(payload[1]));
}

std::optional<ServerFrame> take_server_frame(std::string& bytes) {
  if (bytes.size() < 2) return std::nullopt;
  const auto b1 = static_cast<unsigned char>(bytes[1]);
  std::size_t at = 2;
  std::uint64_t len = b1 & 0x7F;
  if (len == 126) {
    if (bytes.size() < 4) return std::nullopt;
    len = (std::uint64_t{static_cast<unsigned char>(bytes[2])} << 8) |
          static_cast<unsigned char>(bytes[3]);
    at = 4;
  } else if (len == 127) {
    if (bytes.size() < 10) return std::nullopt;
    len = 0;
    for (std::size_t i = 0; i < 8; ++i)
      len = (len << 8) | static_cast<unsigned char>(bytes[2 + i]);
    at = 10;
  }
  const bool masked = (b1 & 0x80) != 0;
  if (masked) at += 4;
  if (bytes.size() < at + len) return std::nullopt;
  ServerFrame f;
  f.first_byte = static_cast<std::uint8_t>(bytes[0]);
  f.masked = masked;
  f.payload = bytes.substr(at, static_cast<std::size_t>(len));
  bytes.erase(0, at + static_cast<std::size_t>(len));
  return f;
}

}  // namespace chatd::test
