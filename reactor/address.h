// Listen endpoints ("host:port", "[v6]:port") and compact peer addresses.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

struct sockaddr;

namespace chatd::reactor {

struct Endpoint {
  std::string host;  // numeric IPv4 or IPv6 address, without brackets
  std::uint16_t port = 0;
  bool is_ipv6() const { return host.find(':') != std::string::npos; }
  std::string to_string() const;  // "1.2.3.4:5" or "[::1]:5"
};

// Parses "HOST:PORT" or "[V6]:PORT" with a numeric address. Throws
// std::invalid_argument with a message naming the text and what is wrong.
Endpoint parse_endpoint(std::string_view text);

// A peer's address in 20 bytes, cheap enough to keep in every connection.
class PeerAddress {
 public:
  PeerAddress() = default;
  static PeerAddress from_sockaddr(const sockaddr* sa);
  // From network-order bytes: 4 for IPv4, 16 for IPv6 (IPv4-mapped is IPv4).
  static PeerAddress from_bytes(const std::uint8_t* bytes, std::size_t n, std::uint16_t port);

  bool is_ipv6() const { return family_ == 6; }
  std::uint16_t port() const { return port_; }
  std::string to_string() const;  // "1.2.3.4:5" or "[::1]:5"
  std::string host() const;       // "1.2.3.4" or "::1", without the port
  // The key per-address limits count under: the full IPv4 address, the /64 of
  // an IPv6 one (one user's usual allocation). IPv4-mapped IPv6 counts as IPv4.
  // Short enough for std::string's small-buffer storage: never allocates.
  std::string limit_key() const;

  // Whether this address is in `net` (IPv4 in IPv4 networks, IPv6 in IPv6 ones).
  bool in(const struct Cidr& net) const;

 private:
  std::array<std::uint8_t, 16> bytes_{};
  std::uint16_t port_ = 0;
  std::uint8_t family_ = 0;  // 0 unknown, 4 or 6
};

// An address range: "127.0.0.0/8", "::1/128", or one address ("10.0.0.1").
struct Cidr {
  std::array<std::uint8_t, 16> bytes{};
  std::uint8_t family = 4;  // 4 or 6
  std::uint8_t prefix = 32;
  std::string to_string() const;
};

// Parses a numeric CIDR. Throws std::invalid_argument naming the text and the problem.
Cidr parse_cidr(std::string_view text);

}  // namespace chatd::reactor
