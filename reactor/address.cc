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
