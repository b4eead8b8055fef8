// /proc/self/stat (proc(5)): times in clock ticks, the start in ticks since
// boot (btime in /proc/stat), sizes in bytes and pages.
#include "daemon/metrics/process_stats.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace chatd {
namespace {

std::uint64_t boot_time_seconds() {
  std::ifstream in("/proc/stat");
  std::string key;
  std::uint64_t value = 0;
  while (in >> key) {
    if (key == "btime" && in >> value) return value;
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

}  // namespace

std::uint64_t count_open_fds() {
  DIR* d = opendir("/proc/self/fd");
  if (d == nullptr) return 0;
  std::uint64_t n = 0;
  while (const dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(d);
  return n > 0 ? n - 1 : 0;  // less the one this walk holds open
}

ProcessStats read_process_stats() {
  ProcessStats p;
  std::ifstream in("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The command name may hold spaces and parentheses: fields start after the last ')'.
  const std::size_t close = stat.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const auto page = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
    // Field 3 (state) is the first here; utime and stime are 14 and 15, starttime
    // 22, vsize 23, rss 24.
    for (int i = 3; i <= 24 && fields >> field; ++i) {
      if (i == 14 || i == 15) p.cpu_seconds += std::stod(field) / ticks;
      if (i == 22) {
        static const std::uint64_t boot = boot_time_seconds();  // it never changes
        p.start_time_seconds = static_cast<double>(boot) + std::stod(field) / ticks;
      }
      if (i == 23) p.virtual_bytes = std::stoull(field);
      if (i == 24) p.resident_bytes = std::stoull(field) * page;
    }
  }
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) p.max_fds = limit.rlim_cur;
  return p;
}

}  // namespace chatd
