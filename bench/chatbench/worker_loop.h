// WorkerLoop: one load-generating thread's libuv loop, the read buffer its
// clients share, and the async handle through which other threads wake it.
#pragma once

#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

namespace chatd::bench {

class WorkerLoop {
 public:
  static constexpr std::size_t kReadBufferSize = std::size_t{64} * 1024;

  // `on_wake` runs on the loop's thread after any wake() (coalesced, as libuv's
  // async handles are). Throws std::runtime_error if the loop cannot be created.
  explicit WorkerLoop(std::function<void()> on_wake);
  // Asserts that every handle was closed first (uv_loop_close() == 0).
  ~WorkerLoop();
  WorkerLoop(const WorkerLoop&) = delete;
  WorkerLoop& operator=(const WorkerLoop&) = delete;

  uv_loop_t* uv() { return &loop_; }
  char* read_buffer() { return read_buffer_.get(); }

  // Thread-safe.
  void wake() { uv_async_send(&async_); }
  // Runs until nothing is left open: call close_wakeups() and close every other
  // handle to let it return.
  void run() { uv_run(&loop_, UV_RUN_DEFAULT); }
  void close_wakeups();

 private:
  uv_loop_t loop_;
  uv_async_t async_;
  bool async_closed_ = false;
  std::function<void()> on_wake_;
  std::unique_ptr<char[]> read_buffer_;
};

// CPU seconds the calling thread has used.
double thread_cpu_seconds();

}  // namespace chatd::bench
