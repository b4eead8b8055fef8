// The soak itself: one epoll loop driving every client at once against a live chatd, in
// phases: set up the chatters and the probe, load for --duration (spawning misbehaving clients
// and churn on a schedule while sampling chatd), drain until every delivery is in, then (for a
// spawned chatd) a SIGTERM whose goodbye every connected client must get.
#pragma once

#include <netinet/in.h>

#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "tests/soak/chatter.h"
#include "tests/soak/churn.h"
#include "tests/soak/junk.h"
#include "tests/soak/ledger.h"
#include "tests/soak/monitor.h"
#include "tests/soak/options.h"
#include "tests/soak/probe.h"
#include "tests/soak/report.h"
#include "tests/soak/rude.h"
#include "tests/soak/scoreboard.h"

namespace soak {

// What the soak is told about the chatd under test.
struct Target {
  std::uint16_t port = 0;
  pid_t pid = 0;                      // 0: unknown (no RSS or fd samples)
  std::function<bool()> alive;        // false once chatd has died
  std::function<void()> stop;         // sends SIGTERM; empty for an attached chatd
  std::function<std::string()> exit;  // waits for the stopped chatd: "" if it exited 0
};

class Soak {
 public:
  Soak(const Options& options, Target target, ChurnPlan churn, RunSummary& summary);
  ~Soak();

  // Runs every phase; the findings go to the summary and the scoreboard.
  void run();
  Scoreboard& score() { return score_; }

 private:
  bool set_up();
  void load();
  void drain();
  void final_fd_check();
  void shut_down_chatd();

  // One loop turn: wait for events (at most 10 ms), then tick everything.
  void turn(bool spawning);
  void spawn(TimePoint now);
  void spawn_slowloris(TimePoint now);
  void tick_clients(TimePoint now);
  bool misbehavers_pending() const;
  void watch_chatd(TimePoint now);
  void progress(TimePoint now);
  double since_load(TimePoint now) const;

  Options options_;
  Target target_;
  RunSummary& summary_;
  sockaddr_in to_{};
  Poller poller_;
  Scoreboard score_;
  Ledger ledger_;
  Monitor monitor_;
  Churn churn_;
  std::mt19937_64 rng_;

  std::vector<std::unique_ptr<Chatter>> chatters_;
  std::unique_ptr<Probe> probe_;
  std::vector<std::unique_ptr<JunkClient>> junk_;
  std::vector<std::unique_ptr<Slowloris>> slowloris_;
  std::vector<std::unique_ptr<NeverReader>> never_readers_;
  std::vector<std::unique_ptr<RstClient>> rst_;
  int serial_ = 0;  // unique nick numbers across every kind
  int junk_started_ = 0;

  TimePoint load_start_;
  TimePoint next_junk_, next_never_, next_rst_, next_sample_, next_progress_, next_alive_;
  bool chatd_dead_ = false;
};

}  // namespace soak
