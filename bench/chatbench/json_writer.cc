// JsonWriter: layout and escaping.
#include "bench/chatbench/json_writer.h"

#include <fmt/format.h>

#include <cassert>
#include <cmath>

namespace chatd::bench {
namespace {

void append_escaped(std::string& out, std::string_view s) {
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
    } else {
      out += ch;
    }
  }
  out += '"';
}

}  // namespace

void JsonWriter::start_item(std::string_view key) {
  if (!closers_.empty()) {
    out_ += first_ ? "\n" : ",\n";
    out_.append(2 * closers_.size(), ' ');
  }
  first_ = false;
  if (!closers_.empty() && closers_.back() == '}') {
    append_escaped(out_, key);
    out_ += ": ";
  }
}

JsonWriter& JsonWriter::open(std::string_view key, char bracket) {
  start_item(key);
  out_ += bracket;
  closers_.push_back(bracket == '{' ? '}' : ']');
  first_ = true;
  return *this;
}

JsonWriter& JsonWriter::open_object(std::string_view key) {
  return open(key, '{');
}

JsonWriter& JsonWriter::open_array(std::string_view key) {
  return open(key, '[');
}

JsonWriter& JsonWriter::close() {
  assert(!closers_.empty());
  const char closer = closers_.back();
  closers_.pop_back();
  if (!first_) {
    out_ += '\n';
    out_.append(2 * closers_.size(), ' ');
  }
  out_ += closer;
  first_ = false;
  if (closers_.empty()) out_ += '\n';
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view key, std::string_view v) {
  start_item(key);
  append_escaped(out_, v);
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view key, double v) {
  start_item(key);
  if (std::isfinite(v)) {
    fmt::format_to(std::back_inserter(out_), "{}", v);
  } else {
    out_ += "null";
  }
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view key, std::uint64_t v) {
  start_item(key);
  fmt::format_to(std::back_inserter(out_), "{}", v);
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view key, bool v) {
  start_item(key);
  out_ += v ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null(std::string_view key) {
  start_item(key);
  out_ += "null";
  return *this;
}

}  // namespace chatd::bench
