// Splits an incoming byte stream into LF-terminated lines, in place where it can:
// complete lines are handed out as views into the read buffer, and only a
// trailing partial line is copied into the carry buffer.
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace chatd::reactor {

// A Sink has `bool on_line(std::string_view)` and `bool on_overlong()` (called once
// for each line longer than the limit; that line is discarded up to its LF, across
// any number of feeds). Either returns false to stop feeding, e.g. after the
// connection closed or paused. A CR before the LF is removed; the limit counts the bytes of
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
  // Keeps a partial line; false (and discarding from here) if it grew too long.
  bool carry_tail(const char* data, std::size_t n, std::size_t limit);
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
      if (!carry_tail(data + pos, n - pos, limit)) sink.on_overlong();
      return n;
    }
    const std::size_t len = static_cast<std::size_t>(nl - (data + pos));
    const std::size_t next = pos + len + 1;
    if (discarding_) {
      discarding_ = false;
      pos = next;
      continue;
    }
    const std::string_view tail(data + pos, len);
    const bool cr = tail.empty() ? carry_.ends_with('\r') : tail.ends_with('\r');
    bool keep_going;
    // Measured before joining, so the rest of an over-long line is never copied.
    if (carry_.size() + tail.size() - (cr ? 1 : 0) > limit) {
      keep_going = sink.on_overlong();
    } else {
      std::string_view line = tail;
      if (!carry_.empty()) {
        carry_.append(tail);
        line = carry_;
      }
      if (cr) line.remove_suffix(1);
      keep_going = sink.on_line(line);
    }
    if (!carry_.empty()) reset_carry();
    pos = next;
    if (!keep_going) return pos;
  }
  return n;
}

}  // namespace chatd::reactor
