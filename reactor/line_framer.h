// Splits an incoming byte stream into LF-terminated lines, in place where it can:
// complete lines are handed out as views into the read buffer, and only a
// trailing partial line is copied into the carry buffer.
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace chatd::reactor {

// A Sink has `bool on_line(std::string_view)` (return false to stop feeding, e.g.
// after the connection closed or paused) and `void on_overlong()` (called once for
// each line longer than the limit; that line is discarded up to its LF, across any
// number of feeds). A CR before the LF is removed; the limit counts the bytes of
// the line without it. The carry buffer never holds more than limit + 1 bytes.
class LineFramer {
 public:
  // Returns how many bytes of data[0, n) were consumed: n, unless the sink
  // stopped early, in which case the caller owns the unconsumed tail.
  template <class Sink>
  std::size_t feed(const char* data, std::size_t n, std::size_t limit, Sink& sink);

  bool has_partial_line() const { return !carry_.empty(); }

 private:
  static constexpr std::size_t kKeptCarryCapacity = 64;
  void carry_tail(const char* data, std::size_t n, std::size_t limit, bool& overlong);
  void reset_carry();

  std::string carry_;
  bool discarding_ = false;
};

template <class Sink>
std::size_t LineFramer::feed(const char* data, std::size_t n, std::size_t limit, Sink& sink) {
  std::size_t pos = 0;
  while (pos < n) {
    const auto* nl = static_cast<const char*>(std::memchr(data + pos, '\n', n - pos));
    if (nl == nullptr) {
      bool overlong = false;
      carry_tail(data + pos, n - pos, limit, overlong);
      if (overlong) sink.on_overlong();
      return n;
    }
    const std::size_t len = static_cast<std::size_t>(nl - (data + pos));
    const std::size_t next = pos + len + 1;
    if (discarding_) {
      discarding_ = false;
      pos = next;
      continue;
    }
    std::string_view line(data + pos, len);
    if (!carry_.empty()) {
      carry_.append(line);
      line = carry_;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    bool keep_going = true;
    if (line.size() > limit) {
      sink.on_overlong();
    } else {
      keep_going = sink.on_line(line);
    }
    if (!carry_.empty()) reset_carry();
    pos = next;
    if (!keep_going) return pos;
  }
  return n;
}

}  // namespace chatd::reactor
