// ClientWebSocket: the upgrade and frames of one chatbench connection.
#include "bench/chatbench/client_websocket.h"

#include <fmt/format.h>

#include <cstring>

namespace chatd::bench {
namespace {

// A key is 16 random bytes in base64; chatd checks its form, not its value.
constexpr std::string_view kKey = "Y2hhdGJlbmNoIGtleSAxNg==";
constexpr std::uint8_t kText = 0x1;
constexpr std::uint8_t kClose = 0x8;
constexpr std::uint8_t kPing = 0x9;
constexpr std::uint8_t kPong = 0xA;

void append_frame(std::uint8_t opcode, std::string_view payload, std::uint32_t mask,
                  std::string& out) {
  out += static_cast<char>(0x80 | opcode);
  const std::size_t n = payload.size();
  if (n < 126) {
    out += static_cast<char>(0x80 | n);
  } else if (n <= 0xFFFF) {
    out += static_cast<char>(0x80 | 126);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(n & 0xFF);
  } else {
    out += static_cast<char>(0x80 | 127);
    for (int i = 7; i >= 0; --i)
      out += static_cast<char>((std::uint64_t{n} >> (8 * i)) & 0xFF);
  }
  const unsigned char key[4] = {
      static_cast<unsigned char>(mask >> 24), static_cast<unsigned char>(mask >> 16),
      static_cast<unsigned char>(mask >> 8), static_cast<unsigned char>(mask)};
  out.append(reinterpret_cast<const char*>(key), 4);
  const std::size_t at = out.size();
  out.append(payload);
  for (std::size_t i = 0; i < n; ++i)
    out[at + i] = static_cast<char>(out[at + i] ^ key[i % 4]);
}

}  // namespace

ClientWebSocket::ClientWebSocket(std::string_view host)
    : request_(fmt::format("GET /ws HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: "
                           "Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {}\r\n\r\n",
                           host, kKey)) {}

// False if the answer is not a 101, or is no answer at all.
bool ClientWebSocket::read_head() {
  const std::size_t end = carry_.find("\r\n\r\n");
  if (end == std::string::npos) return carry_.size() < 8192;
  if (!carry_.starts_with("HTTP/1.1 101 ")) return false;
  carry_.erase(0, end + 4);
  ready_ = true;
  return true;
}

bool ClientWebSocket::feed(const char* data, std::size_t n, Sink& sink) {
  bool ok = true;
  // Most reads hold whole frames: they are taken where they were read.
  if (ready_ && carry_.empty()) {
    if (n == 0) return true;
    const std::size_t used = take_frames({data, n}, sink, ok);
    carry_.assign(data + used, n - used);
    return ok;
  }
  if (n != 0) carry_.append(data, n);
  if (!ready_) return read_head();
  const std::string joined = std::move(carry_);
  carry_.clear();
  const std::size_t used = take_frames(joined, sink, ok);
  carry_.assign(joined, used);
  return ok;
}

std::size_t ClientWebSocket::take_frames(std::string_view bytes, Sink& sink, bool& ok) {
  std::size_t at = 0;
  while (ok && bytes.size() - at >= 2) {
    const auto b0 = static_cast<unsigned char>(bytes[at]);
    const auto b1 = static_cast<unsigned char>(bytes[at + 1]);
    if ((b1 & 0x80) != 0 || (b0 & 0x70) != 0) {
      ok = false;  // a server never masks, and chatd uses no extension
      break;
    }
    std::size_t header = 2;
    std::uint64_t len = b1 & 0x7F;
    if (len >= 126) {
      const std::size_t ext = len == 126 ? 2 : 8;
      if (bytes.size() - at < 2 + ext) break;
      len = 0;
      for (std::size_t i = 0; i < ext; ++i)
        len = (len << 8) | static_cast<unsigned char>(bytes[at + 2 + i]);
      header += ext;
    }
    if (bytes.size() - at - header < len) break;
    const std::string_view payload = bytes.substr(at + header, len);
    at += header + len;
    switch (b0 & 0x0F) {
      case kText:
        ok = sink.on_line(payload);
        break;
      case kPing:
        append_frame(kPong, payload, mask_, control_);
        break;
      case kClose:
        ok = false;
        break;
      default:
        break;
    }
  }
  return at;
}

void ClientWebSocket::frame(std::string_view lines, std::string& out) {
  out += control_;
  control_.clear();
  while (!lines.empty()) {
    const std::size_t lf = lines.find('\n');
    std::string_view line = lines.substr(0, lf);
    if (line.ends_with('\r')) line.remove_suffix(1);
    append_frame(kText, line, mask_, out);
    if (lf == std::string_view::npos) break;
    lines.remove_prefix(lf + 1);
  }
}

}  // namespace chatd::bench
