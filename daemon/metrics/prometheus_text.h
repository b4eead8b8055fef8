// PrometheusText: the Prometheus text exposition format, version 0.0.4: one
// HELP and one TYPE line per family before its samples, label values escaped,
// histograms as cumulative buckets ending in le="+Inf", then _sum and _count.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "reactor/histogram.h"

namespace chatd {

class PrometheusText {
 public:
  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

  using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  // "counter", "gauge" or "histogram".
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, double value, Labels labels = {});
  void sample(std::string_view name, std::uint64_t value, Labels labels = {});
  // A whole family, from a histogram recorded in the family's base unit.
  void histogram(std::string_view name, std::string_view help, const reactor::Histogram& h);

  std::string take() { return fmt::to_string(out_); }

 private:
  void name_and_labels(std::string_view name, Labels labels, std::string_view le = {});

  fmt::memory_buffer out_;
};

}  // namespace chatd
