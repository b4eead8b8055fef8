// Masks: "nick!user@host" patterns with '*' and '?' (bans, WHO), matched
// ignoring ASCII case like nicks and rooms are.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace chatd {

class User;

inline constexpr std::size_t kMaxMaskLength = 120;

// Whether `text` matches the glob `mask` ('*' any run, '?' any one byte).
// Linear in practice: one backtracking point, as in every IRC server.
bool mask_matches(std::string_view mask, std::string_view text);

// A ban mask in its full form: "alice" is "alice!*@*", "*@host" is "*!*@host",
// "alice!x" is "alice!x@*". Empty when `mask` cannot be one (empty, too long,
// anything but printable ASCII, a leading ':', or more than one '!' or '@').
std::string normalize_mask(std::string_view mask);

// "nick!ident@host": what bans are matched against.
std::string full_mask(const User& u);

}  // namespace chatd
