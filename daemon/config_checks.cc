// The value checks of config.cc's key table.
#include "daemon/config_checks.h"

#include <fmt/format.h>
#include <unistd.h>

#include "daemon/chat/names.h"
#include "daemon/logging.h"
#include "reactor/redis/redis_address.h"

namespace chatd {
namespace {

// A name IRC can carry as a message source: letters, digits, '.', '-', '_'.
bool is_server_name(const std::string& value) {
  if (value.empty() || value.size() > 63) return false;
  for (char c : value) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool is_token(const std::string& value, std::size_t max, std::string_view extra) {
  if (value.empty() || value.size() > max) return false;
  for (char c : value) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == '_' || extra.find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string check_redis_url(const std::string& value, const std::string& where) {
  if (value.empty()) return value;
  try {
    reactor::parse_redis_url(value);
  } catch (const std::invalid_argument& e) {
    fail(where, e.what());
  }
  return value;
}

std::string check_sentinel(std::string_view value, const std::string& where) {
  try {
    reactor::parse_sentinel_address(value);
  } catch (const std::invalid_argument& e) {
    fail(where, e.what());
  }
  return std::string(value);
}

std::string check_redis_master(const std::string& value, const std::string& where) {
  if (value.empty() || is_token(value, 64, "")) return value;
  fail(where, fmt::format("'{}' is not a primary's name: 1-64 ASCII letters, digits, '.', '-' "
                          "or '_'",
                          value));
}

std::string check_node_name(const std::string& value, const std::string& where) {
  if (value.empty() || is_token(value, 64, ":")) return value;
  fail(where, fmt::format("'{}' is not a node name: 1-64 ASCII letters, digits, '.', '-', '_' "
                          "or ':'",
                          value));
}

std::string check_cluster_prefix(const std::string& value, const std::string& where) {
  if (is_token(value, 32, "")) return value;
  fail(where, fmt::format("'{}' is not a cluster prefix: 1-32 ASCII letters, digits, '.', '-' "
                          "or '_'",
                          value));
}

[[noreturn]] void fail(const std::string& where, std::string_view problem) {
  throw ConfigError(fmt::format("{}: {}", where, problem));
}

std::string check_room(const std::string& value, const std::string& where) {
  auto room = normalize_room(value);
  if (!room) {
    fail(where, fmt::format("'{}' is not a room name: '#' and 1-{} ASCII letters, digits, '-', "
                            "'_' or '.' ('dev' means '#dev')",
                            value, kMaxRoomNameLength));
  }
  return *room;
}

// The motd is sent as one protocol line, so it must not be able to end it.
std::string check_motd(const std::string& value, const std::string& where) {
  for (unsigned char c : value) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      fail(where, "must be a single line without control characters");
    }
  }
  return value;
}

std::string check_log_level(const std::string& value, const std::string& where) {
  if (!is_log_level(value)) {
    fail(where, fmt::format("'{}' is not a log level: trace, debug, info, warn or error", value));
  }
  return value;
}

std::string check_server_name(const std::string& value, const std::string& where) {
  if (!value.empty() && !is_server_name(value)) {
    fail(where, fmt::format("'{}' is not a server name: 1-63 ASCII letters, digits, '.', '-' "
                            "or '_'",
                            value));
  }
  return value;
}

std::string check_network(const std::string& value, const std::string& where) {
  if (!is_server_name(value)) {
    fail(where, fmt::format("'{}' is not a network name: 1-63 ASCII letters, digits, '.', '-' "
                            "or '_'",
                            value));
  }
  return value;
}

std::string check_any(const std::string& value, const std::string&) {
  return value;
}

std::string check_tls_version(const std::string& value, const std::string& where) {
  if (value != "1.2" && value != "1.3") {
    fail(where,
         fmt::format("'{}' is not a TLS version chatd accepts as the oldest: 1.2 or 1.3", value));
  }
  return value;
}

// gethostname(), or "chatd" if it is not a name IRC can carry.
std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "chatd";
  const std::string host(name);
  return is_server_name(host) ? host : "chatd";
}

}  // namespace chatd
