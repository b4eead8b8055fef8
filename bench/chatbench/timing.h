// Time for chatbench: one monotonic clock shared by every thread, so a send time
// written into a payload on one thread compares with a receive time on another.
#pragma once

#include <time.h>

#include <cstdint>

namespace chatd::bench {

inline constexpr std::uint64_t kNsPerSec = 1'000'000'000;
inline constexpr std::uint64_t kNsPerMs = 1'000'000;

inline std::uint64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * kNsPerSec + static_cast<std::uint64_t>(ts.tv_nsec);
}

inline std::uint64_t seconds_to_ns(double s) {
  return static_cast<std::uint64_t>(s * static_cast<double>(kNsPerSec));
}

inline double ns_to_seconds(std::uint64_t ns) {
  return static_cast<double>(ns) / static_cast<double>(kNsPerSec);
}

}  // namespace chatd::bench
