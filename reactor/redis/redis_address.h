// Where a Redis server is, from a URL: redis://[:PASSWORD@]HOST:PORT or
// unix://[:PASSWORD@]/path/to/redis.sock.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace chatd::reactor {

struct RedisAddress {
  std::string host;               // a name or numeric address, without brackets; empty for unix
  std::uint16_t port = 0;         // 6379 when the URL gives none
  std::string unix_path;          // set for unix://
  std::string password;           // empty: no AUTH
  std::string to_string() const;  // the URL without the password
};

// Throws std::invalid_argument naming what is wrong with `url`.
RedisAddress parse_redis_url(std::string_view url);

// A Redis Sentinel: HOST:PORT, [v6]:PORT, or HOST for port 26379.
RedisAddress parse_sentinel_address(std::string_view spec);

}  // namespace chatd::reactor
