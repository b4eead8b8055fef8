// Line framing throughput over chat-like input: short lines arriving in 64 KiB
// reads, split at arbitrary points, with and without telnet bytes to strip.
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

#include "reactor/line_framer.h"
#include "reactor/telnet_filter.h"

namespace {

std::string chat_traffic(std::size_t bytes) {
  static constexpr std::string_view kLines[] = {
      "hi\r\n",
      "/join #dev\r\n",
      "has anyone tried the new build on arm64? it fails for me\r\n",
      "lol\r\n",
      "* waves\r\n",
      "here is a longer paragraph someone pasted into the channel, the kind of line that "
      "wraps twice on an 80 column terminal and carries a link https://example.org/x\r\n"};
  std::string out;
  for (std::size_t i = 0; out.size() < bytes; ++i)
    out += kLines[i % std::size(kLines)];
  return out;
}

struct CountingSink {
  std::size_t lines = 0;
  bool on_line(std::string_view line) {
    benchmark::DoNotOptimize(line.data());
    ++lines;
    return true;
  }
  bool on_overlong() { return true; }
};

void BM_FrameLines(benchmark::State& state) {
  const std::size_t read_size = static_cast<std::size_t>(state.range(0));
  const std::string input = chat_traffic(1 << 20);
  std::string buffer = input;
  chatd::reactor::LineFramer framer;
  chatd::reactor::TelnetFilter telnet;
  CountingSink sink;
  for (auto _ : state) {
    buffer = input;
    for (std::size_t pos = 0; pos < buffer.size(); pos += read_size) {
      const std::size_t n = std::min(read_size, buffer.size() - pos);
      const std::size_t kept = telnet.filter(buffer.data() + pos, n);
      framer.feed(buffer.data() + pos, kept, 4096, sink);
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input.size()));
  state.counters["lines/s"] =
      benchmark::Counter(static_cast<double>(sink.lines), benchmark::Counter::kIsRate);
}
// 65536: one full read of the loop-wide buffer; 1000: reads that split lines.
BENCHMARK(BM_FrameLines)->Arg(65536)->Arg(1000);

}  // namespace
