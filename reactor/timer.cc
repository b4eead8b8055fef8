// Timer: a uv_timer_t calling a std::function.
#include "reactor/timer.h"

#include "reactor/loop.h"

namespace chatd::reactor {

Timer::Timer(Loop& loop, std::function<void()> on_fire)
    : on_fire_(std::move(on_fire)), timer_(loop.uv(), uv_timer_init, this) {}

void Timer::start(std::uint64_t delay_ms, std::uint64_t repeat_ms) {
  uv_timer_start(
      timer_.get(), [](uv_timer_t* t) { static_cast<Timer*>(t->data)->on_fire_(); }, delay_ms,
      repeat_ms);
}

void Timer::stop() {
  uv_timer_stop(timer_.get());
}

bool Timer::active() const {
  return uv_is_active(timer_.handle()) != 0;
}

void Timer::unref() {
  uv_unref(timer_.handle());
}

}  // namespace chatd::reactor
