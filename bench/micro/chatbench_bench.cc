// chatbench's own hot path: every delivery a receiver reads is split from the
// stream, its stamp parsed and its latency recorded. If this were slow, chatbench
// would measure itself instead of the server.
#include <benchmark/benchmark.h>

#include <string>

#include "bench/chatbench/histogram.h"
#include "bench/chatbench/payload.h"
#include "bench/chatbench/protocol.h"

namespace {

using chatd::bench::LatencyHistogram;
using chatd::bench::ProtocolSpeaker;
using chatd::bench::Stamp;

std::string chatd_delivery(std::uint64_t seq) {
  std::string payload(64, '\0');
  chatd::bench::write_payload(Stamp{3, seq, 1000 + seq, 1000 + seq}, payload.data(),
                              payload.size());
  return "<guest-1234> " + payload;
}

void BM_ParseDelivery(benchmark::State& state) {
  const std::string line = chatd_delivery(123456);
  Stamp st;
  for (auto _ : state) {
    const auto payload = ProtocolSpeaker::delivered_payload(line);
    benchmark::DoNotOptimize(chatd::bench::read_payload(payload, st));
    benchmark::DoNotOptimize(st.seq);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ParseDelivery);

void BM_RecordLatency(benchmark::State& state) {
  LatencyHistogram h;
  std::uint64_t v = 12345;
  for (auto _ : state) {
    h.record(v);
    v = v * 6364136223846793005u + 1442695040888963407u;
    v >>= 40;  // about 0..16 ms in ns
  }
  benchmark::DoNotOptimize(h.count());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_RecordLatency);

}  // namespace
