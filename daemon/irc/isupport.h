// ISUPPORT (RPL_ISUPPORT, 005): the limits and syntax clients rely on, built
// from chatd's own rules so that they can never disagree with what it enforces.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace chatd::irc {

// Tokens per 005 line, so each stays well inside 512 bytes.
inline constexpr std::size_t kTokensPerLine = 13;

// Every token, e.g. "CASEMAPPING=ascii", "CHANLIMIT=#:50", "NETWORK=chatd".
std::vector<std::string> isupport_tokens(std::string_view network, std::size_t max_rooms);

}  // namespace chatd::irc
