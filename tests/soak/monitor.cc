// Monitor (see monitor.h).
#include "tests/soak/monitor.h"

#include <dirent.h>

#include <fstream>
#include <sstream>
#include <string>

namespace soak {
namespace {
constexpr std::size_t kFdsEvery = 5;
}  // namespace

void Monitor::sample(double t_s) {
  if (!enabled()) return;
  // Listing 20,000 fds costs tens of milliseconds of the soak's only thread: not every time.
  if (samples_.size() % kFdsEvery == 0 || samples_.empty()) last_fds_ = fd_count().value_or(-1);
  if (const auto rss = rss_kib()) samples_.push_back({t_s, *rss, last_fds_});
}

std::optional<std::uint64_t> Monitor::rss_kib() const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (!line.starts_with("VmRSS:")) continue;
    std::istringstream fields(line.substr(6));
    std::uint64_t kib = 0;
    if (fields >> kib) return kib;
  }
  return std::nullopt;
}

std::optional<int> Monitor::fd_count() const {
  DIR* dir = opendir(("/proc/" + std::to_string(pid_) + "/fd").c_str());
  if (dir == nullptr) return std::nullopt;
  int n = 0;
  while (const dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(dir);
  return n;
}

std::optional<long> nofile_limit(pid_t pid) {
  std::ifstream limits("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  while (std::getline(limits, line)) {
    if (!line.starts_with("Max open files")) continue;
    std::istringstream fields(line.substr(14));
    long soft = 0;
    if (fields >> soft) return soft;
  }
  return std::nullopt;
}

}  // namespace soak
