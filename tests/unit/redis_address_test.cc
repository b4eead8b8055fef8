// Redis URLs as --redis takes them.
#include "reactor/redis/redis_address.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace chatd::reactor {
namespace {

TEST(RedisAddress, TakesHostPortAndTheDefaultPort) {
  const RedisAddress a = parse_redis_url("redis://10.0.0.5:6380");
  EXPECT_EQ(a.host, "10.0.0.5");
  EXPECT_EQ(a.port, 6380);
  EXPECT_TRUE(a.password.empty());
  EXPECT_EQ(parse_redis_url("redis://redis.internal").port, 6379);
  EXPECT_EQ(parse_redis_url("redis://localhost:6379/").host, "localhost");
  EXPECT_EQ(a.to_string(), "redis://10.0.0.5:6380");
}

TEST(RedisAddress, TakesIpv6AndPasswords) {
  const RedisAddress a = parse_redis_url("redis://:s3cr@t@[::1]:7000");
  EXPECT_EQ(a.host, "::1");
  EXPECT_EQ(a.port, 7000);
  EXPECT_EQ(a.password, "s3cr@t");
  EXPECT_EQ(a.to_string(), "redis://[::1]:7000");  // never the password
}

TEST(RedisAddress, TakesUnixSockets) {
  const RedisAddress a = parse_redis_url("unix:///run/redis/redis-server.sock");
  EXPECT_EQ(a.unix_path, "/run/redis/redis-server.sock");
  EXPECT_EQ(parse_redis_url("unix://:pw@/tmp/r.sock").password, "pw");
  EXPECT_EQ(a.to_string(), "unix:///run/redis/redis-server.sock");
}

TEST(RedisAddress, RefusesWhatItCannotUse) {
  for (const char* bad :
       {"", "http://x:1", "redis://", "redis://:6379", "redis://h:0", "redis://h:65536",
        "redis://h:port", "redis://h:6379/2", "redis://user:pw@h:1", "redis://:@h:1",
        "unix://relative.sock", "unix://", "redis://[::1:5"}) {
    EXPECT_THROW(parse_redis_url(bad), std::invalid_argument) << bad;
  }
}

TEST(SentinelAddress, TakesHostPortAndTheSentinelPort) {
  const RedisAddress a = parse_sentinel_address("10.0.0.5:26380");
  EXPECT_EQ(a.host, "10.0.0.5");
  EXPECT_EQ(a.port, 26380);
  EXPECT_EQ(parse_sentinel_address("sentinel-1").port, 26379);
  EXPECT_EQ(parse_sentinel_address("[::1]:5000").host, "::1");
  for (const char* bad : {"", ":26379", "h:0", "h:x", ":pw@h:1", "unix:///s.sock", "[::1"}) {
    EXPECT_THROW(parse_sentinel_address(bad), std::invalid_argument) << bad;
  }
}

}  // namespace
}  // namespace chatd::reactor
