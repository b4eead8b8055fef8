// The Origin check of WebSocket handshakes (RFC 6454 serialisation).
#include "daemon/web/web_origin.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace chatd {
namespace {

// "host:port" without the scheme's default port, which browsers leave out of an
// Origin but a Host may carry.
std::string without_default_port(std::string host, std::string_view scheme) {
  const std::string_view port = scheme == "https" ? ":443" : ":80";
  if (host.ends_with(port)) host.resize(host.size() - port.size());
  return host;
}

}  // namespace

std::string normalize_origin(std::string_view text) {
  const std::string origin = reactor::ascii_lower(text);
  const auto sep = origin.find("://");
  if (sep == std::string::npos) {
    throw std::invalid_argument(fmt::format(
        "'{}' is not an origin: expected http://HOST[:PORT] or https://HOST[:PORT]", text));
  }
  const std::string scheme = origin.substr(0, sep);
  if (scheme != "http" && scheme != "https") {
    throw std::invalid_argument(
        fmt::format("'{}': an origin's scheme is http or https, not '{}'", text, scheme));
  }
  const std::string host = origin.substr(sep + 3);
  if (host.empty() || host.find_first_of("/?#@ ") != std::string::npos) {
    throw std::invalid_argument(fmt::format(
        "'{}': an origin is a scheme and a host (and port), with no path, query or user", text));
  }
  return scheme + "://" + without_default_port(host, scheme);
}

bool origin_allowed(const reactor::HttpRequest& request, std::span<const std::string> allowed) {
  const std::string_view given = request.field("origin");
  if (given.empty()) return true;
  std::string origin;
  try {
    origin = normalize_origin(given);
  } catch (const std::invalid_argument&) {
    return false;  // "null" (a sandboxed page, a file) or garbage
  }
  if (std::find(allowed.begin(), allowed.end(), origin) != allowed.end()) return true;
  const std::string scheme = origin.substr(0, origin.find("://"));
  const std::string host =
      without_default_port(reactor::ascii_lower(request.field("host")), scheme);
  return !host.empty() && origin == scheme + "://" + host;
}

}  // namespace chatd
