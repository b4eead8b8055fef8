#include "daemon/fd_limit.h"

#include <sys/resource.h>

#include <algorithm>

namespace chatd {

std::uint64_t fd_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return 0;
  return rl.rlim_cur;
}

std::size_t clients_within_fd_limit(std::size_t max_clients, std::uint64_t fd_limit) {
  if (fd_limit == 0) return max_clients;
  const std::uint64_t usable = fd_limit - std::min(kReservedFds, fd_limit / 4);
  return static_cast<std::size_t>(std::min<std::uint64_t>(max_clients, usable));
}

}  // namespace chatd
