// Server frames: headers, control frames, and the framing of rendered lines.
#include "reactor/websocket/websocket_frame.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <new>

namespace chatd::reactor {
namespace {

constexpr unsigned char kFin = 0x80;

// The lines of a block, each without its line end.
template <class F>
void for_each_line(std::string_view lines, F&& f) {
  while (!lines.empty()) {
    const std::size_t lf = lines.find('\n');
    std::string_view line = lines.substr(0, lf);
    lines.remove_prefix(lf == std::string_view::npos ? lines.size() : lf + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    f(line);
  }
}

std::size_t header_bytes(std::uint64_t payload) {
  return payload < 126 ? 2 : payload <= 0xFFFF ? 4 : 10;
}

}  // namespace

std::size_t write_frame_header(char* out, WsOpcode op, std::uint64_t payload_bytes) {
  auto* p = reinterpret_cast<unsigned char*>(out);
  p[0] = static_cast<unsigned char>(kFin | static_cast<unsigned char>(op));
  if (payload_bytes < 126) {
    p[1] = static_cast<unsigned char>(payload_bytes);
    return 2;
  }
  if (payload_bytes <= 0xFFFF) {
    p[1] = 126;
    p[2] = static_cast<unsigned char>(payload_bytes >> 8);
    p[3] = static_cast<unsigned char>(payload_bytes);
    return 4;
  }
  p[1] = 127;
  for (int i = 0; i < 8; ++i)
    p[2 + i] = static_cast<unsigned char>(payload_bytes >> (8 * (7 - i)));
  return 10;
}

MessageRef make_frame(WsOpcode op, std::string_view payload) {
  char header[kMaxFrameHeaderBytes];
  const std::size_t n = write_frame_header(header, op, payload.size());
  return MessageRef(Message::create({header, n}, payload));
}

MessageRef make_close_frame(WsClose code, std::string_view reason) {
  char body[kMaxControlPayload];
  const auto value = static_cast<std::uint16_t>(code);
  body[0] = static_cast<char>(value >> 8);
  body[1] = static_cast<char>(value & 0xFF);
  const std::size_t take = std::min(reason.size(), kMaxControlPayload - 2);
  if (take != 0) std::memcpy(body + 2, reason.data(), take);
  return make_frame(WsOpcode::kClose, {body, 2 + take});
}

MessageRef make_close_echo(std::uint16_t code) {
  if (code == 0) return make_frame(WsOpcode::kClose, {});
  return make_close_frame(static_cast<WsClose>(code));
}

const MessageRef& ping_frame() {
  static const MessageRef ping = make_frame(WsOpcode::kPing, {});
  return ping;
}

Message* frame_text_lines(std::string_view lines) {
  std::size_t total = 0;
  for_each_line(lines,
                [&](std::string_view line) { total += header_bytes(line.size()) + line.size(); });
  Message* framed = Message::create_uninitialized(total);
  char* out = framed->mutable_data();
  for_each_line(lines, [&](std::string_view line) {
    out += write_frame_header(out, WsOpcode::kText, line.size());
    if (!line.empty()) std::memcpy(out, line.data(), line.size());
    out += line.size();
  });
  assert(out == framed->data() + total);
  return framed;
}

bool is_valid_close_code(std::uint16_t code) {
  if (code >= 3000 && code <= 4999) return true;
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011);
}

}  // namespace chatd::reactor
