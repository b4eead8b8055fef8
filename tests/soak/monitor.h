// Watches chatd from outside through /proc: its resident memory (VmRSS) and open fds, sampled
// once a second (fds every five) into a series for the RSS check, and its fd limit, for sizing the
// churn.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace soak {

struct Sample {
  double t_s = 0;  // seconds since the load started
  std::uint64_t rss_kib = 0;
  int fds = 0;  // refreshed every fifth sample
};

class Monitor {
 public:
  explicit Monitor(pid_t pid) : pid_(pid) {}  // pid 0: nothing to watch

  bool enabled() const { return pid_ > 0; }
  void sample(double t_s);
  const std::vector<Sample>& samples() const { return samples_; }

  std::optional<std::uint64_t> rss_kib() const;
  std::optional<int> fd_count() const;

 private:
  pid_t pid_;
  int last_fds_ = -1;
  std::vector<Sample> samples_;
};

// The soft "Max open files" of a process, from /proc/PID/limits.
std::optional<long> nofile_limit(pid_t pid);

}  // namespace soak
