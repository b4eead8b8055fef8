// AckWindows: the closed loop's bound on unacknowledged messages. A message is
// acknowledged once every receiver has it; each sender may have at most `window`
// messages that are not. Per sender, a ring of `window` counters (one per message
// in flight) counts the receivers that have read it:
//
//   sender s: [ seq%W=0 | 1 | 2 | ... | W-1 ]   each slot: receivers that have it
//
// Workers add their counts once per loop iteration (one atomic add per message
// per thread, not per delivery); the sender's own worker advances over complete
// slots and resets them, before the seq that reuses a slot can even be sent.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace chatd::bench {

class AckWindows {
 public:
  AckWindows(std::size_t senders, std::size_t window, std::uint32_t receivers)
      : window_(window),
        receivers_(receivers),
        slots_(std::make_unique<std::atomic<std::uint32_t>[]>(senders * window)) {}

  std::size_t window() const { return window_; }
  std::size_t slot(std::size_t sender, std::uint64_t seq) const {
    return sender * window_ + static_cast<std::size_t>(seq % window_);
  }
  // Adds `n` receivers' copies to a slot. True if that completed the message.
  bool add(std::size_t slot, std::uint32_t n) {
    return slots_[slot].fetch_add(n, std::memory_order_acq_rel) + n == receivers_;
  }
  // Returns the new count of acknowledged messages of `sender`, from `acked`,
  // never past `sent`. Only the sender's own worker calls this.
  std::uint64_t advance(std::size_t sender, std::uint64_t acked, std::uint64_t sent) {
    while (acked < sent) {
      std::atomic<std::uint32_t>& s = slots_[slot(sender, acked)];
      if (s.load(std::memory_order_acquire) < receivers_) break;
      s.store(0, std::memory_order_release);
      ++acked;
    }
    return acked;
  }

 private:
  std::size_t window_;
  std::uint32_t receivers_;
  std::unique_ptr<std::atomic<std::uint32_t>[]> slots_;
};

}  // namespace chatd::bench
