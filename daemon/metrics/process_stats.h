// ProcessStats: the standard process_* metrics of this process, from /proc/self
// and getrlimit, as every Prometheus client library reports them.
#pragma once

#include <cstdint>

namespace chatd {

struct ProcessStats {
  double cpu_seconds = 0;  // user + system
  std::uint64_t resident_bytes = 0;
  std::uint64_t virtual_bytes = 0;
  std::uint64_t max_fds = 0;      // the soft RLIMIT_NOFILE
  double start_time_seconds = 0;  // since the Unix epoch
};

// What /proc says now; fields it cannot read stay 0.
ProcessStats read_process_stats();

// The entries of /proc/self/fd. The kernel makes one per descriptor, so at
// 10,000 connections this costs milliseconds: count once, then keep track.
std::uint64_t count_open_fds();

}  // namespace chatd
