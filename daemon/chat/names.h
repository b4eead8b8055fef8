// Nick and room-name rules, and the case folding that makes both unique
// case-insensitively. IRC-compatible on purpose (DESIGN "Nicks", "Rooms").
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace chatd {

inline constexpr std::size_t kMaxNickLength = 30;
inline constexpr std::size_t kMaxRoomNameLength = 50;  // without the leading '#'

// 1-30 of ASCII letters, digits and - _ [ ] { } \ | ^ ` ; the first is not a digit
// or '-'. No '*', so no user line can pass for a private message or a /me, and
// no '#', so a nick can never be read as a room.
bool is_valid_nick(std::string_view nick);

// Accepts "dev" or "#dev" and returns "#dev", with the case as typed, when the
// part after the '#' is 1-50 of ASCII letters, digits, '-', '_' and '.';
// nullopt otherwise.
std::optional<std::string> normalize_room(std::string_view name);

// True for "#" followed by what normalize_room accepts: the strict form IRC
// uses (CHANTYPES=#), where "dev" is not a room.
bool is_valid_room_name(std::string_view name);

// ASCII A-Z to a-z, every other byte unchanged: the registry key for nicks and
// rooms. Deliberately not the rfc1459 mapping ([ ] \ as { } |) and not Unicode
// folding: both names are ASCII-only and "Alice" vs "alice" is what users expect.
std::string fold_case(std::string_view s);

}  // namespace chatd
