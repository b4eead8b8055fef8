// WebSocketDecoder: header, unmasking, reassembly and the checks RFC 6455 asks
// of a server, in the order the bytes arrive.
#include "reactor/websocket/websocket_decoder.h"

#include <algorithm>
#include <cstring>

#include "reactor/utf8.h"

namespace chatd::reactor {
namespace {

constexpr unsigned char kFinBit = 0x80;
constexpr unsigned char kReservedBits = 0x70;
constexpr unsigned char kMaskBit = 0x80;
// A carry buffer bigger than this is given back once its message is done, so
// an idle connection does not keep the capacity of its longest paste.
constexpr std::size_t kKeptCarryCapacity = 256;

bool is_control(WsOpcode op) {
  return (static_cast<unsigned>(op) & 0x8) != 0;
}

bool is_known(unsigned op) {
  return op <= 0x2 || (op >= 0x8 && op <= 0xA);
}

}  // namespace

std::size_t WebSocketDecoder::header_needed() const {
  if (header_have_ < 2) return 2;
  const unsigned len7 = header_[1] & 0x7F;
  const std::size_t extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
  return 2 + extended + 4;
}

void WebSocketDecoder::fail(Sink& sink, WsClose code, std::string_view why) {
  finished_ = true;
  sink.on_failure(code, why);
}

// The first two bytes say enough to refuse most bad frames before their length
// and mask arrive.
bool WebSocketDecoder::check_opening(Sink& sink) {
  const unsigned b0 = header_[0];
  const unsigned b1 = header_[1];
  const unsigned op = b0 & 0x0F;
  if ((b0 & kReservedBits) != 0) {
    fail(sink, WsClose::kProtocolError, "reserved bits set (no extension was agreed)");
  } else if (!is_known(op)) {
    fail(sink, WsClose::kProtocolError, "reserved opcode");
  } else if ((b1 & kMaskBit) == 0) {
    fail(sink, WsClose::kProtocolError, "client frame not masked");
  } else if (is_control(static_cast<WsOpcode>(op)) && (b0 & kFinBit) == 0) {
    fail(sink, WsClose::kProtocolError, "fragmented control frame");
  } else if (is_control(static_cast<WsOpcode>(op)) && (b1 & 0x7F) > kMaxControlPayload) {
    fail(sink, WsClose::kProtocolError, "control frame over 125 bytes");
  } else if (op == 0 && !in_message_) {
    fail(sink, WsClose::kProtocolError, "continuation frame without a message");
  } else if ((op == 1 || op == 2) && in_message_) {
    fail(sink, WsClose::kProtocolError, "new message before the last one ended");
  } else if (op == 2) {
    fail(sink, WsClose::kUnsupportedData, "binary messages are not chat");
  }
  return !finished_;
}

bool WebSocketDecoder::start_frame(Sink& sink, std::size_t max_message_bytes) {
  const unsigned len7 = header_[1] & 0x7F;
  std::uint64_t len = len7;
  std::size_t at = 2;
  if (len7 == 126) {
    len = (std::uint64_t{header_[2]} << 8) | header_[3];
    at = 4;
    if (len < 126) {
      fail(sink, WsClose::kProtocolError, "length not in its shortest form");
      return false;
    }
  } else if (len7 == 127) {
    len = 0;
    for (std::size_t i = 0; i < 8; ++i)
      len = (len << 8) | header_[2 + i];
    at = 10;
    if ((len >> 63) != 0 || len <= 0xFFFF) {
      fail(sink, WsClose::kProtocolError, "length not in its shortest form");
      return false;
    }
  }
  frame_.op = static_cast<WsOpcode>(header_[0] & 0x0F);
  frame_.fin = (header_[0] & kFinBit) != 0;
  frame_.left = len;
  frame_.fresh = true;
  std::memcpy(frame_.mask, header_ + at, 4);
  frame_.mask_at = 0;
  header_have_ = 0;
  stage_ = Stage::kPayload;
  if (is_control(frame_.op)) return true;
  if (frame_.op == WsOpcode::kText) {
    in_message_ = true;
    too_long_ = false;
    message_bytes_ = 0;
  }
  message_bytes_ += len;
  if (message_bytes_ > kHardCapBytes) {
    fail(sink, WsClose::kTooBig, "message over 64 KiB");
    return false;
  }
  if (message_bytes_ > max_message_bytes && !too_long_) {
    too_long_ = true;
    carry_.clear();
  }
  return true;
}

void WebSocketDecoder::unmask(char* p, std::size_t k) {
  for (std::size_t i = 0; i < k; ++i) {
    p[i] = static_cast<char>(static_cast<unsigned char>(p[i]) ^ frame_.mask[frame_.mask_at]);
    frame_.mask_at = static_cast<std::uint8_t>((frame_.mask_at + 1) & 3);
  }
}

bool WebSocketDecoder::take_payload(char* p, std::size_t k, Sink& sink) {
  const bool whole = frame_.fresh && k == frame_.left;
  frame_.fresh = false;
  unmask(p, k);
  frame_.left -= k;
  if (frame_.left == 0) stage_ = Stage::kHeader;
  if (is_control(frame_.op)) {
    control_.append(p, k);
    return frame_.left != 0 || end_control(sink);
  }
  if (too_long_) {
    if (frame_.left != 0 || !frame_.fin) return true;
    reset_message();
    return sink.on_message_too_long();
  }
  // The common case, one whole frame in one read: the message is used where it
  // was read.
  if (whole && frame_.fin && frame_.op == WsOpcode::kText) return end_message({p, k}, sink);
  carry_.append(p, k);
  if (frame_.left != 0 || !frame_.fin) return true;
  return end_message(carry_, sink);
}

bool WebSocketDecoder::end_message(std::string_view text, Sink& sink) {
  if (!is_valid_utf8(text)) {
    fail(sink, WsClose::kInvalidText, "text message not valid UTF-8");
    return false;
  }
  const bool go_on = sink.on_message(text);
  reset_message();
  return go_on;
}

bool WebSocketDecoder::end_control(Sink& sink) {
  const std::string payload = std::exchange(control_, {});
  switch (frame_.op) {
    case WsOpcode::kPing:
      return sink.on_ping(payload);
    case WsOpcode::kPong:
      return sink.on_pong();
    default:
      break;
  }
  if (payload.size() == 1) {
    fail(sink, WsClose::kProtocolError, "close frame of one byte");
    return false;
  }
  std::uint16_t code = 0;
  std::string_view reason;
  if (payload.size() >= 2) {
    code = static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                      static_cast<unsigned char>(payload[1]));
    reason = std::string_view(payload).substr(2);
    if (!is_valid_close_code(code)) {
      fail(sink, WsClose::kProtocolError, "invalid close code");
      return false;
    }
    if (!is_valid_utf8(reason)) {
      fail(sink, WsClose::kInvalidText, "close reason not valid UTF-8");
      return false;
    }
  }
  finished_ = true;
  sink.on_close(code, reason);
  return false;
}

void WebSocketDecoder::reset_message() {
  in_message_ = false;
  too_long_ = false;
  message_bytes_ = 0;
  if (carry_.capacity() > kKeptCarryCapacity) {
    std::string().swap(carry_);
  } else {
    carry_.clear();
  }
}

std::size_t WebSocketDecoder::feed(char* data, std::size_t n, std::size_t max_message_bytes,
                                   Sink& sink) {
  std::size_t pos = 0;
  while (!finished_ && (pos < n || (stage_ == Stage::kPayload && frame_.left == 0))) {
    if (stage_ == Stage::kHeader) {
      const std::size_t need = header_needed();
      const std::size_t take = std::min(need - header_have_, n - pos);
      std::memcpy(header_ + header_have_, data + pos, take);
      header_have_ = static_cast<std::uint8_t>(header_have_ + take);
      pos += take;
      if (header_have_ < need) continue;
      if (need == 2) {
        if (!check_opening(sink)) return pos;
        continue;
      }
      if (!start_frame(sink, max_message_bytes)) return pos;
      continue;
    }
    const auto k = static_cast<std::size_t>(std::min<std::uint64_t>(frame_.left, n - pos));
    char* p = data + pos;
    pos += k;
    if (!take_payload(p, k, sink)) return pos;
  }
  return pos;
}

}  // namespace chatd::reactor
