// Histogram: counts of values in fixed buckets, for whoever reports on them
// (the daemon's /metrics). Plain integers: everything runs on one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace chatd::reactor {

class Histogram {
 public:
  // `bounds`: the buckets' inclusive upper bounds, ascending; one more bucket
  // holds what is above the last. They must outlive the histogram.
  explicit Histogram(std::span<const double> bounds)
      : bounds_(bounds), counts_(bounds.size() + 1, 0) {}

  void record(double value) {
    std::size_t i = 0;
    while (i < bounds_.size() && value > bounds_[i])
      ++i;
    ++counts_[i];
    ++count_;
    sum_ += value;
  }

  std::span<const double> bounds() const { return bounds_; }
  // Per bucket, not cumulative; the last is above every bound.
  std::span<const std::uint64_t> counts() const { return counts_; }
  std::uint64_t count() const { return count_; }
  double sum() const { return sum_; }

 private:
  std::span<const double> bounds_;
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

}  // namespace chatd::reactor
