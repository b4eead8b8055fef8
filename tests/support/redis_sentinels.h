// A Redis Sentinel set for the failover tests: a primary and one replica on
// loopback TCP ports, and three sentinels (quorum 2) watching them, quick to
// act: the primary is down after 1 s of silence. Each process has its own
// temporary directory; the sentinels' configuration files there are theirs
// to rewrite, as Sentinel does.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/redis_server.h"

namespace chatd::test {

class RedisSentinels {
 public:
  static constexpr char kPrimaryName[] = "chatd-primary";

  // Starts the primary, the replica (synced), then the sentinels, and waits
  // until every sentinel knows the replica and the other sentinels, so a
  // failover can be agreed. Throws std::runtime_error on failure. Every
  // process is SIGKILLed when the set goes (Subprocess, RedisServer).
  RedisSentinels();
  RedisSentinels(const RedisSentinels&) = delete;
  RedisSentinels& operator=(const RedisSentinels&) = delete;

  RedisServer& primary() { return primary_; }
  RedisServer& replica() { return *replica_; }
  // --redis-sentinel for each sentinel, and --redis-master.
  std::vector<std::string> chatd_args() const;
  // The primary's port as sentinel i reports it, or nullopt.
  std::optional<std::uint16_t> reported_primary_port(std::size_t i);
  // Until every sentinel reports `port` as the primary's. False at the deadline.
  bool wait_primary_port(std::uint16_t port, Deadline deadline);

 private:
  struct Sentinel {
    TempDir dir{"sentinel"};
    std::uint16_t port = 0;
    std::unique_ptr<Subprocess> process;
    std::string socket_path() const { return (dir.path() / "sentinel.sock").string(); }
  };
  void start_sentinel(Sentinel& s);
  bool synced_to_primary();
  bool ready(Sentinel& s);

  RedisServer primary_{true};
  std::unique_ptr<RedisServer> replica_;
  std::array<Sentinel, 3> sentinels_;
};

}  // namespace chatd::test
