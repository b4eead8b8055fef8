// LatencyHistogram: a log-linear histogram of nanosecond values in HdrHistogram's
// layout (64 sub-buckets per power of two, so every value is known to within
// 1.6%). Recording is a few instructions; per-thread histograms merge at the end.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace chatd::bench {

//   index:  0 ... 127        | 128 ... 191        | 192 ... 255        | ...
//   value:  0 ... 127 exact  | 128 ... 255 step 2 | 256 ... 511 step 4 | ...
class LatencyHistogram {
 public:
  LatencyHistogram() : counts_(kBuckets, 0) {}

  void record(std::uint64_t value) {
    ++counts_[index_of(value)];
    ++count_;
    sum_ += value;
    if (value < min_) min_ = value;
    if (value > max_) max_ = value;
  }
  void merge(const LatencyHistogram& other);

  std::uint64_t count() const { return count_; }
  std::uint64_t min() const { return count_ == 0 ? 0 : min_; }
  std::uint64_t max() const { return max_; }
  double mean() const;
  // The smallest bucket bound v such that at least p percent (0..100) of the
  // recorded values are <= v; never more than max(). 0 when nothing was recorded.
  std::uint64_t percentile(double p) const;

  static std::size_t index_of(std::uint64_t v) {
    if (v < 2 * kSub) return static_cast<std::size_t>(v);
    const int shift = std::bit_width(v) - 1 - kSubBits;  // >= 1
    return static_cast<std::size_t>(2 * kSub + (shift - 1) * kSub + ((v >> shift) - kSub));
  }
  // The largest value that falls into bucket `index`.
  static std::uint64_t highest_in_bucket(std::size_t index);

 private:
  static constexpr int kSubBits = 6;
  static constexpr std::uint64_t kSub = std::uint64_t{1} << kSubBits;
  static constexpr std::size_t kBuckets = 2 * kSub + (64 - kSubBits - 1) * kSub;

  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::uint64_t sum_ = 0;
  std::uint64_t min_ = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t max_ = 0;
};

}  // namespace chatd::bench
