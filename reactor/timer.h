// A repeating or one-shot timer on the loop, for cold paths (watchdog, status,
// shutdown deadline, flood-control refills): never one per connection.
#pragma once

#include <cstdint>
#include <functional>

#include "reactor/uv_handle.h"

namespace chatd::reactor {

class Loop;

class Timer {
 public:
  explicit Timer(Loop& loop, std::function<void()> on_fire);

  // Fires after `delay_ms`, then every `repeat_ms` if non-zero. Restarting an
  // active timer reschedules it.
  void start(std::uint64_t delay_ms, std::uint64_t repeat_ms = 0);
  void stop();
  bool active() const;
  // An unreferenced timer does not keep the loop running on its own.
  void unref();

 private:
  std::function<void()> on_fire_;
  UvHandle<uv_timer_t> timer_;
};

}  // namespace chatd::reactor
