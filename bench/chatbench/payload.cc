// Payload stamps: fixed-width hex, written and parsed without allocation. Every
// delivery of a broadcast is parsed, so the reader decodes 8 digits per step
// (SWAR: SIMD within a register) instead of one.
#include "bench/chatbench/payload.h"

#include <cstring>

namespace chatd::bench {
namespace {

constexpr char kDigits[] = "0123456789abcdef";
constexpr std::uint64_t kLow = 0x0f0f0f0f0f0f0f0f;

char* put_hex(char* out, std::uint64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = kDigits[v & 0xf];
    v >>= 4;
  }
  return out + width;
}

// Whether all 8 bytes look like hex digits: a high nibble of 3 ('0'..'9') or 6
// ('a'..'f'). A few punctuation bytes pass too; a stamp is still framed by the
// magic byte and its length, so this only has to reject foreign text.
bool looks_hex(std::uint64_t chars) {
  // Per byte, t is 0x00 or 0x50 exactly when the high nibble is 3 or 6: bits 0x80
  // and 0x20 clear, and bit 0x40 equal to bit 0x10.
  const std::uint64_t t = (chars & ~kLow) ^ 0x3030303030303030;
  const std::uint64_t bad = (t & 0xa0a0a0a0a0a0a0a0) | (((t >> 2) ^ t) & 0x1010101010101010);
  return bad == 0;
}

// The value of 8 hex digits, the first one most significant.
std::uint32_t hex8(const char* in, bool& ok) {
  std::uint64_t chars;
  std::memcpy(&chars, in, sizeof chars);
  ok = ok && looks_hex(chars);
  const std::uint64_t letters = (chars & 0x4040404040404040) >> 6;    // 1 in each 'a'..'f' byte
  std::uint64_t x = __builtin_bswap64((chars & kLow) + letters * 9);  // nibbles, first on top
  x = ((x >> 4) | x) & 0x00ff00ff00ff00ff;
  x = ((x >> 8) | x) & 0x0000ffff0000ffff;
  x = ((x >> 16) | x) & 0x00000000ffffffff;
  return static_cast<std::uint32_t>(x);
}

}  // namespace

void write_payload(const Stamp& s, char* out, std::size_t size) {
  char* p = out;
  *p++ = kStampMagic;
  p = put_hex(p, s.sender, 4);
  p = put_hex(p, s.seq, 12);
  p = put_hex(p, s.scheduled_ns, 12);
  p = put_hex(p, s.sent_ns, 12);
  std::memset(p, '.', size - kStampBytes);
}

// Five groups of 8 digits: [sender:4 seq:4] [seq:8] [sched:8] [sched:4 sent:4] [sent:8].
bool read_payload(std::string_view text, Stamp& out) {
  if (text.size() < kStampBytes || text[0] != kStampMagic) return false;
  const char* p = text.data() + 1;
  bool ok = true;
  const std::uint64_t g0 = hex8(p, ok), g1 = hex8(p + 8, ok), g2 = hex8(p + 16, ok),
                      g3 = hex8(p + 24, ok), g4 = hex8(p + 32, ok);
  out.sender = static_cast<std::uint32_t>(g0 >> 16);
  out.seq = ((g0 & 0xffff) << 32) | g1;
  out.scheduled_ns = (g2 << 16) | (g3 >> 16);
  out.sent_ns = ((g3 & 0xffff) << 32) | g4;
  return ok;
}

}  // namespace chatd::bench
