// UvHandle<T>: the owner of one loop-lifetime libuv handle (listener, prepare,
// timer, signal). libuv closes handles asynchronously, so the memory is freed in
// the close callback and the C++ owner can be destroyed at any time.
#pragma once

#include <uv.h>

#include <stdexcept>
#include <string>

namespace chatd::reactor {

template <class T>
class UvHandle {
 public:
  // `init` is the handle's uv_*_init(loop, handle); a failure throws.
  template <class Init>
  UvHandle(uv_loop_t* loop, Init init, void* data) : h_(new T) {
    if (const int r = init(loop, h_); r != 0) {
      delete h_;
      throw std::runtime_error(std::string("libuv handle init failed: ") + uv_strerror(r));
    }
    h_->data = data;
  }
  UvHandle(const UvHandle&) = delete;
  UvHandle& operator=(const UvHandle&) = delete;
  ~UvHandle() {
    uv_close(reinterpret_cast<uv_handle_t*>(h_),
             [](uv_handle_t* h) { delete reinterpret_cast<T*>(h); });
  }

  T* get() const { return h_; }
  uv_handle_t* handle() const { return reinterpret_cast<uv_handle_t*>(h_); }

 private:
  T* h_;
};

}  // namespace chatd::reactor
