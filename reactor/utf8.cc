// Strict UTF-8 validation, one sequence at a time with an ASCII fast path.
#include "reactor/utf8.h"

#include <cstddef>
#include <cstdint>

namespace chatd::reactor {
namespace {

bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// The length of the valid sequence at `p` (of `left` bytes), or 0.
std::size_t sequence_length(const unsigned char* p, std::size_t left) {
  const unsigned char lead = p[0];
  if (lead < 0xC2) return 0;  // a continuation byte, or an overlong two-byte form
  if (lead < 0xE0) return left >= 2 && is_continuation(p[1]) ? 2 : 0;
  if (lead < 0xF0) {
    if (left < 3 || !is_continuation(p[1]) || !is_continuation(p[2])) return 0;
    if (lead == 0xE0 && p[1] < 0xA0) return 0;   // overlong
    if (lead == 0xED && p[1] >= 0xA0) return 0;  // U+D800..DFFF
    return 3;
  }
  if (lead > 0xF4 || left < 4) return 0;
  if (!is_continuation(p[1]) || !is_continuation(p[2]) || !is_continuation(p[3])) return 0;
  if (lead == 0xF0 && p[1] < 0x90) return 0;   // overlong
  if (lead == 0xF4 && p[1] >= 0x90) return 0;  // above U+10FFFF
  return 4;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t left = text.size();
  while (left != 0) {
    if (*p < 0x80) {
      ++p;
      --left;
      continue;
    }
    const std::size_t n = sequence_length(p, left);
    if (n == 0) return false;
    p += n;
    left -= n;
  }
  return true;
}

}  // namespace chatd::reactor
