// Formatting one outgoing chat line: sanitising user text, then rendering it
// into a shared message (the once-per-broadcast cost).
#include <benchmark/benchmark.h>

#include <string>

#include "daemon/chat_event.h"
#include "daemon/sanitize.h"

namespace {

void BM_RenderMessage(benchmark::State& state) {
  const chatd::ChatEvent e{chatd::ChatEvent::Kind::kMessage, "alice", "#lobby",
                           "has anyone tried the new build on arm64? it fails for me"};
  for (auto _ : state)
    benchmark::DoNotOptimize(chatd::render_plain(e));
}
BENCHMARK(BM_RenderMessage);

void BM_SanitizeCleanText(benchmark::State& state) {
  const std::string text = "has anyone tried the new build on arm64? it fails for me – ça va";
  std::string scratch;
  for (auto _ : state)
    benchmark::DoNotOptimize(chatd::sanitize_text(text, scratch));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_SanitizeCleanText);

void BM_SanitizeHostileText(benchmark::State& state) {
  const std::string text = "\x1b[31mred\x1b[0m \xff\xfe bad \xe2\x80\xae reversed \x07 bell";
  std::string scratch;
  for (auto _ : state)
    benchmark::DoNotOptimize(chatd::sanitize_text(text, scratch));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_SanitizeHostileText);

}  // namespace
