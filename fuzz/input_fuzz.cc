// libFuzzer target: a client's bytes as a +proxy listener would see them first (a PROXY
// header, proxy_checks.h), as a metrics listener would (HTTP request heads,
// http_checks.h), as a web listener would (WebSocket upgrades and frames:
// websocket_checks.h) and as a cluster node would from Redis (RESP replies, envelopes:
// cluster_checks.h), then along the path Connection gives them (TelnetFilter
// in place, LineFramer in read-sized chunks, pauses included), then each line through
// the daemon's text code (line_checks.h) and its IRC parsing (irc_checks.h). How to build and run:
// fuzz/CMakeLists.txt.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz/cluster_checks.h"
#include "fuzz/http_checks.h"
#include "fuzz/irc_checks.h"
#include "fuzz/line_checks.h"
#include "fuzz/proxy_checks.h"
#include "fuzz/stream_models.h"
#include "fuzz/websocket_checks.h"
#include "reactor/line_framer.h"
#include "reactor/telnet_filter.h"

namespace chatd::fuzz {
namespace {

// An input is 4 header bytes, then what the peer sends:
//   [0..1]  little-endian v: max_line_bytes = 1 + v % 4096
//   [2]     largest read: 0 = all of it in one read, else reads of 1..[2] bytes
//   [3]     seed for the read sizes and for which lines pause reading
constexpr std::size_t kHeaderBytes = 4;
constexpr std::size_t kMaxLimit = 4096;

struct Rng {  // xorshift32: cheap, and deterministic for a given input
  std::uint32_t state;
  std::uint32_t next() {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
  }
};

// The connection's sink: checks each event against the model, runs the per-line
// checks, and now and then pauses reading as flood control does (returns false).
struct Sink {
  const FramerModel& expected;
  std::size_t limit;
  Rng& rng;
  std::size_t next = 0;
  bool paused = false;

  bool on_line(std::string_view line) {
    FUZZ_CHECK(!paused);  // the framer stops at the first false
    FUZZ_CHECK(next < expected.events.size());
    const FramerEvent& e = expected.events[next++];
    FUZZ_CHECK(!e.overlong && line == e.line);
    FUZZ_CHECK(line.size() <= limit && line.find('\n') == line.npos);
    check_line(line);
    check_irc_line(line);
    return keep_reading();
  }
  bool on_overlong() {
    FUZZ_CHECK(!paused);
    FUZZ_CHECK(next < expected.events.size() && expected.events[next++].overlong);
    return keep_reading();
  }
  bool keep_reading() {
    paused = (rng.next() & 7) == 0;
    return !paused;
  }
};

std::unique_ptr<char[]> copy_of(const char* data, std::size_t n) {
  // An exact-size block of its own, so ASan flags any access past the read.
  std::unique_ptr<char[]> block(new char[n]);
  if (n != 0) std::memcpy(block.get(), data, n);
  return block;
}

// Connection::handle_bytes, then resume_reading() for each pause: the unread tail
// moves to a buffer of its own (paused_tail_), the read buffer is gone, and the
// framer is fed the tail. Returns how many bytes the framer consumed in all.
std::size_t feed_read(reactor::LineFramer& framer, std::unique_ptr<char[]> buf, std::size_t n,
                      Sink& sink) {
  std::size_t consumed = 0;
  for (;;) {
    sink.paused = false;
    const std::size_t used = framer.feed(buf.get(), n, sink.limit, sink);
    FUZZ_CHECK(used <= n);
    consumed += used;
    if (used == n) return consumed;
    // Stopped early: only right after a line the sink refused.
    FUZZ_CHECK(sink.paused && used > 0 && buf[used - 1] == '\n');
    buf = copy_of(buf.get() + used, n - used);
    n -= used;
  }
}

void run(std::string_view header, std::string_view sent) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(header[i]); };
  const std::size_t limit = 1 + (byte(0) | (byte(1) << 8)) % kMaxLimit;
  const std::size_t max_read = byte(2);
  Rng rng{0x9E3779B9u ^ byte(3)};

  // What the filter must keep of the whole stream, however it is split into reads,
  // and what the framer must make of that.
  check_proxy_header(sent);
  check_http_requests(sent);
  check_websocket_upgrades(sent);
  check_websocket_frames(sent, max_read, limit);
  check_redis_replies(sent, max_read);
  check_envelope(sent);
  const std::string filtered = model_telnet(sent);
  const FramerModel expected = model_framer(filtered, limit);

  reactor::TelnetFilter telnet;
  reactor::LineFramer framer;
  Sink sink{expected, limit, rng};
  std::size_t pos = 0;
  std::size_t kept_total = 0;
  std::size_t consumed_total = 0;
  while (pos < sent.size()) {
    const std::size_t left = sent.size() - pos;
    const std::size_t n =
        max_read == 0 ? left : std::min<std::size_t>(left, 1 + rng.next() % max_read);
    auto buf = copy_of(sent.data() + pos, n);
    const std::size_t kept = telnet.filter(buf.get(), n);
    FUZZ_CHECK(kept <= n && kept_total + kept <= filtered.size());
    FUZZ_CHECK(std::string_view(buf.get(), kept) == filtered.substr(kept_total, kept));
    consumed_total += feed_read(framer, std::move(buf), kept, sink);
    kept_total += kept;
    pos += n;
  }
  // Every byte accounted for: all the filter kept was consumed, and every line and
  // overlong report the contract calls for was made, once, in order.
  FUZZ_CHECK(kept_total == filtered.size() && consumed_total == kept_total);
  FUZZ_CHECK(sink.next == expected.events.size());
  FUZZ_CHECK(framer.has_partial_line() == expected.partial);
}

}  // namespace
}  // namespace chatd::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < chatd::fuzz::kHeaderBytes) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  chatd::fuzz::run(input.substr(0, chatd::fuzz::kHeaderBytes),
                   input.substr(chatd::fuzz::kHeaderBytes));
  return 0;
}
