// Output queue bookkeeping: append references, expose iovecs, consume after writes.
#include "reactor/output_queue.h"

#include <algorithm>
#include <cassert>

namespace chatd::reactor {

void OutputQueue::push(MessageRef m) {
  assert(m && m.size() > 0);
  bytes_ += m.size();
  items_.push_back(std::move(m));
}

std::size_t OutputQueue::fill(uv_buf_t* bufs, std::size_t max) const {
  std::size_t n = 0;
  for (std::size_t i = head_; i < items_.size() && n < max; ++i, ++n) {
    const std::size_t skip = (i == head_) ? head_offset_ : 0;
    bufs[n] = uv_buf_init(const_cast<char*>(items_[i].data()) + skip,
                          static_cast<unsigned>(items_[i].size() - skip));
  }
  return n;
}

void OutputQueue::consume(std::size_t n) {
  assert(n <= bytes_);
  bytes_ -= n;
  while (n > 0) {
    const std::size_t left = items_[head_].size() - head_offset_;
    if (n < left) {
      head_offset_ += n;
      return;
    }
    n -= left;
    items_[head_] = MessageRef();
    ++head_;
    head_offset_ = 0;
  }
  if (head_ == items_.size()) {
    drained();
  } else if (head_ >= 64 && head_ * 2 >= items_.size()) {
    // Keep the sent prefix from growing without bound under steady load.
    items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

void OutputQueue::clear() {
  items_.clear();
  bytes_ = 0;
  drained();
}

void OutputQueue::drained() {
  // A small array is kept so a busy connection does not allocate on every flush;
  // a large one (left by a burst) is returned, so an idle connection stays cheap.
  if (items_.capacity() > kKeptCapacity) {
    std::vector<MessageRef>().swap(items_);
  } else {
    items_.clear();
  }
  head_ = 0;
  head_offset_ = 0;
}

}  // namespace chatd::reactor
