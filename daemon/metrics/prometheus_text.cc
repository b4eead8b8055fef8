// The text format's escaping and number rules.
#include "daemon/metrics/prometheus_text.h"

namespace chatd {
namespace {

void append_escaped(fmt::memory_buffer& out, std::string_view value) {
  for (const char c : value) {
    if (c == '\\') {
      out.append(std::string_view("\\\\"));
    } else if (c == '"') {
      out.append(std::string_view("\\\""));
    } else if (c == '\n') {
      out.append(std::string_view("\\n"));
    } else {
      out.push_back(c);
    }
  }
}

}  // namespace

void PrometheusText::family(std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out_), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void PrometheusText::name_and_labels(std::string_view name, Labels labels, std::string_view le) {
  out_.append(name);
  if (labels.size() == 0 && le.empty()) return;
  out_.push_back('{');
  bool first = true;
  for (const auto& [label, value] : labels) {
    if (!first) out_.push_back(',');
    first = false;
    out_.append(label);
    out_.append(std::string_view("=\""));
    append_escaped(out_, value);
    out_.push_back('"');
  }
  if (!le.empty()) {
    if (!first) out_.push_back(',');
    fmt::format_to(std::back_inserter(out_), "le=\"{}\"", le);
  }
  out_.push_back('}');
}

void PrometheusText::sample(std::string_view name, double value, Labels labels) {
  name_and_labels(name, labels);
  fmt::format_to(std::back_inserter(out_), " {}\n", value);
}

void PrometheusText::sample(std::string_view name, std::uint64_t value, Labels labels) {
  name_and_labels(name, labels);
  fmt::format_to(std::back_inserter(out_), " {}\n", value);
}

void PrometheusText::histogram(std::string_view name, std::string_view help,
                               const reactor::Histogram& h) {
  family(name, "histogram", help);
  const std::string bucket = fmt::format("{}_bucket", name);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < h.bounds().size(); ++i) {
    cumulative += h.counts()[i];
    name_and_labels(bucket, {}, fmt::format("{}", h.bounds()[i]));
    fmt::format_to(std::back_inserter(out_), " {}\n", cumulative);
  }
  name_and_labels(bucket, {}, "+Inf");
  fmt::format_to(std::back_inserter(out_), " {}\n", h.count());
  fmt::format_to(std::back_inserter(out_), "{}_sum {}\n{}_count {}\n", name, h.sum(), name,
                 h.count());
}

}  // namespace chatd
