// sanitize_text: one forward scan that follows the Unicode well-formed byte
// sequence table (ch. 3, Table 3-7) and copies only when something must change.
#include "daemon/sanitize.h"

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

bool is_kept_ascii(unsigned char b) {
  return (b >= 0x20 && b != 0x7F) || b == '\t';
}

// Length of the longest prefix of `s` that sanitising leaves as it is.
std::size_t clean_prefix(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (!is_kept_ascii(b)) return i;
      ++i;
      continue;
    }
    const Step step = decode(s, i);
    if (!step.valid || is_removed_code_point(step.cp)) return i;
    i += step.len;
  }
  return i;
}

}  // namespace

bool is_clean_text(std::string_view in) {
  return clean_prefix(in) == in.size();
}

std::string_view sanitize_text(std::string_view in, std::string& scratch) {
  std::size_t i = clean_prefix(in);
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
    const std::size_t run = clean_prefix(in.substr(i));
    scratch.append(in.substr(i, run));
    i += run;
  }
  return scratch;
}

}  // namespace chatd
