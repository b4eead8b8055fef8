// ServiceStatus: what chatd tells systemd over its life (READY, STATUS, WATCHDOG,
// RELOADING, STOPPING, EXTEND_TIMEOUT_USEC), with the loop timers that keep it current.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "reactor/loop.h"
#include "reactor/timer.h"

namespace chatd {

// The numbers STATUS= shows.
struct ServiceCounters {
  std::size_t clients = 0;
  std::size_t rooms = 0;
  std::uint64_t messages = 0;  // relayed since start; STATUS= shows the rate
  std::string cluster;         // Backplane::describe(); empty on a single node
};

// "12 clients, 3 rooms, 4.5 messages/s": the STATUS= text.
std::string format_status(const ServiceCounters& c, double messages_per_second);

class ServiceStatus {
 public:
  // How often STATUS= is refreshed (only sent when its text changed), and how
  // often the stop timeout is extended while a shutdown drain runs.
  static constexpr std::uint64_t kStatusIntervalMs = 2000;
  static constexpr std::uint64_t kDrainTickMs = 1000;

  ServiceStatus(reactor::Loop& loop, std::function<ServiceCounters()> counters);

  // Every listener is up: READY=1 with a first STATUS=; starts the status timer
  // and, when systemd set WATCHDOG_USEC, WATCHDOG=1 pings at half that interval.
  // The pings come from a loop timer, so a stuck loop stops them.
  void ready();
  // Around a SIGHUP reload: RELOADING=1 with MONOTONIC_USEC=, then READY=1.
  void reloading();
  void reloaded();
  // Shutdown began: STOPPING=1. While connections are still draining, each
  // tick extends systemd's stop timeout (EXTEND_TIMEOUT_USEC=) and says how many.
  void stopping();

 private:
  void refresh_status();
  void extend_stop_timeout();

  reactor::Loop& loop_;
  std::function<ServiceCounters()> counters_;
  reactor::Timer status_timer_;
  reactor::Timer watchdog_timer_;
  reactor::Timer drain_timer_;
  std::string last_status_;
  std::uint64_t last_messages_ = 0;
  std::uint64_t last_sample_ms_ = 0;
};

}  // namespace chatd
