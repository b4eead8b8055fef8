// SignalWatch: a uv_signal_t calling a std::function.
#include "reactor/signal_watch.h"

#include <stdexcept>
#include <string>

#include "reactor/loop.h"

namespace chatd::reactor {

SignalWatch::SignalWatch(Loop& loop, int signum, std::function<void()> on_signal)
    : on_signal_(std::move(on_signal)), signal_(loop.uv(), uv_signal_init, this) {
  const int r = uv_signal_start(
      signal_.get(), [](uv_signal_t* s, int) { static_cast<SignalWatch*>(s->data)->on_signal_(); },
      signum);
  if (r != 0) throw std::runtime_error(std::string("cannot watch signal: ") + uv_strerror(r));
}

void SignalWatch::unref() {
  uv_unref(signal_.handle());
}

}  // namespace chatd::reactor
