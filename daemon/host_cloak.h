// HostCloak: the host other users see for an address. By default a keyed hash,
// so joining a room does not hand everyone your IP address: stable for one key
// (the same address, or IPv6 /64, always gets the same cloak, so bans on it
// work), and not reversible without the key, even for the small IPv4 space.
#pragma once

#include <string>

#include "reactor/address.h"

namespace chatd {

class HostCloak {
 public:
  // An empty key is replaced by a random one: cloaks then change on restart.
  HostCloak(bool enabled, std::string key);

  // "5f0c1e7a92b3.ip" when cloaking, else the address ("0::1" for "::1",
  // as a host may not start with ':' on IRC).
  std::string host_for(const reactor::PeerAddress& peer) const;

 private:
  bool enabled_;
  std::string key_;
};

}  // namespace chatd
