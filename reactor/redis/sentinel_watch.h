// SentinelWatch: where the primary of a set of Redis servers watched by Redis
// Sentinel is, and when it moves. Follows the Sentinel clients' guidelines
// (redis.io/docs/reference/sentinel-clients): ask the sentinels in turn with
// SENTINEL get-master-addr-by-name until one knows the name, then stay on
// that sentinel subscribed to +switch-master, which it publishes when a
// failover has promoted a replica. A sentinel that fails is left for the next.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reactor/redis/redis_address.h"
#include "reactor/redis/redis_client.h"

namespace chatd::reactor {

class Loop;

class SentinelWatchHandler {
 public:
  // The primary is (now) at `primary`: its first report, and every move.
  virtual void on_primary(const RedisAddress& primary) = 0;

 protected:
  ~SentinelWatchHandler() = default;
};

class SentinelWatch final : RedisClientHandler {
 public:
  // `sentinels` is not empty. Neither they nor the primary may ask for a
  // password (not supported yet).
  SentinelWatch(Loop& loop, std::vector<RedisAddress> sentinels, std::string master_name,
                SentinelWatchHandler& handler);

  void start() { link_.start(); }
  void stop() { link_.stop(); }
  // The link to the reported primary failed, or found a replica there (a
  // failover under way): ask again, the next sentinel.
  void ask_again(std::string_view why) { link_.restart(why); }
  const std::optional<RedisAddress>& primary() const { return primary_; }
  // "sentinel redis://HOST:PORT, primary redis://HOST:PORT"
  std::string describe() const;

 private:
  void on_redis_up(RedisClient& c) override;
  void on_redis_down(RedisClient&, std::string_view) override {}
  void on_redis_push(RedisClient& c, RespValue&& v) override;
  void report(std::string_view host, std::string_view port);

  std::string master_name_;
  SentinelWatchHandler& handler_;
  RedisClient link_;
  std::optional<RedisAddress> primary_;
};

}  // namespace chatd::reactor
