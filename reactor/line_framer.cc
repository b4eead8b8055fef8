// The partial-line half of LineFramer: carrying a tail between reads, capped.
#include "reactor/line_framer.h"

namespace chatd::reactor {

bool LineFramer::carry_tail(const char* data, std::size_t n, std::size_t limit) {
  if (discarding_) return true;
  // One byte over the limit is allowed for the CR that may precede the LF.
  if (carry_.size() + n > limit + 1) {
    discarding_ = true;
    reset_carry();
    return false;
  }
  carry_.append(data, n);
  return true;
}

void LineFramer::reset_carry() {
  if (carry_.capacity() > kKeptCarryCapacity) {
    std::string().swap(carry_);
  } else {
    carry_.clear();
  }
}

}  // namespace chatd::reactor
