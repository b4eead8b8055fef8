// Specs for the Prometheus text writer: HELP and TYPE before samples, label escaping, and
// histograms as cumulative buckets ending in +Inf, with _sum and _count.
#include "daemon/metrics/prometheus_text.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace chatd {
namespace {

TEST(PrometheusText, FamilyLinesComeBeforeSamples) {
  PrometheusText t;
  t.family("chatd_users", "gauge", "Users in the chat.");
  t.sample("chatd_users", std::uint64_t{3});
  EXPECT_EQ(t.take(),
            "# HELP chatd_users Users in the chat.\n# TYPE chatd_users gauge\n"
            "chatd_users 3\n");
}

TEST(PrometheusText, EscapesLabelValues) {
  PrometheusText t;
  t.sample("x_total", std::uint64_t{1},
           {{"a", "back\\slash"}, {"b", "quote\"d"}, {"c", "new\nline"}});
  EXPECT_EQ(t.take(), "x_total{a=\"back\\\\slash\",b=\"quote\\\"d\",c=\"new\\nline\"} 1\n");
}

TEST(PrometheusText, HistogramsAreCumulativeWithInfSumAndCount) {
  static constexpr std::array<double, 3> kBounds = {1, 5, 10};
  reactor::Histogram h{kBounds};
  for (double v : {0.5, 1.0, 3.0, 7.0, 100.0})
    h.record(v);
  PrometheusText t;
  t.histogram("fan", "Fan-out.", h);
  EXPECT_EQ(t.take(),
            "# HELP fan Fan-out.\n# TYPE fan histogram\n"
            "fan_bucket{le=\"1\"} 2\nfan_bucket{le=\"5\"} 3\nfan_bucket{le=\"10\"} 4\n"
            "fan_bucket{le=\"+Inf\"} 5\nfan_sum 111.5\nfan_count 5\n");
}

TEST(PrometheusText, DoublesAreWrittenInFull) {
  PrometheusText t;
  t.sample("process_start_time_seconds", 1764650000.25);
  EXPECT_EQ(t.take(), "process_start_time_seconds 1764650000.25\n");
}

}  // namespace
}  // namespace chatd
