// The chatd lines the soak reads (DESIGN's plain mode), parsed into views of the line, and the
// check that text relayed to other users was sanitised.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace soak {

inline constexpr std::string_view kShutdownLine = "*** server shutting down";
inline constexpr std::string_view kTooSlowReason = "too slow to receive";
inline constexpr std::string_view kClosedReason = "connection closed";

struct Said {  // `<nick> text`
  std::string_view nick;
  std::string_view text;
};
struct Quit {  // `*** nick quit (reason)`
  std::string_view nick;
  std::string_view reason;
};
struct Join {  // `*** nick joined #room`
  std::string_view nick;
  std::string_view room;
};

std::optional<Said> parse_said(std::string_view line);
std::optional<Quit> parse_quit(std::string_view line);
std::optional<Join> parse_join(std::string_view line);
// `*** N users in #room: a b c` or `*** 1 user in #room: a` (the first line of a /who reply).
bool is_who_header(std::string_view line, std::string_view room);
bool is_line_too_long(std::string_view line);

// Why `text` could not have come out of chatd's sanitiser (invalid UTF-8, a C0 control other
// than TAB, DEL, a C1 control, a bidi override or isolate, or nothing at all), or "" if clean.
std::string sanitize_violation(std::string_view text);

}  // namespace soak
