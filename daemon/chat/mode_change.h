// Room mode changes as both protocols ask for them ("+o-v alice bob", "+k key"),
// parsed into single changes the chat model applies one by one.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace chatd {

struct ModeChange {
  bool add;
  char letter;           // one of b k l o v, or a flag letter (i m n s t), or unknown
  std::string_view arg;  // empty when the letter takes none, or none was given
};

// At most this many changes that take an argument are applied per command
// (ISUPPORT MODES); the rest are ignored, as IRC servers do.
inline constexpr std::size_t kMaxModeArgs = 4;

// Whether `letter` takes an argument when added / removed (o v b k: both; l: added).
bool mode_takes_arg(char letter, bool add);

// Splits "+ov-t" with `args` {"alice", "bob"} into {+o alice, +v bob, -t}. A
// letter that needs an argument and has none left gets an empty one (the model
// reports it, or lists bans for a bare 'b'). Stops after kMaxModeArgs letters
// that took one; further letters with arguments are dropped.
std::vector<ModeChange> parse_mode_changes(std::string_view modes,
                                           std::span<const std::string_view> args);

}  // namespace chatd
