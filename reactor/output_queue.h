// A connection's pending output: references to shared messages, in order, with
// the count of bytes still owed to the peer.
#pragma once

#include <uv.h>

#include <cstddef>
#include <vector>

#include "reactor/message.h"

namespace chatd::reactor {

//   items_:  [ sent | sent | head (head_offset_ bytes gone) | queued | queued ]
//                           ^ head_                                    ^ end
//   bytes_ = unsent bytes of head + all queued ones
//
// A vector, not a std::deque: libstdc++'s deque allocates ~600 bytes even when
// empty, which an idle connection cannot afford. The vector is reset whenever it
// drains, so it does not grow with the history of the connection.
// Invariant: bytes_ == 0 exactly when no message is queued.
class OutputQueue {
 public:
  void push(MessageRef m);

  // Fills up to `max` buffers with the unsent bytes, in order, pointing into the
  // shared messages themselves (no copy). Returns how many were filled.
  std::size_t fill(uv_buf_t* bufs, std::size_t max) const;

  // Drops `n` bytes from the front, releasing every message fully sent.
  void consume(std::size_t n);

  std::size_t bytes() const { return bytes_; }
  bool empty() const { return bytes_ == 0; }
  // True when the first message has been partly sent: a line written now would
  // land in the middle of it.
  bool mid_message() const { return head_offset_ != 0; }
  void clear();

 private:
  static constexpr std::size_t kKeptCapacity = 16;
  void drained();

  std::vector<MessageRef> items_;
  std::size_t head_ = 0;
  std::size_t head_offset_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace chatd::reactor
