// What the fuzz target checks on every line as IRC: the message parser, tag
// escaping and client-tag filtering, text splitting, mode parsing and ban masks,
// each against its documented invariants and an independent model.
#pragma once

#include <string_view>

namespace chatd::fuzz {

void check_irc_line(std::string_view line);

}  // namespace chatd::fuzz
