// Reading /proc and the process's own resource use.
#include "bench/chatbench/proc_stats.h"

#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "bench/chatbench/timing.h"

namespace chatd::bench {
namespace {

double timeval_seconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

double clock_seconds(clockid_t id) {
  timespec ts{};
  if (clock_gettime(id, &ts) != 0) return 0;
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double percent(double used, double wall) {
  return wall > 0 ? 100.0 * used / wall : 0.0;
}

}  // namespace

std::size_t raise_fd_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
  if (rl.rlim_cur < rl.rlim_max) {
    rlimit raised = rl;
    raised.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
  }
  return static_cast<std::size_t>(rl.rlim_cur);
}

unsigned usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return static_cast<unsigned>(std::max(1, CPU_COUNT(&set)));
}

std::optional<std::uint64_t> process_rss_bytes(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("VmRSS:")) continue;
    std::istringstream fields(line.substr(6));
    std::uint64_t kib = 0;
    if (fields >> kib) return kib * 1024;
  }
  return std::nullopt;
}

// utime and stime are fields 14 and 15 of /proc/PID/stat, counted after the
// command name, which is in parentheses and may itself hold spaces.
std::optional<double> process_cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 2));
  std::string skip;
  for (int i = 3; i < 14; ++i)
    fields >> skip;
  unsigned long long utime = 0, stime = 0;
  if (!(fields >> utime >> stime)) return std::nullopt;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The first line of /proc/stat: "cpu user nice system idle iowait irq softirq steal ..."
// in clock ticks; busy is everything but idle and iowait.
double machine_busy_seconds() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  unsigned long long v[8] = {};
  if (!(in >> cpu >> v[0] >> v[1] >> v[2] >> v[3] >> v[4] >> v[5] >> v[6] >> v[7])) return 0;
  const unsigned long long busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
  return static_cast<double>(busy) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

CpuSampler::CpuSampler(std::vector<pthread_t> threads, pid_t server_pid)
    : threads_(std::move(threads)), server_pid_(server_pid) {}

CpuSampler::Sample CpuSampler::take() const {
  Sample s;
  s.wall = ns_to_seconds(now_ns());
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  s.self = timeval_seconds(ru.ru_utime) + timeval_seconds(ru.ru_stime);
  for (pthread_t t : threads_) {
    clockid_t id;
    s.threads.push_back(pthread_getcpuclockid(t, &id) == 0 ? clock_seconds(id) : 0.0);
  }
  if (server_pid_ > 0) s.server = process_cpu_seconds(server_pid_);
  s.machine = machine_busy_seconds();
  return s;
}

void CpuSampler::start() {
  start_ = take();
}

CpuUse CpuSampler::stop() {
  const Sample end = take();
  const double wall = end.wall - start_.wall;
  CpuUse use;
  use.self = percent(end.self - start_.self, wall);
  for (std::size_t i = 0; i < threads_.size(); ++i) {
    use.busiest_thread =
        std::max(use.busiest_thread, percent(end.threads[i] - start_.threads[i], wall));
  }
  use.threads = static_cast<unsigned>(threads_.size());
  use.cores = usable_cpus();
  if (start_.server && end.server) use.server = percent(*end.server - *start_.server, wall);
  use.machine = percent(end.machine - start_.machine, wall);
  return use;
}

std::optional<double> signal_and_time_exit(pid_t pid, int sig, double timeout_s) {
  const int fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) return std::nullopt;
  std::optional<double> took;
  const std::uint64_t start = now_ns();
  if (kill(pid, sig) == 0) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(timeout_s * 1000)) == 1)
      took = ns_to_seconds(now_ns() - start);
  }
  close(fd);
  return took;
}

}  // namespace chatd::bench
