// IrcMessage: one received IRC line split into tags, source, command and
// parameters (RFC 1459 section 2.3.1 and the IRCv3 message-tags grammar).
// Pure and allocation-free: every view points into the line it was given.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

namespace chatd::irc {

// RFC 1459 allows a body (source, command, parameters) of 510 bytes plus CRLF;
// chatd accepts up to 512 before the CRLF, for clients that count the limit as
// theirs. Tags are counted apart, as the message-tags spec asks: at most 8191
// bytes with their '@' and the space after them.
inline constexpr std::size_t kMaxBodyBytes = 512;
inline constexpr std::size_t kMaxTagSectionBytes = 8191;
inline constexpr std::size_t kMaxParams = 15;

struct IrcMessage {
  std::string_view tags;     // after '@', escaped as sent; empty if none
  std::string_view source;   // after ':'; clients rarely send one
  std::string_view command;  // as sent; compare with equals_command()
  std::array<std::string_view, kMaxParams> params{};
  std::size_t param_count = 0;

  std::span<const std::string_view> args() const { return {params.data(), param_count}; }
  // The i-th parameter, or an empty view if there are fewer.
  std::string_view arg(std::size_t i) const {
    return i < param_count && i < kMaxParams ? params[i] : std::string_view();
  }
};

enum class ParseResult { kOk, kEmpty, kTooLong };

// Splits `line` (without CR/LF). Runs of spaces separate parameters; one that
// starts with ':' is the last and takes the rest of the line, spaces and all.
// A 15th parameter takes the rest too, so nothing is silently dropped. kEmpty
// when there is no command (a blank line, or tags alone); kTooLong when the body
// or the tags are over their limits.
ParseResult parse_message(std::string_view line, IrcMessage& out);

// ASCII case-insensitive comparison with an upper-case command name.
bool equals_command(std::string_view command, std::string_view upper);

}  // namespace chatd::irc
