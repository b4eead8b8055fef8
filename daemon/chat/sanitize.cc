// sanitize_text: one forward scan that follows the Unicode well-formed byte
// sequence table (ch. 3, Table 3-7) and copies only when something must change.
#include "daemon/chat/sanitize.h"

#include <algorithm>
#include <cstddef>

namespace chatd {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// One step of the scan over a non-ASCII lead byte: a decoded code point, or one
// maximal subpart of an ill-formed sequence (`len` bytes, always >= 1).
struct Step {
  char32_t cp;
  std::size_t len;
  bool valid;
};

// The sequence length a lead byte announces and the range its *second* byte must
// fall in. Narrowing that one range is what rejects overlongs (E0 80..9F, F0
// 80..8F), surrogates (ED A0..BF) and code points above U+10FFFF (F4 90..BF)
// before anything is decoded, so the first byte that breaks the pattern is also
// where the maximal subpart ends.
struct Lead {
  std::size_t len;
  unsigned char lo;
  unsigned char hi;
};

Lead lead_of(unsigned char b) {
  if (b >= 0xC2 && b <= 0xDF) return {2, 0x80, 0xBF};
  if (b == 0xE0) return {3, 0xA0, 0xBF};
  if (b == 0xED) return {3, 0x80, 0x9F};
  if (b >= 0xE1 && b <= 0xEF) return {3, 0x80, 0xBF};
  if (b == 0xF0) return {4, 0x90, 0xBF};
  if (b >= 0xF1 && b <= 0xF3) return {4, 0x80, 0xBF};
  if (b == 0xF4) return {4, 0x80, 0x8F};
  return {0, 0, 0};  // 80..C1 and F5..FF never start a well-formed sequence
}

Step decode(std::string_view s, std::size_t i) {
  const auto first = static_cast<unsigned char>(s[i]);
  const Lead lead = lead_of(first);
  if (lead.len == 0) return {0, 1, false};
  char32_t cp = first & (0x7Fu >> lead.len);
  for (std::size_t k = 1; k < lead.len; ++k) {
    // Running out of text is just another place the pattern breaks.
    if (i + k >= s.size()) return {0, k, false};
    const auto b = static_cast<unsigned char>(s[i + k]);
    const unsigned char lo = k == 1 ? lead.lo : 0x80;
    const unsigned char hi = k == 1 ? lead.hi : 0xBF;
    if (b < lo || b > hi) return {0, k, false};
    cp = (cp << 6) | (b & 0x3Fu);
  }
  return {cp, lead.len, true};
}

bool is_removed_code_point(char32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

bool is_kept_ascii(unsigned char b, Controls keep) {
  return (b >= 0x20 && b != 0x7F) || b == '\t' ||
         (keep == Controls::kKeepIrcFormatting && is_irc_formatting(b));
}

// Length of the longest prefix of `s` that sanitising leaves as it is.
std::size_t clean_prefix(std::string_view s, Controls keep) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (!is_kept_ascii(b, keep)) return i;
      ++i;
      continue;
    }
    const Step step = decode(s, i);
    if (!step.valid || is_removed_code_point(step.cp)) return i;
    i += step.len;
  }
  return i;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// How many bytes after a colour code (0x03) belong to it: "4", "04", "4,12"...
std::size_t colour_digits(std::string_view s) {
  std::size_t n = 0;
  while (n < 2 && n < s.size() && is_digit(s[n]))
    ++n;
  if (n == 0 || n >= s.size() || s[n] != ',' || n + 1 >= s.size() || !is_digit(s[n + 1])) return n;
  std::size_t m = n + 1;
  while (m < n + 3 && m < s.size() && is_digit(s[m]))
    ++m;
  return m;
}

}  // namespace

bool is_irc_formatting(unsigned char b) {
  switch (b) {
    case 0x02:
    case 0x03:
    case 0x0F:
    case 0x11:
    case 0x16:
    case 0x1D:
    case 0x1E:
    case 0x1F:
      return true;
    default:
      return false;
  }
}

bool is_clean_text(std::string_view in, Controls keep) {
  return clean_prefix(in, keep) == in.size();
}

std::string_view cut_utf8(std::string_view text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t cut = max;
  // Back off over continuation bytes to the start of the sequence text[cut] is in.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;
  return text.substr(0, cut);
}

std::string user_text(std::string_view typed, std::size_t max_bytes) {
  std::string scratch;
  return std::string(
      cut_utf8(sanitize_text(typed, scratch, Controls::kKeepIrcFormatting), max_bytes));
}

std::string_view strip_formatting(std::string_view in, std::string& scratch) {
  const auto formatting = [](char c) { return is_irc_formatting(static_cast<unsigned char>(c)); };
  auto first = std::find_if(in.begin(), in.end(), formatting);
  if (first == in.end()) return in;
  scratch.assign(in.begin(), first);
  for (std::size_t i = static_cast<std::size_t>(first - in.begin()); i < in.size();) {
    const char c = in[i++];
    if (!formatting(c)) {
      scratch += c;
    } else if (c == 0x03) {
      i += colour_digits(in.substr(i));
    }
  }
  return scratch;
}

std::string_view sanitize_text(std::string_view in, std::string& scratch, Controls keep) {
  std::size_t i = clean_prefix(in, keep);
  if (i == in.size()) return in;
  scratch.clear();
  scratch.reserve(in.size() + kReplacement.size());
  scratch.append(in.substr(0, i));
  while (i < in.size()) {
    // in[i] starts a unit that must change: drop it or replace it, then copy the
    // clean run after it in one append.
    const auto b = static_cast<unsigned char>(in[i]);
    if (b < 0x80) {
      ++i;
    } else {
      const Step step = decode(in, i);
      if (!step.valid) scratch.append(kReplacement);
      i += step.len;
    }
    const std::size_t run = clean_prefix(in.substr(i), keep);
    scratch.append(in.substr(i, run));
    i += run;
  }
  return scratch;
}

}  // namespace chatd
