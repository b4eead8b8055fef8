// ConnectLimiter: how fast new connections are admitted, per address and in all,
// so a reconnect storm is absorbed with a refusal line instead of costing every
// user their service.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "daemon/token_bucket.h"

namespace chatd {

class ConnectLimiter {
 public:
  struct Rates {
    double per_address = 0;  // connections per second; 0 = no limit
    double per_address_burst = 20;
    double total = 0;
    double total_burst = 1000;
  };
  enum class Verdict { kAdmit, kAddressTooFast, kServerTooFast };

  explicit ConnectLimiter(Rates rates) : rates_(rates), total_(rates.total, rates.total_burst) {}
  // New rates apply from the next connection; buckets start afresh.
  void set_rates(Rates rates);

  // Spends one token for a connection from `address_key` (PeerAddress::limit_key).
  Verdict admit(std::string_view address_key, std::uint64_t now_ms);

  // Forgets addresses whose bucket has refilled: they would be admitted as if new,
  // so keeping them only costs memory. Called from a periodic timer.
  void forget_idle(std::uint64_t now_ms);
  std::size_t tracked_addresses() const { return per_address_.size(); }

 private:
  Rates rates_;
  TokenBucket total_;
  std::unordered_map<std::string, TokenBucket> per_address_;
};

}  // namespace chatd
