// Redis URLs: the two forms redis-cli and the Redis clients accept most widely.
#include "reactor/redis/redis_address.h"

#include <fmt/format.h>

#include <charconv>
#include <stdexcept>

namespace chatd::reactor {
namespace {

[[noreturn]] void bad(std::string_view url, std::string_view why) {
  throw std::invalid_argument(fmt::format("'{}' is not a Redis URL: {}", url, why));
}

[[noreturn]] void bad_sentinel(std::string_view spec, std::string_view why) {
  throw std::invalid_argument(fmt::format("'{}' is not a sentinel address: {}", spec, why));
}

using Complaint = void (*)(std::string_view, std::string_view);

// "HOST[:PORT]" or "[v6][:PORT]" into a, with `complain(text, why)` on error.
void take_host_port(std::string_view text, std::string_view rest, std::uint16_t default_port,
                    RedisAddress& a, Complaint complain) {
  std::string_view port;
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) complain(text, "an IPv6 address needs its closing ']'");
    a.host = std::string(rest.substr(1, close - 1));
    rest.remove_prefix(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') complain(text, "expected ':PORT' after the address");
      port = rest.substr(1);
    }
  } else {
    const auto colon = rest.find(':');
    a.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port = rest.substr(colon + 1);
  }
  if (a.host.empty()) complain(text, "the host is missing");
  a.port = default_port;
  if (!port.empty() || rest.ends_with(':')) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      complain(text, "the port must be from 1 to 65535");
    }
    a.port = static_cast<std::uint16_t>(value);
  }
}

// "[:PASSWORD@]rest": a user name is not supported (Redis 6 ACL users would
// need AUTH with two arguments; chatd's own deployment uses requirepass).
std::string_view take_password(std::string_view url, std::string_view rest, std::string& out) {
  const auto at = rest.rfind('@');
  if (at == std::string_view::npos) return rest;
  const std::string_view auth = rest.substr(0, at);
  if (auth.empty() || auth.front() != ':') bad(url, "give a password as :PASSWORD@ (no user name)");
  out = std::string(auth.substr(1));
  if (out.empty()) bad(url, "the password after ':' is empty");
  return rest.substr(at + 1);
}

}  // namespace

std::string RedisAddress::to_string() const {
  if (!unix_path.empty()) return "unix://" + unix_path;
  if (host.find(':') != std::string::npos) return fmt::format("redis://[{}]:{}", host, port);
  return fmt::format("redis://{}:{}", host, port);
}

RedisAddress parse_redis_url(std::string_view url) {
  RedisAddress a;
  constexpr std::string_view kRedis = "redis://";
  constexpr std::string_view kUnix = "unix://";
  if (url.starts_with(kUnix)) {
    const std::string_view path = take_password(url, url.substr(kUnix.size()), a.password);
    if (path.empty() || path.front() != '/') bad(url, "unix:// needs an absolute socket path");
    a.unix_path = std::string(path);
    return a;
  }
  if (!url.starts_with(kRedis)) bad(url, "it must start with redis:// or unix://");
  std::string_view rest = take_password(url, url.substr(kRedis.size()), a.password);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) bad(url, "database numbers are not supported");
  take_host_port(url, rest, 6379, a, bad);
  return a;
}

RedisAddress parse_sentinel_address(std::string_view spec) {
  RedisAddress a;
  if (spec.find('@') != std::string_view::npos || spec.find('/') != std::string_view::npos) {
    bad_sentinel(spec, "give HOST:PORT (no password or path)");
  }
  take_host_port(spec, spec, 26379, a, bad_sentinel);
  return a;
}

}  // namespace chatd::reactor
