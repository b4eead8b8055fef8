// chatd_soak's command line: which chatd (spawn one, or attach with --port/--pid), the limits it
// runs with, how long and how hard to push it, and the bounds the checks hold it to.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace soak {

struct Limits {  // chatd's own settings, which decide what each rule must do
  std::size_t output_limit = 262144;
  std::size_t max_line_bytes = 4096;
  double flood_rate = 50;
  double flood_burst = 100;
  std::size_t announce_limit = 200;
  // 0: chatd never cuts idle clients. Idle means no line received, so a slowloris that never
  // ends a line is cut.
  unsigned idle_timeout_s = 20;
};

struct Options {
  // Which chatd. Without --port one is spawned on 127.0.0.1 with `limits` and `chatd_args`.
  std::string chatd_binary;  // default: the one this build made
  std::uint16_t port = 0;
  pid_t pid = 0;  // with --port: sample this process's RSS and fds
  std::vector<std::string> chatd_args;
  Limits limits;

  double duration_s = 600;
  int rooms = 3;  // room 0 is the bulk room, where the never-readers go
  int chatters_per_room = 4;
  double chat_rate = 5;  // lines per second per chatter
  double bulk_rate = 25;
  std::size_t bulk_bytes = 3500;
  int flood_lines = 300;      // one chatter of room 1 writes this many lines at once...
  double flood_every_s = 15;  // ...this often
  double junk_every_s = 2;
  double never_reader_every_s = 8;
  double rst_every_s = 1;
  int slowloris_pairs = 1;   // each pair: one completing lines slowly, one never ending a line
  int churn_peak = 0;        // concurrent churn connections; 0 = sized to the fd limits
  double churn_rate = 2000;  // connects per second while a wave ramps up
  double churn_hold_s = 1;

  double probe_max_ms = 500;   // p100 bound on the /who round trip
  double rss_margin_pct = 20;  // allowed growth of chatd's RSS over its warm-up peak...
  double rss_margin_mib = 16;  // ...plus this much
  double cut_within_s = 45;    // a never-reader must be cut this soon after joining
  std::uint64_t seed = 1;
  bool quiet = false;  // no progress lines
};

// Parses argv; prints help or the error and returns nullopt with *exit_code set on failure.
std::optional<Options> parse_options(int argc, char** argv, int* exit_code);

}  // namespace soak
