// Splits a received line into chat text or a command word and its arguments.
// Pure and allocation-free: every view points into the line it was given.
#pragma once

#include <string_view>
#include <utility>

namespace chatd {

struct ParsedLine {
  enum class Kind { kText, kCommand };
  Kind kind;
  std::string_view text;  // kText: what to relay ("//x" gives "/x"); may be empty
  std::string_view name;  // kCommand: the word after '/', as typed; empty for a bare "/"
  std::string_view args;  // kCommand: the rest, leading and trailing spaces and tabs trimmed
};

// A line not starting with '/' is text, relayed as received (no trimming: leading
// spaces can be deliberate). "//text" is the text "/text". "/word rest" is a
// command; the word ends at the first space or tab, so "/ x" has an empty name.
ParsedLine parse_line(std::string_view line);

// The first space- or tab-separated word of `s` and the rest, both trimmed:
// "bob  hi there " -> {"bob", "hi there"}. Either may be empty.
std::pair<std::string_view, std::string_view> split_word(std::string_view s);

// Spaces and tabs removed from both ends.
std::string_view trim_blanks(std::string_view s);

enum class CommandId {
  kNick,
  kJoin,
  kWho,
  kRooms,
  kMsg,
  kMe,
  kQuit,
  kHelp,
  kTopic,
  kKick,
  kOp,
  kDeop,
  kVoice,
  kDevoice,
  kBan,
  kUnban,
  kBans,
  kMode,
  kInvite,
  kOper,
  kKill,
  kKline,
  kUnkline,
  kKlines,
  kUnknown
};

// Matches a command word case-insensitively (ASCII), so "/NICK" and "/Nick" work.
// No abbreviations: "/j" is kUnknown, so a typo never runs the wrong command.
CommandId command_id(std::string_view name);

}  // namespace chatd
