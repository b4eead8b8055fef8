// WorkerLoop: loop and async-handle lifetime.
#include "bench/chatbench/worker_loop.h"

#include <time.h>

#include <cassert>
#include <stdexcept>
#include <string>

namespace chatd::bench {

WorkerLoop::WorkerLoop(std::function<void()> on_wake)
    : on_wake_(std::move(on_wake)), read_buffer_(std::make_unique<char[]>(kReadBufferSize)) {
  if (const int r = uv_loop_init(&loop_); r != 0) {
    throw std::runtime_error(std::string("cannot create a libuv loop: ") + uv_strerror(r));
  }
  async_.data = this;
  uv_async_init(&loop_, &async_,
                [](uv_async_t* a) { static_cast<WorkerLoop*>(a->data)->on_wake_(); });
}

WorkerLoop::~WorkerLoop() {
  close_wakeups();
  uv_run(&loop_, UV_RUN_NOWAIT);
  [[maybe_unused]] const int r = uv_loop_close(&loop_);
  assert(r == 0 && "a chatbench handle outlived its loop");
}

void WorkerLoop::close_wakeups() {
  if (async_closed_) return;
  async_closed_ = true;
  uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
}

double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace chatd::bench
