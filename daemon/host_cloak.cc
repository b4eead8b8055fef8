// Host cloaks from HMAC-SHA-256 of the per-address limit key.
#include "daemon/host_cloak.h"

#include <fmt/format.h>

#include "reactor/keyed_hash.h"

namespace chatd {
namespace {
constexpr std::size_t kRandomKeyBytes = 32;
// 48 bits: two addresses meet once in 2^24 (16 million), and the cloak (12 hex
// digits and ".ip") is short enough to live inside the string, unallocated.
constexpr std::size_t kCloakBytes = 6;
}  // namespace

HostCloak::HostCloak(bool enabled, std::string key)
    : enabled_(enabled),
      key_(key.empty() ? reactor::random_key(kRandomKeyBytes) : std::move(key)) {}

std::string HostCloak::host_for(const reactor::PeerAddress& peer) const {
  if (!enabled_) {
    std::string host = peer.host();
    return host.starts_with(':') ? "0" + host : host;
  }
  const reactor::Digest d = reactor::keyed_digest(key_, peer.limit_key());
  std::string cloak;
  cloak.reserve(2 * kCloakBytes + 3);
  for (std::size_t i = 0; i < kCloakBytes; ++i)
    fmt::format_to(std::back_inserter(cloak), "{:02x}", d[i]);
  cloak += ".ip";
  return cloak;
}

}  // namespace chatd
