// LoopStats: what the reactor counts about its own work, read by whoever
// reports on it. Connections are counted by a traffic class their owner gives
// them (Connection::set_traffic_class), so the reactor needs to know no protocol.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "reactor/histogram.h"

namespace chatd::reactor {

inline constexpr std::size_t kTrafficClasses = 4;

struct TrafficStats {
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_written = 0;  // taken by the kernel
};

struct LoopStats {
  static constexpr std::array<double, 11> kIovecBounds = {1,  2,   4,   8,   16,  32,
                                                          64, 128, 256, 512, 1024};
  // Seconds: 10 µs to 1 s.
  static constexpr std::array<double, 11> kTimeBounds = {1e-5, 2.5e-5, 1e-4, 2.5e-4, 1e-3, 2.5e-3,
                                                         1e-2, 2.5e-2, 0.1,  0.25,   1.0};

  std::array<TrafficStats, kTrafficClasses> traffic{};
  std::uint64_t writes = 0;          // writev calls (uv_try_write) that wrote
  std::uint64_t partial_writes = 0;  // ... whose rest went to libuv (the kernel was full)
  Histogram iovecs_per_write{kIovecBounds};
  std::uint64_t iterations = 0;
  // Each turn of the loop, flush to flush, less the time it waited for events:
  // reads, line handling, fan-out, timers and the flush.
  Histogram busy_seconds{kTimeBounds};
  // How late a 100 ms timer fires.
  Histogram lag_seconds{kTimeBounds};
  std::uint64_t tls_handshakes_ok = 0;
  std::uint64_t tls_handshakes_failed = 0;
  std::uint64_t tls_handshakes_timed_out = 0;
  std::uint64_t websocket_pings = 0;          // liveness Pings sent to quiet peers
  std::uint64_t websocket_pong_timeouts = 0;  // ... that went unanswered: closed
};

}  // namespace chatd::reactor
