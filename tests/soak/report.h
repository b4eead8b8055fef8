// The soak's findings: what a run measured (RunSummary), the run-wide checks derived from it,
// and the printed report.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "tests/soak/churn.h"
#include "tests/soak/ledger.h"
#include "tests/soak/monitor.h"
#include "tests/soak/options.h"
#include "tests/soak/scoreboard.h"

namespace soak {

struct RunSummary {
  Options options;
  std::string chatd;   // which chatd: spawned with what, or attached to what
  std::string sizing;  // how the churn was sized to the fd limits
  int chatters = 0;
  double load_s = 0;
  double drain_s = 0;
  std::optional<std::string> chatd_died;  // how, when it did

  DeliveryTotals delivery;
  std::vector<std::string> anomalies;
  std::vector<Burst> bursts;
  int burst_lines = 0;

  std::vector<double> probe_rtt_ms;
  std::uint64_t relayed_checked = 0;
  ChurnStats churn;
  std::vector<double> never_reader_cut_s;

  std::vector<Sample> samples;
  double warmup_end_s = 0;
  std::optional<int> fds_start;
  std::optional<int> fds_end;
  int fds_allowed_end = 0;  // chatd's fds at the start plus the clients still connected

  std::optional<std::string> exit_status;  // of a spawned chatd after SIGTERM
  bool exit_ok = true;
  int goodbyes_expected = 0;
  int goodbyes_seen = 0;
};

// Turns the measurements into the run-wide checks (probe, RSS, fds, flood control, ...).
void add_checks(const RunSummary& run, Scoreboard& score);
void print_report(const RunSummary& run, const Scoreboard& score, std::FILE* out);

}  // namespace soak
