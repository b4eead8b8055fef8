// Removes telnet IAC command sequences from an incoming byte stream, in place, so
// that a `telnet` client's negotiation never reaches the line framer as text.
#pragma once

#include <cstddef>
#include <cstdint>

namespace chatd::reactor {

// Sequences consumed (RFC 854): IAC WILL/WONT/DO/DONT x (3 bytes), IAC SB ... IAC SE
// (subnegotiation, any length), IAC IAC (a literal 0xFF byte, kept), and any other
// IAC x (2 bytes). The state survives across reads, so a sequence split between
// two reads is still consumed whole. A subnegotiation longer than
// kMaxSubnegotiation bytes is taken to be junk rather than telnet, and the filter
// returns to passing data, so stray 0xFF 0xFA bytes cannot silence a client forever.
class TelnetFilter {
 public:
  // Compacts data[0, n) in place and returns the number of bytes kept.
  std::size_t filter(char* data, std::size_t n);

  static constexpr std::uint16_t kMaxSubnegotiation = 512;

 private:
  enum class State : std::uint8_t { kData, kIac, kOption, kSub, kSubIac };
  State state_ = State::kData;
  std::uint16_t sub_bytes_ = 0;
};

}  // namespace chatd::reactor
