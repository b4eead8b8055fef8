// Formatting one outgoing chat line: sanitising user text, then rendering it
// into a shared message for each protocol variant (the once-per-broadcast cost).
#include <benchmark/benchmark.h>

#include <string>

#include "daemon/chat/event.h"
#include "daemon/chat/sanitize.h"
#include "daemon/irc/irc_render.h"
#include "daemon/plain/plain_render.h"

namespace {

chatd::Event message_event() {
  chatd::Event e;
  e.kind = chatd::Event::Kind::kMessage;
  e.nick = "alice";
  e.ident = "~nc";
  e.host = "5f0c1e7a92b3d4e6.ip";
  e.target = "#lobby";
  e.to_room = true;
  e.text = "has anyone tried the new build on arm64? it fails for me";
  e.time_ms = 1796155095123;
  return e;
}

void BM_RenderMessage(benchmark::State& state) {
  const chatd::Event e = message_event();
  for (auto _ : state)
    benchmark::DoNotOptimize(chatd::render_plain(e));
}
BENCHMARK(BM_RenderMessage);

void BM_RenderMessageIrc(benchmark::State& state) {
  const chatd::Event e = message_event();
  for (auto _ : state)
    benchmark::DoNotOptimize(chatd::irc::render_irc(e, {}));
}
BENCHMARK(BM_RenderMessageIrc);

void BM_RenderMessageIrcServerTime(benchmark::State& state) {
  const chatd::Event e = message_event();
  for (auto _ : state)
    benchmark::DoNotOptimize(chatd::irc::render_irc(e, {.server_time = true}));
}
BENCHMARK(BM_RenderMessageIrcServerTime);

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
