// Parsing and formatting of socket addresses.
#include "reactor/address.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <charconv>
#include <cstring>
#include <stdexcept>

namespace chatd::reactor {
namespace {

[[noreturn]] void bad_endpoint(std::string_view text, std::string_view why) {
  throw std::invalid_argument(
      fmt::format("invalid listen address '{}': {} (expected HOST:PORT or [V6]:PORT)", text, why));
}

bool is_v4_mapped(const std::uint8_t* b) {
  static constexpr std::uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(b, kPrefix, sizeof kPrefix) == 0;
}

}  // namespace

std::string Endpoint::to_string() const {
  return is_ipv6() ? fmt::format("[{}]:{}", host, port) : fmt::format("{}:{}", host, port);
}

Endpoint parse_endpoint(std::string_view text) {
  Endpoint ep;
  std::string_view port_text;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) bad_endpoint(text, "missing ']'");
    if (close + 1 >= text.size() || text[close + 1] != ':') bad_endpoint(text, "missing ':PORT'");
    ep.host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
    in6_addr a6{};
    if (inet_pton(AF_INET6, ep.host.c_str(), &a6) != 1) bad_endpoint(text, "not an IPv6 address");
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) bad_endpoint(text, "missing ':PORT'");
    ep.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
    in_addr a4{};
    if (inet_pton(AF_INET, ep.host.c_str(), &a4) != 1) {
      bad_endpoint(text, "not a numeric IPv4 address (write IPv6 as [ADDR]:PORT)");
    }
  }
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    bad_endpoint(text, "port must be a number from 0 to 65535");
  }
  ep.port = static_cast<std::uint16_t>(port);
  return ep;
}

PeerAddress PeerAddress::from_sockaddr(const sockaddr* sa) {
  PeerAddress p;
  if (sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    p.family_ = 4;
    p.port_ = ntohs(in->sin_port);
    std::memcpy(p.bytes_.data(), &in->sin_addr, 4);
  } else if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    p.port_ = ntohs(in6->sin6_port);
    const auto* b = reinterpret_cast<const std::uint8_t*>(&in6->sin6_addr);
    if (is_v4_mapped(b)) {
      p.family_ = 4;
      std::memcpy(p.bytes_.data(), b + 12, 4);
    } else {
      p.family_ = 6;
      std::memcpy(p.bytes_.data(), b, 16);
    }
  }
  return p;
}

PeerAddress PeerAddress::from_bytes(const std::uint8_t* bytes, std::size_t n, std::uint16_t port) {
  PeerAddress p;
  p.port_ = port;
  if (n == 4 || (n == 16 && is_v4_mapped(bytes))) {
    p.family_ = 4;
    std::memcpy(p.bytes_.data(), bytes + (n == 16 ? 12 : 0), 4);
  } else if (n == 16) {
    p.family_ = 6;
    std::memcpy(p.bytes_.data(), bytes, 16);
  }
  return p;
}

bool PeerAddress::in(const Cidr& net) const {
  if (family_ != net.family) return false;
  const std::size_t whole = net.prefix / 8;
  if (std::memcmp(bytes_.data(), net.bytes.data(), whole) != 0) return false;
  const unsigned rest = net.prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (bytes_[whole] & mask) == (net.bytes[whole] & mask);
}

std::string Cidr::to_string() const {
  char text[INET6_ADDRSTRLEN] = "";
  inet_ntop(family == 4 ? AF_INET : AF_INET6, bytes.data(), text, sizeof text);
  return fmt::format("{}/{}", text, prefix);
}

Cidr parse_cidr(std::string_view text) {
  auto bad = [&](std::string_view why) {
    throw std::invalid_argument(
        fmt::format("'{}' is not an address range: {} (e.g. 10.0.0.0/8 or ::1/128)", text, why));
  };
  const auto slash = text.find('/');
  const std::string address(text.substr(0, slash));
  Cidr net;
  if (inet_pton(AF_INET, address.c_str(), net.bytes.data()) == 1) {
    net.family = 4;
    net.prefix = 32;
  } else if (inet_pton(AF_INET6, address.c_str(), net.bytes.data()) == 1) {
    net.family = 6;
    net.prefix = 128;
  } else {
    bad("not a numeric IPv4 or IPv6 address");
  }
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    unsigned prefix = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
        prefix > net.prefix) {
      bad(fmt::format("the prefix length must be 0-{}", net.prefix));
    }
    net.prefix = static_cast<std::uint8_t>(prefix);
  }
  return net;
}

std::string PeerAddress::to_string() const {
  if (family_ == 4) return fmt::format("{}:{}", host(), port_);
  if (family_ == 6) return fmt::format("[{}]:{}", host(), port_);
  return "unknown";
}

std::string PeerAddress::host() const {
  char text[INET6_ADDRSTRLEN] = "unknown";
  if (family_ == 4) inet_ntop(AF_INET, bytes_.data(), text, sizeof text);
  if (family_ == 6) inet_ntop(AF_INET6, bytes_.data(), text, sizeof text);
  return text;
}

std::string PeerAddress::limit_key() const {
  const std::size_t n = family_ == 4 ? 4 : 8;
  std::string key(1, static_cast<char>(family_));
  key.append(reinterpret_cast<const char*>(bytes_.data()), n);
  return key;
}

}  // namespace chatd::reactor
