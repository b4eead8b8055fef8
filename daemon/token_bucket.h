// Flood control: a token bucket of `rate` lines per second holding at most `burst`
// lines. Header-only and pure; the caller supplies the time (loop ms, monotonic).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace chatd {

// Every session holds one, so it is kept to 24 bytes: rate and burst as float
// (a lines-per-second setting needs no more precision), the token count as double
// (it accumulates many small refills, which float would round away) and the time
// of the last refill in ms. Tokens are refilled lazily when asked, so an idle
// bucket costs nothing and needs no timer.
//
// rate <= 0 means unlimited: try_take always succeeds. The bucket starts full.
// A burst below 1 is raised to 1, since a bucket that can never hold a whole token
// would block its user forever.
class TokenBucket {
 public:
  TokenBucket(double rate_per_s, double burst)
      : rate_(static_cast<float>(rate_per_s)), burst_(effective_burst(burst)), tokens_(burst_) {}

  // Takes one token if there is one. A false return takes nothing: the caller
  // waits ms_until_available() and tries again (chatd delays lines, never drops).
  bool try_take(std::uint64_t now_ms) {
    if (unlimited()) return true;
    refill(now_ms);
    if (tokens_ < 1.0 - kSlack) return false;
    tokens_ = std::max(0.0, tokens_ - 1.0);
    return true;
  }

  // Spends `cost` tokens, or what is left if that is less: for a line that is
  // handled anyway, whose cost only decides when the next one may be read.
  void spend(std::uint64_t now_ms, double cost) {
    if (unlimited()) return;
    refill(now_ms);
    tokens_ = std::max(0.0, tokens_ - cost);
  }

  // 0 when try_take(now_ms) would succeed; otherwise the whole milliseconds after
  // which it will, rounded up so that a timer set to it never fires early.
  std::uint64_t ms_until_available(std::uint64_t now_ms) const {
    if (unlimited()) return 0;
    const double missing = 1.0 - tokens_at(now_ms);
    if (missing <= kSlack) return 0;
    return static_cast<std::uint64_t>(std::ceil(missing * 1000.0 / rate_));
  }

  // True when the bucket holds a whole burst again: it would behave like a new one.
  bool is_full(std::uint64_t now_ms) const {
    return unlimited() || tokens_at(now_ms) >= static_cast<double>(burst_) - kSlack;
  }

  // Applies new limits (config reload) without forgiving or punishing the
  // current user: tokens held are kept, capped at the new burst.
  void reconfigure(double rate_per_s, double burst) {
    rate_ = static_cast<float>(rate_per_s);
    burst_ = effective_burst(burst);
    tokens_ = std::min(tokens_, static_cast<double>(burst_));
  }

 private:
  // Absorbs floating-point rounding, so waiting exactly ms_until_available() is
  // always enough for the next try_take.
  static constexpr double kSlack = 1e-9;

  static float effective_burst(double burst) { return static_cast<float>(std::max(burst, 1.0)); }
  bool unlimited() const { return !(rate_ > 0.0f); }

  double tokens_at(std::uint64_t now_ms) const {
    // A clock that steps back refills nothing rather than underflowing.
    const double elapsed_ms = now_ms > last_ms_ ? static_cast<double>(now_ms - last_ms_) : 0.0;
    return std::min(static_cast<double>(burst_), tokens_ + elapsed_ms * rate_ / 1000.0);
  }

  void refill(std::uint64_t now_ms) {
    tokens_ = tokens_at(now_ms);
    last_ms_ = std::max(last_ms_, now_ms);
  }

  float rate_;
  float burst_;
  double tokens_;
  std::uint64_t last_ms_ = 0;
};

static_assert(sizeof(TokenBucket) <= 24, "a TokenBucket lives in every session");

}  // namespace chatd
