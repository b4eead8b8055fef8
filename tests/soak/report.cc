// add_checks and print_report (see report.h).
#include "tests/soak/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace soak {
namespace {

constexpr double kFloodBoundShare = 0.9;  // bucket timing is coarse (chatd resumes every 20 ms)
constexpr double kCoverageAfterS = 30;    // runs this long must see every kind handled

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

double mib(std::uint64_t kib) {
  return static_cast<double>(kib) / 1024;
}

// The shortest time, in seconds, flood control lets a burst of `lines` take.
double flood_bound_s(const Limits& l, int lines) {
  if (l.flood_rate <= 0 || lines <= l.flood_burst) return 0;
  return (lines - l.flood_burst) / l.flood_rate;
}

struct RssFigures {
  std::uint64_t start = 0, warmup_peak = 0, later_peak = 0, end = 0, bound = 0;
  int fds_peak = 0;
  bool have_later = false;
};

RssFigures rss_figures(const RunSummary& run) {
  RssFigures f;
  if (run.samples.empty()) return f;
  f.start = run.samples.front().rss_kib;
  f.end = run.samples.back().rss_kib;
  for (const Sample& s : run.samples) {
    f.fds_peak = std::max(f.fds_peak, s.fds);
    if (s.t_s <= run.warmup_end_s) {
      f.warmup_peak = std::max(f.warmup_peak, s.rss_kib);
    } else {
      f.later_peak = std::max(f.later_peak, s.rss_kib);
      f.have_later = true;
    }
  }
  const Options& o = run.options;
  f.bound = static_cast<std::uint64_t>(
      static_cast<double>(f.warmup_peak) * (1 + o.rss_margin_pct / 100) + o.rss_margin_mib * 1024);
  return f;
}

void check_flood(const RunSummary& run, Scoreboard& score) {
  const double bound = flood_bound_s(run.options.limits, run.burst_lines);
  int measured = 0;
  double shortest = 1e9;
  for (const Burst& b : run.bursts) {
    if (!b.last_arrived) continue;
    ++measured;
    shortest =
        std::min(shortest, std::chrono::duration<double>(*b.last_arrived - b.sent_at).count());
  }
  if (measured == 0 || bound == 0) return;
  score.check(
      "flood control delays bursts", shortest >= kFloodBoundShare * bound,
      fmt::format("shortest burst took {:.2f} s, flood control bound {:.2f} s", shortest, bound));
}

void check_rss_and_fds(const RunSummary& run, Scoreboard& score) {
  const RssFigures f = rss_figures(run);
  if (f.have_later) {
    score.check("chatd RSS bounded", f.later_peak <= f.bound,
                fmt::format("peak after warm-up {:.1f} MiB, bound {:.1f} MiB", mib(f.later_peak),
                            mib(f.bound)));
  }
  if (run.fds_end) {
    score.check(
        "chatd fds back to baseline", *run.fds_end <= run.fds_allowed_end,
        fmt::format("{} open at the end, at most {} expected", *run.fds_end, run.fds_allowed_end));
  }
}

void check_coverage(const RunSummary& run, Scoreboard& score) {
  if (run.load_s < kCoverageAfterS) return;
  std::string missing;
  for (const KindTally& k : score.kinds()) {
    if (k.handled == 0 && k.name != "chatter" && k.name != "probe") missing += " " + k.name;
  }
  score.check("every kind met its rule at least once", missing.empty(),
              missing.empty() ? "all kinds" : "never handled:" + missing);
}

}  // namespace

void add_checks(const RunSummary& run, Scoreboard& score) {
  score.check("chatd alive throughout", !run.chatd_died, run.chatd_died.value_or("yes"));
  const DeliveryTotals& d = run.delivery;
  const std::uint64_t bad = d.lost + d.duplicated + d.reordered + d.corrupted;
  score.check("chatters: nothing lost, duplicated, reordered or damaged",
              bad == 0 && d.expected > 0 && d.delivered == d.expected,
              fmt::format("{} of {} deliveries", d.delivered, d.expected));
  const auto& rtt = run.probe_rtt_ms;
  const double max_rtt = rtt.empty() ? 0 : *std::max_element(rtt.begin(), rtt.end());
  score.check("probe /who round trip", !rtt.empty() && max_rtt <= run.options.probe_max_ms,
              fmt::format("max {:.1f} ms over {} round trips, bound {:.0f} ms", max_rtt, rtt.size(),
                          run.options.probe_max_ms));
  check_flood(run, score);
  check_rss_and_fds(run, score);
  if (run.exit_status) {
    score.check("SIGTERM: goodbye to everyone, exit 0",
                run.exit_ok && run.goodbyes_seen == run.goodbyes_expected,
                fmt::format("{} of {} got '*** server shutting down'; chatd {}", run.goodbyes_seen,
                            run.goodbyes_expected, *run.exit_status));
  }
  check_coverage(run, score);
}

namespace {

void print_kinds(const Scoreboard& score, std::FILE* out) {
  fmt::print(out, "  {:<18} {:>8} {:>8} {:>8} {:>10} {:>7}  rule\n", "clients", "started",
             "handled", "refused", "unresolved", "failed");
  for (const KindTally& k : score.kinds()) {
    fmt::print(out, "  {:<18} {:>8} {:>8} {:>8} {:>10} {:>7}  {}\n", k.name, k.started, k.handled,
               k.refused, k.unresolved, k.failed, k.rule);
  }
  for (const auto& [line, count] : score.refusals())
    fmt::print(out, "  refused with \"{}\": {}\n", line, count);
}

void print_traffic(const RunSummary& run, std::FILE* out) {
  const DeliveryTotals& d = run.delivery;
  fmt::print(out,
             "messages:  {} sent by {} chatters; {} deliveries expected, {} delivered; lost {}, "
             "duplicated {}, reordered {}, damaged {}\n",
             d.sent, run.chatters, d.expected, d.delivered, d.lost, d.duplicated, d.reordered,
             d.corrupted);
  std::vector<double> spans;
  for (const Burst& b : run.bursts) {
    if (b.last_arrived) {
      spans.push_back(std::chrono::duration<double>(*b.last_arrived - b.sent_at).count());
    }
  }
  if (!spans.empty()) {
    fmt::print(out,
               "flooder:   {} bursts of {} lines; the last line arrived after {:.2f}-{:.2f} s "
               "(flood control: at least {:.2f} s)\n",
               spans.size(), run.burst_lines, percentile(spans, 0), percentile(spans, 1),
               flood_bound_s(run.options.limits, run.burst_lines));
  }
  const auto& rtt = run.probe_rtt_ms;
  fmt::print(out,
             "probe:     {} /who round trips: p50 {:.2f} ms, p99 {:.2f} ms, max {:.2f} ms "
             "(bound {:.0f} ms); {} relayed junk lines checked\n",
             rtt.size(), percentile(rtt, 0.5), percentile(rtt, 0.99), percentile(rtt, 1),
             run.options.probe_max_ms, run.relayed_checked);
  const auto& cut = run.never_reader_cut_s;
  fmt::print(out, "slow consumers cut: {} (join to cut: median {:.1f} s, max {:.1f} s)\n",
             cut.size(), percentile(cut, 0.5), percentile(cut, 1));
  const ChurnStats& c = run.churn;
  fmt::print(out,
             "churn:     {} waves, {} connects, peak {} open; {} greeted, {} refused; closed {} "
             "FIN, {} RST, {} /quit answered, {} cut idle\n",
             c.waves, c.connects, c.peak_open, c.welcomed, c.refused, c.closed_fin, c.closed_rst,
             c.quits_answered, c.idle_cut);
}

void print_chatd(const RunSummary& run, std::FILE* out) {
  const RssFigures f = rss_figures(run);
  if (!run.samples.empty()) {
    fmt::print(out,
               "chatd RSS: {:.1f} MiB at the start, warm-up peak {:.1f} MiB (first {:.0f} s), "
               "peak after {:.1f} MiB (bound {:.1f} MiB), {:.1f} MiB at the end\n",
               mib(f.start), mib(f.warmup_peak), run.warmup_end_s, mib(f.later_peak), mib(f.bound),
               mib(f.end));
    fmt::print(out, "chatd fds: {} at the start, peak {} (sampled every 5 s), {} at the end\n",
               run.fds_start.value_or(-1), f.fds_peak, run.fds_end.value_or(-1));
  } else {
    fmt::print(out, "chatd RSS: not sampled (no pid)\n");
  }
  if (run.exit_status) {
    fmt::print(out, "shutdown:  SIGTERM; {} of {} clients got the goodbye; chatd {}\n",
               run.goodbyes_seen, run.goodbyes_expected, *run.exit_status);
  }
}

void print_problems(const RunSummary& run, const Scoreboard& score, std::FILE* out) {
  for (const std::string& a : run.anomalies)
    fmt::print(out, "  anomaly: {}\n", a);
  for (const KindTally& k : score.kinds()) {
    for (const std::string& why : k.why)
      fmt::print(out, "  {} failed: {}\n", k.name, why);
  }
}

}  // namespace

void print_report(const RunSummary& run, const Scoreboard& score, std::FILE* out) {
  fmt::print(out, "\n== chatd soak report ==\n");
  fmt::print(out, "chatd:     {}\n", run.chatd);
  fmt::print(out, "run:       {:.1f} s of load, then {:.1f} s of drain\n", run.load_s, run.drain_s);
  fmt::print(out, "fd sizing: {}\n", run.sizing);
  print_kinds(score, out);
  print_traffic(run, out);
  print_chatd(run, out);
  print_problems(run, score, out);
  fmt::print(out, "checks:\n");
  for (const Check& c : score.checks())
    fmt::print(out, "  [{}] {}: {}\n", c.ok ? " ok " : "FAIL", c.name, c.detail);
  fmt::print(out, "RESULT: {}\n", score.passed() ? "PASS" : "FAIL");
  std::fflush(out);
}

}  // namespace soak
