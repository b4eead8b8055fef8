// WebSocket invariants: the decoder's events do not depend on how the stream is
// split or paused, what it hands out obeys RFC 6455's rules, and the handshake
// check gives every request a verdict the server can answer.
#include "fuzz/websocket_checks.h"

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/line_checks.h"
#include "reactor/http/http_request.h"
#include "reactor/utf8.h"
#include "reactor/websocket/websocket_decoder.h"
#include "reactor/websocket/websocket_handshake.h"

namespace chatd::fuzz {
namespace {

using reactor::WebSocketDecoder;

struct Recorder final : WebSocketDecoder::Sink {
  std::size_t limit;
  std::vector<std::string> events;
  std::uint32_t stops = 0;  // stop after a message when the low bit is set, then rotate

  explicit Recorder(std::size_t l) : limit(l) {}
  bool stop() {
    const bool s = (stops & 1) != 0;
    stops = (stops >> 1) | (s ? 0x80000000u : 0);
    return !s;
  }
  bool on_message(std::string_view text) override {
    FUZZ_CHECK(text.size() <= limit && reactor::is_valid_utf8(text));
    events.push_back("t" + std::string(text));
    return stop();
  }
  bool on_message_too_long() override {
    events.emplace_back("L");
    return stop();
  }
  bool on_ping(std::string_view payload) override {
    FUZZ_CHECK(payload.size() <= reactor::kMaxControlPayload);
    events.push_back("p" + std::string(payload));
    return true;
  }
  bool on_pong() override {
    events.emplace_back("P");
    return true;
  }
  void on_close(std::uint16_t code, std::string_view reason) override {
    FUZZ_CHECK(code == 0 || reactor::is_valid_close_code(code));
    FUZZ_CHECK(reactor::is_valid_utf8(reason));
    events.push_back("c" + std::to_string(code));
  }
  void on_failure(reactor::WsClose code, std::string_view why) override {
    FUZZ_CHECK(!why.empty());
    events.push_back("f" + std::to_string(static_cast<int>(code)));
  }
};

// Feeds `bytes` in reads as Connection does: an exact-size copy per read (so
// ASan sees any access past it), the unread rest kept after a stop.
std::vector<std::string> decode(std::string_view bytes, std::size_t max_read, std::size_t limit,
                                std::uint32_t stops) {
  WebSocketDecoder d;
  Recorder r(limit);
  r.stops = stops;
  std::uint32_t rng = 0x9E3779B9u ^ static_cast<std::uint32_t>(bytes.size());
  std::string pending;
  std::size_t pos = 0;
  while ((pos < bytes.size() || !pending.empty()) && !d.finished()) {
    if (pending.empty() || max_read != 0) {
      rng ^= rng << 13;
      rng ^= rng >> 17;
      rng ^= rng << 5;
      const std::size_t left = bytes.size() - pos;
      const std::size_t n = max_read == 0 ? left : std::min<std::size_t>(left, 1 + rng % max_read);
      pending.append(bytes.substr(pos, n));
      pos += n;
    }
    auto buf = std::make_unique<char[]>(pending.size() + 1);
    std::memcpy(buf.get(), pending.data(), pending.size());
    const std::size_t used = d.feed(buf.get(), pending.size(), limit, r);
    FUZZ_CHECK(used <= pending.size());
    if (used == 0 && pos >= bytes.size() && !d.finished()) break;
    pending.erase(0, used);
  }
  return r.events;
}

}  // namespace

void check_websocket_frames(std::string_view bytes, std::size_t max_read, std::size_t limit) {
  const std::vector<std::string> whole = decode(bytes, 0, limit, 0);
  FUZZ_CHECK(decode(bytes, max_read, limit, 0) == whole);
  FUZZ_CHECK(decode(bytes, max_read, limit, 0x2D) == whole);
}

void check_websocket_upgrades(std::string_view bytes) {
  reactor::HttpRequestParser p;
  while (!bytes.empty()) {
    const std::size_t lf = bytes.find('\n');
    const std::string_view line = bytes.substr(0, lf);
    bytes.remove_prefix(lf == std::string_view::npos ? bytes.size() : lf + 1);
    const auto status = p.feed_line(line);
    if (status == reactor::HttpRequestParser::Status::kIncomplete) continue;
    if (status == reactor::HttpRequestParser::Status::kComplete) {
      const reactor::WebSocketUpgrade u = reactor::check_websocket_upgrade(p.request());
      if (u.refusal == 0) {
        FUZZ_CHECK(u.accept.size() == 28);
      } else {
        FUZZ_CHECK((u.refusal == 400 || u.refusal == 426) && !u.why.empty());
      }
    }
    p.reset();
  }
}

}  // namespace chatd::fuzz
