// Nick and room-name validation and ASCII case folding; see names.h.
#include "daemon/chat/names.h"

namespace chatd {
namespace {

// Locale-free on purpose: <cctype> follows the C locale and would take bytes
// above 0x7F as letters under some of them.
bool is_ascii_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_ascii_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_nick_char(char c) {
  if (is_ascii_letter(c) || is_ascii_digit(c)) return true;
  switch (c) {
    case '-':
    case '_':
    case '[':
    case ']':
    case '{':
    case '}':
    case '\\':
    case '|':
    case '^':
    case '`':
      return true;
    default:
      return false;
  }
}

bool is_room_char(char c) {
  return is_ascii_letter(c) || is_ascii_digit(c) || c == '-' || c == '_' || c == '.';
}

}  // namespace

bool is_valid_nick(std::string_view nick) {
  if (nick.empty() || nick.size() > kMaxNickLength) return false;
  if (is_ascii_digit(nick.front()) || nick.front() == '-') return false;
  for (char c : nick) {
    if (!is_nick_char(c)) return false;
  }
  return true;
}

std::optional<std::string> normalize_room(std::string_view name) {
  if (!name.empty() && name.front() == '#') name.remove_prefix(1);
  if (name.empty() || name.size() > kMaxRoomNameLength) return std::nullopt;
  for (char c : name) {
    if (!is_room_char(c)) return std::nullopt;
  }
  std::string room;
  room.reserve(name.size() + 1);
  room += '#';
  room += name;
  return room;
}

bool is_valid_room_name(std::string_view name) {
  return name.starts_with('#') && normalize_room(name).has_value();
}

std::string fold_case(std::string_view s) {
  std::string folded(s);
  for (char& c : folded) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return folded;
}

}  // namespace chatd
