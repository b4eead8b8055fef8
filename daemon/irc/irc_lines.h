// IrcLines: builds one or more IRC lines into a single shared message. Each line
// is "[@TAGS ]HEAD[ :TRAILING]\r\n" with its body (HEAD and TRAILING) fitted
// into 512 bytes: the trailing parameter is cut at a UTF-8 boundary if need be.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "reactor/message.h"

namespace chatd::irc {

// A body of at most 510 bytes, plus CRLF.
inline constexpr std::size_t kMaxLineBody = 510;

class IrcLines {
 public:
  // `tags` (without '@') is put before every line; empty for none.
  explicit IrcLines(std::string_view tags = {}) : tags_(tags) {}

  // "HEAD :TRAILING": the trailing parameter, always with its ':'.
  void add(std::string_view head, std::string_view trailing);
  // "HEAD :OPEN TEXT CLOSE", with TEXT cut so that the line fits: a CTCP's
  // framing ("\x01ACTION ", "\x01") is never cut off.
  void add_framed(std::string_view head, std::string_view open, std::string_view text,
                  std::string_view close);
  // A line with no trailing parameter; a HEAD over 510 bytes is cut (only four
  // maximal ban masks in one MODE could make one).
  void add(std::string_view head);
  // Room left for a trailing parameter after `head`: 510 - |head| - 2.
  static std::size_t room_after(std::string_view head);

  bool empty() const { return buf_.size() == 0; }
  std::size_t size() const { return buf_.size(); }
  // Everything added, as one message (empty if nothing was).
  reactor::MessageRef message() const;

 private:
  void start_line();

  std::string_view tags_;
  // Room for a few lines on the stack: most renderings need no heap but their block.
  fmt::basic_memory_buffer<char, 2048> buf_;
};

// A word a client sent, made safe to echo back as one parameter of a reply
// (the nick of a 433, the room of a 403): sanitized, cut at its first space and
// to 64 bytes, and "*" if nothing is left, so the parameters never shift.
std::string echoed(std::string_view word);

// One line: ":srv 001 alice :Welcome..." and the like.
reactor::MessageRef irc_line(std::string_view head, std::string_view trailing);

}  // namespace chatd::irc
