// Telnet IAC stripping as a small state machine over the bytes of each read.
#include "reactor/telnet_filter.h"

#include <cstring>

namespace chatd::reactor {
namespace {
constexpr unsigned char kIac = 255;
constexpr unsigned char kSb = 250;
constexpr unsigned char kSe = 240;
constexpr unsigned char kWill = 251;
constexpr unsigned char kDont = 254;
}  // namespace

std::size_t TelnetFilter::filter(char* data, std::size_t n) {
  // Fast path: plain text with no sequence in progress is left untouched.
  if (state_ == State::kData && std::memchr(data, kIac, n) == nullptr) return n;

  std::size_t out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(data[i]);
    switch (state_) {
      case State::kData:
        if (c == kIac) {
          state_ = State::kIac;
        } else {
          data[out++] = data[i];
        }
        break;
      case State::kIac:
        if (c == kIac) {
          data[out++] = data[i];
          state_ = State::kData;
        } else if (c == kSb) {
          state_ = State::kSub;
          sub_bytes_ = 0;
        } else if (c >= kWill && c <= kDont) {
          state_ = State::kOption;
        } else {
          state_ = State::kData;
        }
        break;
      case State::kOption:
        state_ = State::kData;
        break;
      case State::kSub:
        if (c == kIac) {
          state_ = State::kSubIac;
        } else if (++sub_bytes_ > kMaxSubnegotiation) {
          state_ = State::kData;
        }
        break;
      case State::kSubIac:
        // IAC IAC inside a subnegotiation is an escaped data byte of it.
        state_ = (c == kSe) ? State::kData : State::kSub;
        break;
    }
  }
  return out;
}

}  // namespace chatd::reactor
