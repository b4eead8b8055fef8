// The broadcast hot path: one line formatted once and queued by reference on N
// connections' output queues, then each queue turned into the iovecs of a flush.
// The allocs/broadcast counter counts every operator new in the measured loop:
// it must stay at 1 (the payload), however many recipients there are.
#include <benchmark/benchmark.h>
#include <uv.h>

#include <cstdlib>
#include <new>
#include <vector>

#include "reactor/message.h"
#include "reactor/output_queue.h"

namespace {
std::size_t g_allocations = 0;
}

// Kept out of line: g++ 12 inlines a replacement delete into code whose `new` it
// takes for the library's, and then warns that malloc'd memory meets free().
[[gnu::noinline]] void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept {
  std::free(p);
}
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

using chatd::reactor::format_line;
using chatd::reactor::OutputQueue;

void BM_BroadcastEnqueueAndFlush(benchmark::State& state) {
  const auto recipients = static_cast<std::size_t>(state.range(0));
  std::vector<OutputQueue> queues(recipients);
  uv_buf_t bufs[16];
  // Warm up: queues keep a small array once used, as a live connection's do.
  for (auto& q : queues) {
    q.push(format_line("warm-up"));
    q.consume(q.bytes());
  }
  std::size_t allocations = 0;
  std::size_t broadcasts = 0;
  for (auto _ : state) {
    const std::size_t before = g_allocations;
    const auto line =
        format_line("<{}> {}", "alice", "the quick brown fox jumps over the lazy dog");
    for (auto& q : queues)
      q.push(line);
    for (auto& q : queues) {
      const std::size_t n = q.fill(bufs, std::size(bufs));
      benchmark::DoNotOptimize(bufs[0].base);
      q.consume(bufs[n - 1].len);
    }
    allocations += g_allocations - before;
    ++broadcasts;
  }
  state.counters["allocs/broadcast"] =
      static_cast<double>(allocations) / static_cast<double>(broadcasts);
  state.counters["deliveries/s"] =
      benchmark::Counter(static_cast<double>(broadcasts * recipients), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BroadcastEnqueueAndFlush)->Arg(1000)->Arg(10000);

}  // namespace
