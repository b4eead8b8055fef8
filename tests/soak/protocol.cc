// Line parsing and the sanitiser check (see protocol.h).
#include "tests/soak/protocol.h"

#include <fmt/format.h>

#include <cstdint>

namespace soak {
namespace {

constexpr std::string_view kNotice = "*** ";

// The lead byte of a multi-byte UTF-8 sequence: its mask and value, the sequence's length,
// and the smallest code point that needs that length (anything below is overlong).
struct Lead {
  unsigned char mask;
  unsigned char value;
  std::size_t len;
  char32_t min;
};
constexpr Lead kLeads[] = {{0xE0, 0xC0, 2, 0x80}, {0xF0, 0xE0, 3, 0x800}, {0xF8, 0xF0, 4, 0x10000}};

// Decodes one UTF-8 sequence at the front of `s`: its code point and length, or nullopt
// when it is not well-formed (overlong, surrogate, beyond U+10FFFF, truncated).
std::optional<std::pair<char32_t, std::size_t>> decode_utf8(std::string_view s) {
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return std::pair{char32_t{b0}, std::size_t{1}};
  for (const Lead& lead : kLeads) {
    if ((b0 & lead.mask) != lead.value) continue;
    if (s.size() < lead.len) return std::nullopt;
    char32_t cp = b0 & static_cast<unsigned char>(~lead.mask);
    for (std::size_t i = 1; i < lead.len; ++i) {
      const auto b = static_cast<unsigned char>(s[i]);
      if ((b & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < lead.min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    return std::pair{cp, lead.len};
  }
  return std::nullopt;
}

bool forbidden(char32_t cp) {
  if (cp == U'\t') return false;
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

std::optional<Said> parse_said(std::string_view line) {
  if (!line.starts_with('<')) return std::nullopt;
  const auto close = line.find("> ");
  if (close == std::string_view::npos || close < 2) return std::nullopt;
  return Said{line.substr(1, close - 1), line.substr(close + 2)};
}

std::optional<Quit> parse_quit(std::string_view line) {
  if (!line.starts_with(kNotice) || !line.ends_with(')')) return std::nullopt;
  line.remove_prefix(kNotice.size());
  const auto space = line.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  std::string_view rest = line.substr(space);
  if (!rest.starts_with(" quit (")) return std::nullopt;
  rest.remove_prefix(7);
  rest.remove_suffix(1);
  return Quit{line.substr(0, space), rest};
}

std::optional<Join> parse_join(std::string_view line) {
  if (!line.starts_with(kNotice)) return std::nullopt;
  line.remove_prefix(kNotice.size());
  const auto at = line.find(" joined #");
  if (at == std::string_view::npos || line.find(' ') != at) return std::nullopt;
  return Join{line.substr(0, at), line.substr(at + 8)};
}

bool is_who_header(std::string_view line, std::string_view room) {
  if (!line.starts_with(kNotice)) return false;
  constexpr std::string_view kMany = " users in ", kOne = " user in ";
  std::size_t at = line.find(kMany), skip = kMany.size();
  if (at == std::string_view::npos) {
    at = line.find(kOne);
    skip = kOne.size();
  }
  if (at == std::string_view::npos) return false;
  std::string_view rest = line.substr(at + skip);  // "#room:" then the first names, if any
  if (!rest.starts_with(room)) return false;
  rest.remove_prefix(room.size());
  return rest == ":" || rest.starts_with(": ");
}

bool is_line_too_long(std::string_view line) {
  return line.starts_with("! line too long");
}

std::string sanitize_violation(std::string_view text) {
  if (text.empty()) return "an empty line was relayed";
  for (std::size_t i = 0; i < text.size();) {
    const auto cp = decode_utf8(text.substr(i));
    if (!cp) return fmt::format("invalid UTF-8 at byte {}", i);
    if (forbidden(cp->first)) {
      return fmt::format("U+{:04X} at byte {}", static_cast<std::uint32_t>(cp->first), i);
    }
    i += cp->second;
  }
  return {};
}

}  // namespace soak
