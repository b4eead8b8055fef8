// The human tables: one block for an accept run; one column per run for broadcasts.
#include <fmt/format.h>

#include <cmath>

#include "bench/chatbench/report.h"

namespace chatd::bench {
namespace {

constexpr int kLabelWidth = 22;

void row(std::FILE* out, std::string_view label, std::string_view text) {
  fmt::print(out, "  {:<{}}{}\n", label, kLabelWidth, text);
}

std::string latency_line(const LatencySummary& l) {
  if (l.count == 0) return "-";
  return fmt::format("p50 {}  p90 {}  p99 {}  p99.9 {}  max {}", duration_text(l.p50),
                     duration_text(l.p90), duration_text(l.p99), duration_text(l.p999),
                     duration_text(l.max));
}

std::string cpu_line(const CpuUse& c) {
  return fmt::format("{:.0f}% of {} core{} ({} thread{}, busiest {:.0f}%)", c.self, c.cores,
                     c.cores == 1 ? "" : "s", c.threads, c.threads == 1 ? "" : "s",
                     c.busiest_thread);
}

std::string failures_line(const std::map<std::string, std::size_t>& failures) {
  if (failures.empty()) return "none";
  std::string text;
  for (const auto& [why, n] : failures)
    text += fmt::format("{}{} {}", text.empty() ? "" : ", ", grouped(static_cast<double>(n)), why);
  return text;
}

void print_notes(std::FILE* out, const std::vector<std::string>& notes) {
  for (const auto& n : notes)
    fmt::print(out, "  note: {}\n", n);
}

std::string run_mode(const BroadcastOptions& o) {
  if (o.open_loop()) return fmt::format("open loop at {:g} messages/s", o.rate);
  return fmt::format("closed loop, {} unacknowledged per sender", o.inflight);
}

// One table row of a broadcast sweep: a label and one cell per run.
template <class F>
void sweep_row(std::FILE* out, std::string_view label, const std::vector<BroadcastRun>& runs, F f) {
  fmt::print(out, "  {:<{}}", label, kLabelWidth);
  for (const auto& run : runs)
    fmt::print(out, "{:>16}", f(run.result));
  fmt::print(out, "\n");
}

// `which(result)` is the LatencySummary to show.
template <class F>
void latency_rows(std::FILE* out, std::string_view what, const std::vector<BroadcastRun>& runs,
                  F which) {
  const std::pair<const char*, std::uint64_t LatencySummary::*> rows[] = {
      {"p50", &LatencySummary::p50},
      {"p90", &LatencySummary::p90},
      {"p99", &LatencySummary::p99},
      {"p99.9", &LatencySummary::p999},
      {"max", &LatencySummary::max}};
  for (const auto& row : rows) {
    const auto field = row.second;  // C++20 lambdas may not capture structured bindings (clang 14)
    sweep_row(out, fmt::format("{} {}", what, row.first), runs,
              [&](const BroadcastResult& r) { return duration_text(which(r).*field); });
  }
}

void throughput_rows(std::FILE* out, const std::vector<BroadcastRun>& runs) {
  sweep_row(out, "", runs, [](const BroadcastResult& r) {
    return fmt::format("R={} S={}", r.receivers, r.senders);
  });
  sweep_row(out, "deliveries/s", runs, [](auto& r) { return grouped(r.deliveries_per_s); });
  sweep_row(out, "messages/s", runs, [](auto& r) { return grouped(r.messages_per_s); });
  sweep_row(out, "payload MB/s", runs,
            [](auto& r) { return fmt::format("{:.1f}", r.payload_mb_per_s); });
  sweep_row(out, "wire MB/s", runs, [](auto& r) { return fmt::format("{:.1f}", r.wire_mb_per_s); });
}

void cpu_rows(std::FILE* out, const std::vector<BroadcastRun>& runs) {
  sweep_row(out, "chatbench CPU", runs, [](auto& r) { return fmt::format("{:.0f}%", r.cpu.self); });
  sweep_row(out, "busiest thread", runs,
            [](auto& r) { return fmt::format("{:.0f}%", r.cpu.busiest_thread); });
  if (runs.front().result.cpu.server) {
    sweep_row(out, "server CPU", runs,
              [](auto& r) { return fmt::format("{:.0f}%", r.cpu.server.value_or(0)); });
    sweep_row(out, "server RSS", runs,
              [](auto& r) { return bytes_text(static_cast<double>(r.server_rss.value_or(0))); });
  }
  sweep_row(out, "other processes' CPU", runs,
            [](auto& r) { return fmt::format("{:.0f}%", r.cpu.others()); });
}

}  // namespace

std::string grouped(double v) {
  const auto n = static_cast<long long>(std::llround(v));
  const std::string digits = fmt::format("{}", n < 0 ? -n : n);
  std::string out;
  if (n < 0) out.push_back('-');
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string duration_text(std::uint64_t ns) {
  const auto v = static_cast<double>(ns);
  if (ns < 10'000) return fmt::format("{:.1f} us", v / 1e3);
  if (ns < 1'000'000) return fmt::format("{:.0f} us", v / 1e3);
  if (ns < 1'000'000'000) return fmt::format("{:.2f} ms", v / 1e6);
  return fmt::format("{:.2f} s", v / 1e9);
}

std::string bytes_text(double bytes) {
  if (std::fabs(bytes) < 10 * 1024) return fmt::format("{:.0f} B", bytes);
  if (std::fabs(bytes) < 1024 * 1024) return fmt::format("{:.1f} KiB", bytes / 1024);
  return fmt::format("{:.1f} MiB", bytes / (1024 * 1024));
}

void print_accept_table(std::FILE* out, const CommonOptions& common, const AcceptOptions& opt,
                        const AcceptResult& r) {
  fmt::print(out, "chatbench accept: {}{} at {}, {} connections (fd limit {}), window {}{}\n\n",
             to_string(common.proto), common.tls ? " over TLS" : "", common.targets_text(),
             grouped(double(r.attempted)), common.fd_limit, common.connect_window,
             opt.rate > 0 ? fmt::format(", {:g} connects/s", opt.rate) : std::string());
  row(out, "connections",
      fmt::format("{} greeted, {} connected, {} opened ({} asked)", grouped(double(r.greeted)),
                  grouped(double(r.connected)), grouped(double(r.attempted)),
                  grouped(double(r.requested))));
  row(out, "connects/s",
      fmt::format("{} (all in {:.3f} s)", grouped(r.connects_per_s), r.connect_s));
  row(out, "greetings/s",
      fmt::format("{} (all in {:.3f} s)", grouped(r.greetings_per_s), r.greeting_s));
  row(out, "connect latency", latency_line(r.connect_latency));
  row(out, "greeting latency", latency_line(r.greeting_latency));
  row(out, "failures", failures_line(r.failures));
  if (r.rss_before && r.rss_after) {
    row(out, "server RSS",
        fmt::format("{} before, {} after: {} per connection", bytes_text(double(*r.rss_before)),
                    bytes_text(double(*r.rss_after)),
                    bytes_text(r.rss_per_connection.value_or(0))));
  }
  if (opt.then_sigterm) {
    row(out, "exit after SIGTERM",
        fmt::format("{}; {} of {} held connections got EOF, the last after {:.3f} s",
                    r.exit_s ? fmt::format("{:.3f} s", *r.exit_s) : std::string("not seen"),
                    grouped(double(r.farewells)), grouped(double(r.greeted)),
                    r.last_farewell_s.value_or(0)));
  }
  row(out, "chatbench CPU", cpu_line(r.cpu));
  if (r.cpu.server) row(out, "server CPU", fmt::format("{:.0f}%", *r.cpu.server));
  row(out, "other processes' CPU", fmt::format("{:.0f}%", r.cpu.others()));
  print_notes(out, r.notes);
}

void print_broadcast_table(std::FILE* out, const CommonOptions& common,
                           const std::vector<BroadcastRun>& runs) {
  if (runs.empty()) return;
  const BroadcastOptions& o = runs.front().opt;
  const CpuUse& cpu = runs.front().result.cpu;
  fmt::print(out,
             "chatbench broadcast: {}{} at {}, {}, {}-byte messages, {:g} s after {:g} s warm-up\n",
             to_string(common.proto), common.tls ? " over TLS" : "", common.targets_text(),
             run_mode(o), o.size, o.duration_s, o.warmup_s);
  fmt::print(out, "  {} thread{} on {} core{}, fd limit {}{}\n\n", cpu.threads,
             cpu.threads == 1 ? "" : "s", cpu.cores, cpu.cores == 1 ? "" : "s", common.fd_limit,
             o.open_loop()
                 ? "; latency from the scheduled send time, uncorrected from the actual one"
                 : "");
  throughput_rows(out, runs);
  latency_rows(out, "latency", runs, [](const BroadcastResult& r) { return r.latency; });
  if (o.open_loop()) {
    latency_rows(out, "uncorrected", runs,
                 [](const BroadcastResult& r) { return r.latency_uncorrected; });
  }
  if (runs.front().result.latency_same_node) {
    latency_rows(out, "same node", runs, [](const BroadcastResult& r) {
      return r.latency_same_node.value_or(LatencySummary{});
    });
    latency_rows(out, "cross node", runs, [](const BroadcastResult& r) {
      return r.latency_cross_node.value_or(LatencySummary{});
    });
  }
  sweep_row(out, "lost", runs, [](auto& r) { return grouped(double(r.lost)); });
  sweep_row(out, "reordered", runs, [](auto& r) { return grouped(double(r.reordered)); });
  cpu_rows(out, runs);
  for (const auto& run : runs)
    print_notes(out, run.result.notes);
}

}  // namespace chatd::bench
