// What chatbench reads about processes and itself: the fd limit it really has,
// the CPUs it may use, a server's RSS (/proc/PID/status) and CPU time
// (/proc/PID/stat), and the CPU its own threads used during a measurement.
#pragma once

#include <pthread.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "bench/chatbench/results.h"

namespace chatd::bench {

// Raises the soft RLIMIT_NOFILE to the hard limit and returns the soft limit now in force.
std::size_t raise_fd_limit();
// File descriptors chatbench keeps for itself: stdio and a few spare, and per
// thread an epoll fd, libuv's async eventfd and a timerfd.
inline std::size_t reserved_fds(unsigned threads) {
  return 16 + 4 * std::size_t{threads};
}

unsigned usable_cpus();

std::optional<std::uint64_t> process_rss_bytes(pid_t pid);
std::optional<double> process_cpu_seconds(pid_t pid);
// CPU seconds the whole machine spent busy (all CPUs, from /proc/stat).
double machine_busy_seconds();
// Sends `sig` to `pid` and waits (a pidfd, so a zombie counts as gone) at most
// timeout_s for it to exit: the seconds that took, or nullopt.
std::optional<double> signal_and_time_exit(pid_t pid, int sig, double timeout_s);

// Samples CPU time at the start and end of a measured interval: chatbench as a
// whole, each load-generating thread, and optionally the server.
class CpuSampler {
 public:
  CpuSampler(std::vector<pthread_t> threads, pid_t server_pid);
  void start();
  CpuUse stop();  // percentages over the wall time since start()

 private:
  struct Sample {
    double wall = 0, self = 0, machine = 0;
    std::vector<double> threads;
    std::optional<double> server;
  };
  Sample take() const;

  std::vector<pthread_t> threads_;
  pid_t server_pid_;
  Sample start_;
};

}  // namespace chatd::bench
