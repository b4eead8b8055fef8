// The checks of chatd's string settings (room names, the MOTD, log levels, IRC
// names): each returns what to store, or throws ConfigError naming `where`.
#pragma once

#include <string>
#include <string_view>

#include "daemon/config.h"

namespace chatd {

// Throws ConfigError("WHERE: PROBLEM").
[[noreturn]] void fail(const std::string& where, std::string_view problem);

// "dev" or "#dev" is stored as "#dev".
std::string check_room(const std::string& value, const std::string& where);
// One line without control characters: it is sent as a protocol line.
std::string check_motd(const std::string& value, const std::string& where);
std::string check_log_level(const std::string& value, const std::string& where);
// Empty (the host name) or a name IRC can carry as a message source.
std::string check_server_name(const std::string& value, const std::string& where);
std::string check_network(const std::string& value, const std::string& where);
// Anything (the cloak key).
std::string check_any(const std::string& value, const std::string& where);
std::string check_tls_version(const std::string& value, const std::string& where);
// Empty (single node) or a Redis URL (reactor/redis/redis_address.h).
std::string check_redis_url(const std::string& value, const std::string& where);
// A Redis Sentinel's HOST:PORT.
std::string check_sentinel(std::string_view value, const std::string& where);
// Empty, or the name a Sentinel set knows its primary by.
std::string check_redis_master(const std::string& value, const std::string& where);
// Empty (HOST:PID) or 1-64 of letters, digits, '.', '-', '_', ':'.
std::string check_node_name(const std::string& value, const std::string& where);
// 1-32 of letters, digits, '.', '-', '_'.
std::string check_cluster_prefix(const std::string& value, const std::string& where);

// gethostname(), or "chatd" if that is not a name IRC can carry.
std::string host_name();

}  // namespace chatd
