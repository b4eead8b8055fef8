// Condensing a latency histogram into the percentiles the reports print.
#include "bench/chatbench/results.h"

#include <fmt/format.h>

namespace chatd::bench {

LatencySummary summarize(const LatencyHistogram& h) {
  LatencySummary s;
  s.count = h.count();
  s.p50 = h.percentile(50);
  s.p90 = h.percentile(90);
  s.p99 = h.percentile(99);
  s.p999 = h.percentile(99.9);
  s.max = h.max();
  s.mean = h.mean();
  return s;
}

void note_cpu_doubts(const CpuUse& cpu, std::vector<std::string>& notes) {
  constexpr double kBusyThread = 90;
  constexpr double kOthers = 15;
  if (cpu.busiest_thread > kBusyThread) {
    notes.push_back(
        fmt::format("a chatbench thread was {:.0f}% busy: these figures may be chatbench's limit",
                    cpu.busiest_thread));
  }
  if (cpu.others() > kOthers) {
    notes.push_back(
        fmt::format("other processes used {:.0f}% CPU meanwhile: figures disturbed", cpu.others()));
  }
}

}  // namespace chatd::bench
