// Source addresses for outgoing connections. One address pair has only the
// ephemeral port range (~28k ports); several loopback sources lift that limit.
// Sockets bind with IP_BIND_ADDRESS_NO_PORT, so the kernel picks the port at
// connect time per 4-tuple instead of reserving one per source address.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace chatd::bench {

class SourcePool {
 public:
  // Each spec is one address ("127.0.0.2", "::1") or an IPv4 range
  // ("127.0.0.1-127.0.0.8"). Throws std::invalid_argument on bad input or on a
  // range of more than 65536 addresses.
  void add(std::string_view spec);

  bool empty() const { return addrs_.empty(); }
  std::size_t size() const { return addrs_.size(); }
  // The i-th connection's source (round-robin); nullptr when the pool is empty.
  const sockaddr* pick(std::size_t i) const;
  // Whether every source has the address family `family`.
  bool all_family(int family) const;

 private:
  std::vector<sockaddr_storage> addrs_;
};

// The address of "HOST:PORT" or "[V6]:PORT" (numeric). Throws std::invalid_argument.
sockaddr_storage target_address(const std::string& text);

// A non-blocking TCP socket bound to `source` (port chosen at connect time), or
// to nothing when `source` is null. Returns the fd, or a negative errno.
int open_client_socket(int family, const sockaddr* source);

// How many ephemeral ports the kernel hands out per address pair.
std::size_t ephemeral_port_count();

}  // namespace chatd::bench
