// Connect/disconnect churn at the fd limit: waves of connections from 32 source addresses
// (127.0.0.2-33, so the ephemeral ports of one address pair never run out) ramp up to the peak
// the fd limits allow, hold, then close at a pace: a third each with a FIN, an RST and a
// /quit. Each must be greeted, or refused with one line and closed; a /quit must get
// "*** bye" and a close.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "tests/soak/client.h"
#include "tests/soak/scoreboard.h"

namespace soak {

struct ChurnPlan {
  int peak = 1000;     // connections open at once at the top of a wave
  double rate = 2000;  // connects per second (closes go twice as fast)
  double hold_s = 1;
};

struct ChurnStats {
  int waves = 0;  // completed
  std::uint64_t connects = 0;
  std::uint64_t welcomed = 0;
  std::uint64_t refused = 0;
  std::uint64_t closed_fin = 0;
  std::uint64_t closed_rst = 0;
  std::uint64_t quits_answered = 0;
  std::uint64_t idle_cut = 0;  // outlived --idle-timeout in a slow wave, and cut for it
  int peak_open = 0;           // most connections open at once
};

class ChurnClient;

class Churn {
 public:
  Churn(Poller& poller, Scoreboard& score, const sockaddr_in& to, ChurnPlan plan);
  ~Churn();

  void tick(TimePoint now);
  // No new wave; what is open closes at the usual pace.
  void stop() { stopping_ = true; }
  bool finished() const { return phase_ == Phase::kStopped; }
  const ChurnStats& stats() const { return stats_; }
  std::optional<TimePoint> first_wave_done() const { return first_wave_done_; }
  // How many connections are open right now.
  int open() const { return open_; }

 private:
  friend class ChurnClient;
  enum class Phase { kRamp, kHold, kClose, kRest, kStopped };

  void ramp(TimePoint now, double dt);
  void close_some(TimePoint now, double dt);
  void check_deadlines(TimePoint now);
  bool all_done() const;
  void enter(Phase phase, TimePoint now);

  Poller& poller_;
  Scoreboard& score_;
  sockaddr_in to_;
  ChurnPlan plan_;
  Phase phase_ = Phase::kRamp;
  TimePoint phase_since_;
  TimePoint last_tick_;
  TimePoint last_check_;
  double budget_ = 0;  // fractional connects or closes carried between ticks
  bool stopping_ = false;
  bool started_ = false;
  std::vector<std::unique_ptr<ChurnClient>> clients_;  // this wave's
  std::size_t cursor_ = 0;                             // next to close
  int open_ = 0;
  ChurnStats stats_;
  std::optional<TimePoint> first_wave_done_;
};

}  // namespace soak
