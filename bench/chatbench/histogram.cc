// LatencyHistogram: merging, percentiles and bucket bounds.
#include "bench/chatbench/histogram.h"

#include <algorithm>
#include <cmath>

namespace chatd::bench {

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < kBuckets; ++i)
    counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

double LatencyHistogram::mean() const {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_);
}

std::uint64_t LatencyHistogram::percentile(double p) const {
  if (count_ == 0) return 0;
  const double wanted = std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(count_));
  const std::uint64_t rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(wanted));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(highest_in_bucket(i), max_);
  }
  return max_;
}

std::uint64_t LatencyHistogram::highest_in_bucket(std::size_t index) {
  if (index < 2 * kSub) return index;
  const std::size_t shift = (index - 2 * kSub) / kSub + 1;
  const std::uint64_t sub = (index - 2 * kSub) % kSub + kSub;
  if (shift + kSubBits + 1 >= 64 && sub + 1 == 2 * kSub) {
    return std::numeric_limits<std::uint64_t>::max();
  }
  return ((sub + 1) << shift) - 1;
}

}  // namespace chatd::bench
