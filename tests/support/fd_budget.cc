#include "tests/support/fd_budget.h"

#include <sys/resource.h>

#include <algorithm>
#include <iostream>

#include "daemon/fd_limit.h"

namespace chatd::test {

std::size_t affordable_clients(std::size_t wanted) {
  constexpr rlim_t kSpare = kReservedFds + 16;
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return wanted;
  const rlim_t need = wanted + kSpare;
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
    rlimit raised = rl;
    raised.rlim_cur = rl.rlim_max == RLIM_INFINITY ? need : std::min(need, rl.rlim_max);
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
  }
  if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need) return wanted;
  const std::size_t n = rl.rlim_cur > kSpare ? rl.rlim_cur - kSpare : 0;
  std::cout << "[   NOTE   ] RLIMIT_NOFILE " << rl.rlim_cur << " allows " << n << " clients, not "
            << wanted << "; the test uses " << n << "\n";
  return n;
}

}  // namespace chatd::test
