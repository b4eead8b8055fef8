// Parsing source address ranges and opening sockets bound to them.
#include "bench/chatbench/source_pool.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "reactor/address.h"

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

namespace chatd::bench {
namespace {

constexpr std::uint32_t kMaxRange = 65536;

[[noreturn]] void bad_source(std::string_view spec, std::string_view why) {
  throw std::invalid_argument(fmt::format("invalid --source '{}': {}", spec, why));
}

std::uint32_t parse_v4(std::string_view spec, std::string_view text) {
  in_addr a{};
  if (inet_pton(AF_INET, std::string(text).c_str(), &a) != 1) {
    bad_source(spec, "not an IPv4 address (ranges are IPv4 only)");
  }
  return ntohl(a.s_addr);
}

sockaddr_storage v4_addr(std::uint32_t host_order) {
  sockaddr_storage ss{};
  auto* in = reinterpret_cast<sockaddr_in*>(&ss);
  in->sin_family = AF_INET;
  in->sin_addr.s_addr = htonl(host_order);
  return ss;
}

}  // namespace

void SourcePool::add(std::string_view spec) {
  if (spec.find(':') != std::string_view::npos) {
    sockaddr_storage ss{};
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
    in6->sin6_family = AF_INET6;
    if (inet_pton(AF_INET6, std::string(spec).c_str(), &in6->sin6_addr) != 1) {
      bad_source(spec, "not an IPv6 address");
    }
    addrs_.push_back(ss);
    return;
  }
  const auto dash = spec.find('-');
  const std::uint32_t first = parse_v4(spec, spec.substr(0, dash));
  const std::uint32_t last =
      dash == std::string_view::npos ? first : parse_v4(spec, spec.substr(dash + 1));
  if (last < first) bad_source(spec, "the range ends before it starts");
  if (last - first >= kMaxRange) bad_source(spec, "more than 65536 addresses");
  for (std::uint32_t a = first;; ++a) {
    addrs_.push_back(v4_addr(a));
    if (a == last) break;
  }
}

const sockaddr* SourcePool::pick(std::size_t i) const {
  if (addrs_.empty()) return nullptr;
  return reinterpret_cast<const sockaddr*>(&addrs_[i % addrs_.size()]);
}

bool SourcePool::all_family(int family) const {
  for (const auto& a : addrs_) {
    if (a.ss_family != family) return false;
  }
  return true;
}

sockaddr_storage target_address(const std::string& text) {
  const reactor::Endpoint ep = reactor::parse_endpoint(text);
  sockaddr_storage ss{};
  if (ep.is_ipv6()) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(ep.port);
    inet_pton(AF_INET6, ep.host.c_str(), &in6->sin6_addr);
  } else {
    auto* in = reinterpret_cast<sockaddr_in*>(&ss);
    in->sin_family = AF_INET;
    in->sin_port = htons(ep.port);
    inet_pton(AF_INET, ep.host.c_str(), &in->sin_addr);
  }
  if (ep.port == 0) throw std::invalid_argument("target '" + text + "': port 0 is not a server");
  return ss;
}

int open_client_socket(int family, const sockaddr* source) {
  const int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (source == nullptr) return fd;
  // Without this, bind() picks a port that is then unique per source address
  // alone, and the 28k-port limit would apply to each source as a whole.
  setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  const socklen_t len = family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
  if (bind(fd, source, len) != 0) {
    const int err = errno;
    close(fd);
    return -err;
  }
  return fd;
}

std::size_t ephemeral_port_count() {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  std::size_t low = 0;
  std::size_t high = 0;
  if (in >> low >> high && high >= low) return high - low + 1;
  return 28232;  // Linux's default range, 32768-60999
}

}  // namespace chatd::bench
