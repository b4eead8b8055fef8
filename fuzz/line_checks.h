// What the fuzz target checks on every line the framer hands out: the daemon's pure
// text code (command parser, sanitiser, nick and room rules) against its contracts.
#pragma once

#include <string_view>

namespace chatd::fuzz {

// Prints what failed and aborts, so libFuzzer saves the input as a crash. Not
// assert(): the checks must hold whatever NDEBUG says.
[[noreturn]] void fail(const char* what, const char* file, int line);

#define FUZZ_CHECK(cond) \
  ((cond) ? static_cast<void>(0) : ::chatd::fuzz::fail(#cond, __FILE__, __LINE__))

// Runs on `line` what Session::handle and the commands run on it (parse_line,
// command_id, split_word, sanitize_text, is_valid_nick, normalize_room, fold_case)
// and checks each result against its documented invariants and an independent model.
void check_line(std::string_view line);

}  // namespace chatd::fuzz
