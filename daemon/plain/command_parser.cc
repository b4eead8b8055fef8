// Line splitting and command-word lookup; see command_parser.h.
#include "daemon/plain/command_parser.h"

#include <array>
#include <cstddef>

namespace chatd {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// Compares a typed word with a lower-case table entry, folding only A-Z.
bool equals_ascii_nocase(std::string_view typed, std::string_view lower) {
  if (typed.size() != lower.size()) return false;
  for (std::size_t i = 0; i < typed.size(); ++i) {
    char c = typed[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

struct CommandName {
  std::string_view name;
  CommandId id;
};

constexpr std::array<CommandName, 24> kCommands = {{
    {"nick", CommandId::kNick},       {"join", CommandId::kJoin},
    {"who", CommandId::kWho},         {"rooms", CommandId::kRooms},
    {"msg", CommandId::kMsg},         {"me", CommandId::kMe},
    {"quit", CommandId::kQuit},       {"help", CommandId::kHelp},
    {"topic", CommandId::kTopic},     {"kick", CommandId::kKick},
    {"op", CommandId::kOp},           {"deop", CommandId::kDeop},
    {"voice", CommandId::kVoice},     {"devoice", CommandId::kDevoice},
    {"ban", CommandId::kBan},         {"unban", CommandId::kUnban},
    {"bans", CommandId::kBans},       {"mode", CommandId::kMode},
    {"invite", CommandId::kInvite},   {"oper", CommandId::kOper},
    {"kill", CommandId::kKill},       {"kline", CommandId::kKline},
    {"unkline", CommandId::kUnkline}, {"klines", CommandId::kKlines},
}};

}  // namespace

std::string_view trim_blanks(std::string_view s) {
  std::size_t begin = 0;
  while (begin < s.size() && is_blank(s[begin]))
    ++begin;
  std::size_t end = s.size();
  while (end > begin && is_blank(s[end - 1]))
    --end;
  return s.substr(begin, end - begin);
}

std::pair<std::string_view, std::string_view> split_word(std::string_view s) {
  s = trim_blanks(s);
  std::size_t end = 0;
  while (end < s.size() && !is_blank(s[end]))
    ++end;
  return {s.substr(0, end), trim_blanks(s.substr(end))};
}

ParsedLine parse_line(std::string_view line) {
  if (line.empty() || line.front() != '/') {
    return {ParsedLine::Kind::kText, line, {}, {}};
  }
  if (line.size() >= 2 && line[1] == '/') {
    return {ParsedLine::Kind::kText, line.substr(1), {}, {}};
  }
  const std::string_view rest = line.substr(1);
  std::size_t end = 0;
  while (end < rest.size() && !is_blank(rest[end]))
    ++end;
  return {ParsedLine::Kind::kCommand, {}, rest.substr(0, end), trim_blanks(rest.substr(end))};
}

CommandId command_id(std::string_view name) {
  for (const CommandName& command : kCommands) {
    if (equals_ascii_nocase(name, command.name)) return command.id;
  }
  return CommandId::kUnknown;
}

}  // namespace chatd
