// The IRC line grammar: [@tags SPACE] [:source SPACE] command {SPACE param}.
#include "daemon/irc/irc_message.h"

namespace chatd::irc {
namespace {

// Skips spaces; the grammar allows only ' ' between words (RFC 1459 <SPACE>).
std::size_t skip_spaces(std::string_view s, std::size_t i) {
  while (i < s.size() && s[i] == ' ')
    ++i;
  return i;
}

std::size_t word_end(std::string_view s, std::size_t i) {
  const std::size_t sp = s.find(' ', i);
  return sp == std::string_view::npos ? s.size() : sp;
}

}  // namespace

ParseResult parse_message(std::string_view line, IrcMessage& out) {
  out = IrcMessage{};
  std::size_t i = skip_spaces(line, 0);
  if (i < line.size() && line[i] == '@') {
    const std::size_t end = word_end(line, i);
    out.tags = line.substr(i + 1, end - i - 1);
    if (out.tags.size() + 2 > kMaxTagSectionBytes) return ParseResult::kTooLong;
    i = skip_spaces(line, end);
  }
  const std::size_t body_start = i;
  if (line.size() - body_start > kMaxBodyBytes) return ParseResult::kTooLong;
  if (i < line.size() && line[i] == ':') {
    const std::size_t end = word_end(line, i);
    out.source = line.substr(i + 1, end - i - 1);
    i = skip_spaces(line, end);
  }
  if (i >= line.size()) return ParseResult::kEmpty;
  const std::size_t command_end = word_end(line, i);
  out.command = line.substr(i, command_end - i);
  i = skip_spaces(line, command_end);
  while (i < line.size()) {
    if (line[i] == ':' || out.param_count == kMaxParams - 1) {
      const std::size_t from = line[i] == ':' ? i + 1 : i;
      out.params[out.param_count++] = line.substr(from);
      break;
    }
    const std::size_t end = word_end(line, i);
    out.params[out.param_count++] = line.substr(i, end - i);
    i = skip_spaces(line, end);
  }
  return ParseResult::kOk;
}

bool equals_command(std::string_view command, std::string_view upper) {
  if (command.size() != upper.size()) return false;
  for (std::size_t i = 0; i < command.size(); ++i) {
    char c = command[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != upper[i]) return false;
  }
  return true;
}

}  // namespace chatd::irc
