// Several chatd nodes sharing one chat through a private redis-server, for the
// cluster tests: each node is a MixedChatd (plain and IRC on loopback port 0)
// with --redis, --node-name and any extra flags.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/irc_client.h"
#include "tests/support/line_client.h"
#include "tests/support/redis_server.h"

namespace chatd::test {

// chatd's log line once a node hears the cluster.
inline constexpr char kLinkedLog[] = "cluster: linked";
// What a plain user in a room that spans nodes is told when its node loses
// Redis, and when it is back.
inline constexpr char kLostContactLine[] =
    "*** lost contact with other chatd servers; only people on this server can hear you";
inline constexpr char kContactBackLine[] = "*** contact with the other chatd servers is back";

class Cluster {
 public:
  // `nodes` nodes named n1, n2, ..., each started and linked before the next.
  explicit Cluster(std::size_t nodes, std::vector<std::string> extra_args = {});

  RedisServer& redis() { return redis_; }
  MixedChatd& node(std::size_t i) { return *nodes_.at(i); }
  // Starts one more node (n<count+1>), linked; returns its index.
  std::size_t add_node(std::vector<std::string> extra_args = {});
  // The args a node named `name` is started with.
  std::vector<std::string> node_args(const std::string& name,
                                     const std::vector<std::string>& extra) const;
  // Waits until node i logs kLinkedLog at or after log line `from`.
  bool wait_linked(std::size_t i, std::size_t from = 0,
                   Deadline deadline = within(std::chrono::seconds(15)));

 private:
  RedisServer redis_;
  std::vector<std::string> extra_args_;
  std::vector<std::unique_ptr<MixedChatd>> nodes_;
};

// Sends /who on `c` every 200 ms until its answer lists `nick`: another node's
// user is known here. False at the deadline.
bool sees_user(LineClient& c, std::string_view nick,
               Deadline deadline = within(std::chrono::seconds(10)));

// Sends /rooms on `c` every 200 ms until its answer contains `listing`
// ("#ops (1)"): a room another node made is known here.
bool sees_room(LineClient& c, std::string_view listing,
               Deadline deadline = within(std::chrono::seconds(10)));

}  // namespace chatd::test
