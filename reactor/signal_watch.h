// SignalWatch: runs a callback on the loop when a signal arrives (SIGTERM, SIGINT,
// SIGHUP), so signal handling is ordinary single-threaded code.
#pragma once

#include <functional>

#include "reactor/uv_handle.h"

namespace chatd::reactor {

class Loop;

class SignalWatch {
 public:
  SignalWatch(Loop& loop, int signum, std::function<void()> on_signal);

  // An unreferenced watch does not keep the loop running on its own.
  void unref();

 private:
  std::function<void()> on_signal_;
  UvHandle<uv_signal_t> signal_;
};

}  // namespace chatd::reactor
