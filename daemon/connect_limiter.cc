// Connection-rate admission with one token bucket per address and one overall.
#include "daemon/connect_limiter.h"

#include <iterator>

namespace chatd {

void ConnectLimiter::set_rates(Rates rates) {
  rates_ = rates;
  total_ = TokenBucket(rates.total, rates.total_burst);
  per_address_.clear();
}

ConnectLimiter::Verdict ConnectLimiter::admit(std::string_view address_key, std::uint64_t now_ms) {
  // The address is charged first: one noisy address must not drain the shared
  // bucket that everyone else's connections need.
  if (rates_.per_address > 0) {
    auto it =
        per_address_
            .try_emplace(std::string(address_key), rates_.per_address, rates_.per_address_burst)
            .first;
    if (!it->second.try_take(now_ms)) return Verdict::kAddressTooFast;
  }
  if (!total_.try_take(now_ms)) return Verdict::kServerTooFast;
  return Verdict::kAdmit;
}

void ConnectLimiter::forget_idle(std::uint64_t now_ms) {
  for (auto it = per_address_.begin(); it != per_address_.end();) {
    it = it->second.is_full(now_ms) ? per_address_.erase(it) : std::next(it);
  }
}

}  // namespace chatd
