// The text a broadcast sender sends: a fixed-width stamp (sender, sequence number,
// scheduled and actual send time) padded to the message size. Printable ASCII, so
// chatd's sanitiser passes it unchanged and it never contains RESP's CR or LF.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace chatd::bench {

// Times are nanoseconds since the run's epoch (see BroadcastShared), 48 bits wide.
struct Stamp {
  std::uint32_t sender = 0;        // 16 bits on the wire
  std::uint64_t seq = 0;           // 48 bits
  std::uint64_t scheduled_ns = 0;  // when it was due (open loop) or sent (closed loop)
  std::uint64_t sent_ns = 0;       // when it was actually written
};

//   ~ SSSS QQQQQQQQQQQQ TTTTTTTTTTTT UUUUUUUUUUUU ....padding....
//   ^ magic, then lower-case hex: sender, seq, scheduled, sent (no spaces on the
//   wire); 40 digits, so the reader decodes them eight at a time.
inline constexpr char kStampMagic = '~';
inline constexpr std::size_t kStampBytes = 1 + 4 + 12 + 12 + 12;
inline constexpr std::uint32_t kMaxSenders = 0xffff;

// Writes exactly `size` bytes (size >= kStampBytes) to `out`.
void write_payload(const Stamp& s, char* out, std::size_t size);
// Reads the stamp at the start of `text`; false if it is not a chatbench payload.
bool read_payload(std::string_view text, Stamp& out);

}  // namespace chatd::bench
