// Integration tests of a cluster when Redis fails: restarted empty, stopped,
// its subscriber connections killed, not there yet when a node starts, a node
// stopped until Redis cuts it off, the path to Redis gone silent, and nodes
// sharing a port. Local
// chat goes on throughout; users in rooms that span nodes are told once when
// contact is lost and once when it is back; nicks are claimed again.
#include <gtest/gtest.h>
#include <signal.h>

#include <string>
#include <thread>

#include "tests/support/cluster.h"
#include "tests/support/free_port.h"
#include "tests/support/stalling_proxy.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

// Each node's log length: what it logs after an action starts there.
using Marks = std::vector<std::size_t>;

struct TwoNodes {
  Cluster cluster{2};
  LineClient alice = connect_as(cluster.node(0).plain_port(), "alice");
  LineClient amy = connect_as(cluster.node(0).plain_port(), "amy");
  LineClient bob = connect_as(cluster.node(1).plain_port(), "bob");
  TwoNodes() {
    if (!sees_user(bob, "alice") || !sees_user(alice, "bob")) {
      throw std::runtime_error("the nodes do not see each other's users");
    }
  }
  Marks marks() {
    return {cluster.node(0).process().log_line_count(), cluster.node(1).process().log_line_count()};
  }
  // Both nodes have linked again since `from`.
  bool linked_again(const Marks& from, Deadline deadline) {
    for (std::size_t i = 0; i < from.size(); ++i) {
      if (!cluster.wait_linked(i, from[i], deadline)) {
        ADD_FAILURE() << "node " << i << " did not link again:\n"
                      << cluster.node(i).process().log_text();
        return false;
      }
    }
    return true;
  }
  // Every node that went isolated since `from` has linked again.
  bool settled(const Marks& from, Deadline deadline) {
    for (std::size_t i = 0; i < from.size(); ++i) {
      ChatdProcess& p = cluster.node(i).process();
      if (p.wait_for_log("cluster: isolated", within(0s), from[i]) &&
          !cluster.wait_linked(i, from[i], deadline)) {
        ADD_FAILURE() << "node " << i << " did not link again:\n" << p.log_text();
        return false;
      }
    }
    return true;
  }
  // bob's line reaches alice (and alice's reaches bob): the nodes hear each other.
  bool talk(std::string_view tag) {
    const std::string from_bob = "from bob " + std::string(tag);
    const std::string from_alice = "from alice " + std::string(tag);
    return bob.send_line(from_bob) && alice.expect_line(equals("<bob> " + from_bob), within(10s)) &&
           alice.send_line(from_alice) &&
           bob.expect_line(equals("<alice> " + from_alice), within(10s));
  }
};

TEST(ClusterFaults, RedisRestartedEmptyIsSurvivedAndNicksAreClaimedAgain) {
  TwoNodes t;
  const Marks from = t.marks();
  t.cluster.redis().kill();
  EXPECT_TRUE(t.alice.expect_line(equals(kLostContactLine), within(10s))) << t.alice.diagnostics();
  // Local chat goes on.
  ASSERT_TRUE(t.amy.send_line("still here"));
  EXPECT_TRUE(t.alice.expect_line(equals("<amy> still here"))) << t.alice.diagnostics();
  // Nick changes wait for the cluster.
  ASSERT_TRUE(t.amy.send_line("/nick amelia"));
  EXPECT_TRUE(
      t.amy.expect_line(equals("! nick changes are unavailable while servers are disconnected")));
  t.cluster.redis().restart();
  ASSERT_TRUE(t.linked_again(from, within(15s)));
  EXPECT_TRUE(t.alice.expect_line(equals(kContactBackLine), within(10s))) << t.alice.diagnostics();
  EXPECT_TRUE(t.talk("after the restart")) << t.alice.diagnostics() << t.bob.diagnostics();
  // The empty Redis has alice's claim again: bob cannot take the nick.
  ASSERT_TRUE(t.bob.send_line("/nick alice"));
  EXPECT_TRUE(t.bob.expect_line(equals("! nick taken: alice"))) << t.bob.diagnostics();
  EXPECT_EQ(t.cluster.redis().integer({"EXISTS", "chatd:{c}:nick:alice"}), 1);
}

TEST(ClusterFaults, ANodeStartedBeforeRedisServesLocallyThenJoins) {
  TempDir dir("noredis");
  const std::string socket = (dir.path() / "later.sock").string();
  MixedChatd node({"--redis", "unix://" + socket, "--node-name", "early"});
  LineClient a(node.plain_port());
  LineClient b(node.plain_port());
  const auto greeting = a.read_line();
  ASSERT_TRUE(greeting && greeting_nick(*greeting)) << a.diagnostics();
  const std::string guest = *greeting_nick(*greeting);
  ASSERT_TRUE(a.send_line("alone but fine"));
  EXPECT_TRUE(b.expect_line(equals("<" + guest + "> alone but fine"))) << b.diagnostics();
  // Without Redis no nick can be promised unique.
  ASSERT_TRUE(a.send_line("/nick early1"));
  EXPECT_TRUE(
      a.expect_line(equals("! nick changes are unavailable while servers are disconnected")));
  EXPECT_FALSE(node.process().wait_for_log(kLinkedLog, within(500ms)));
  Subprocess redis(SubprocessOptions{
      {"redis-server", "--port", "0", "--unixsocket", socket, "--save", "", "--appendonly", "no",
       "--dir", dir.path().string(), "--logfile", (dir.path() / "r.log").string()},
      {},
      false});
  ASSERT_TRUE(node.process().wait_for_log(kLinkedLog, within(15s))) << node.process().log_text();
  ASSERT_TRUE(a.send_line("/nick early1"));
  EXPECT_TRUE(a.expect_line(equals("*** " + guest + " is now known as early1"))) << a.diagnostics();
}

TEST(ClusterFaults, KilledSubscriberConnectionsComeBack) {
  TwoNodes t;
  const Marks from = t.marks();
  const auto killed = t.cluster.redis().command({"CLIENT", "KILL", "TYPE", "pubsub"});
  ASSERT_TRUE(killed && killed->integer == 2);
  EXPECT_TRUE(t.linked_again(from, within(15s)));
  EXPECT_TRUE(t.talk("after CLIENT KILL")) << t.alice.diagnostics() << t.bob.diagnostics();
}

TEST(ClusterFaults, APausedRedisDelaysButLosesNothingSaid) {
  TwoNodes t;
  ASSERT_TRUE(t.cluster.redis().command({"CLIENT", "PAUSE", "1000"}));
  ASSERT_TRUE(t.bob.send_line("during the pause"));
  EXPECT_TRUE(t.alice.expect_line(equals("<bob> during the pause"), within(10s)))
      << t.alice.diagnostics();
  EXPECT_TRUE(t.talk("after the pause")) << t.alice.diagnostics() << t.bob.diagnostics();
}

TEST(ClusterFaults, ARedisStoppedForFiveSecondsIsDetectedAndRecovered) {
  TwoNodes t;
  const Marks from = t.marks();
  ASSERT_TRUE(t.cluster.redis().stop());
  // Local chat does not wait for Redis.
  ASSERT_TRUE(t.amy.send_line("local"));
  EXPECT_TRUE(t.alice.expect_line(equals("<amy> local"), within(1s))) << t.alice.diagnostics();
  // A node with a command waiting longer than 2 s drops the link and is
  // isolated until Redis answers again (one that happened to have nothing
  // waiting just sees its answers late).
  const Deadline five_seconds = within(5s);
  EXPECT_FALSE(t.cluster.node(0).process().wait_for_log(kLinkedLog, five_seconds, from[0]));
  ASSERT_TRUE(t.cluster.redis().resume());
  EXPECT_TRUE(t.settled(from, within(20s)));
  EXPECT_TRUE(t.talk("after SIGCONT")) << t.alice.diagnostics() << t.bob.diagnostics();
}

// Subscribed connections of chatd nodes, as CLIENT LIST shows them.
std::size_t subscriber_links(RedisServer& redis) {
  const auto list = redis.command({"CLIENT", "LIST", "TYPE", "pubsub"});
  if (!list || list->type != reactor::RespValue::Type::kString) return 0;
  std::size_t n = 0;
  for (auto at = list->str.find("name=chatd-sub-"); at != std::string::npos;
       at = list->str.find("name=chatd-sub-", at + 1))
    ++n;
  return n;
}

// A node that stops reading is cut off by Redis once its subscriber's output
// buffer passes the limit; continued, it reconnects and tells its users how
// many messages of the room did not reach it.
TEST(ClusterFaults, ANodeCutOffByRedisReconnectsAndReportsTheGap) {
  TwoNodes t;
  RedisServer& redis = t.cluster.redis();
  ASSERT_TRUE(
      redis.command({"CONFIG", "SET", "client-output-buffer-limit", "pubsub 65536 32768 1"}));
  ASSERT_EQ(subscriber_links(redis), 2u);
  const Marks from = t.marks();
  ASSERT_TRUE(t.cluster.node(1).process().send_signal(SIGSTOP));
  const std::string text(1000, 'x');
  // In bursts, so that they go as several envelopes (lines read together go as one).
  for (int burst = 0; burst < 40 && subscriber_links(redis) == 2; ++burst) {
    for (int i = 0; i < 25; ++i)
      ASSERT_TRUE(t.alice.send_line(text));
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(subscriber_links(redis), 1u) << "Redis did not cut the stopped node off";
  ASSERT_TRUE(t.cluster.node(1).process().send_signal(SIGCONT));
  ASSERT_TRUE(t.cluster.wait_linked(1, from[1], within(15s)))
      << t.cluster.node(1).process().log_text();
  ASSERT_TRUE(t.alice.send_line("after the cut"));
  EXPECT_TRUE(t.bob.expect_line(contains("from another server in #lobby did not arrive"),
                                within(10s), 5000))
      << t.bob.diagnostics();
  EXPECT_TRUE(t.bob.expect_line(equals("<alice> after the cut"), within(10s), 5000))
      << t.bob.diagnostics();
}

// The path between a node and Redis stops carrying packets: nothing is refused
// or reset, so TCP would take minutes to tell. The node's own deadlines (a
// command unanswered for 2 s, its heartbeat not back within two intervals)
// isolate it within seconds; the other node hears it fall silent and drops its
// users. When the path is back, so is the node, with its users.
TEST(ClusterFaults, AStalledPathToRedisIsCaughtByTheNodesOwnDeadlines) {
  Cluster cluster(1);
  StallingProxy path(cluster.redis().socket_path());
  MixedChatd far({"--redis", path.url(), "--node-name", "far"});
  ASSERT_TRUE(far.process().wait_for_log(kLinkedLog, within(15s))) << far.process().log_text();
  LineClient alice = connect_as(far.plain_port(), "alice");
  LineClient amy = connect_as(far.plain_port(), "amy");
  LineClient bob = connect_as(cluster.node(0).plain_port(), "bob");
  ASSERT_TRUE(sees_user(bob, "alice")) << bob.diagnostics();
  ASSERT_TRUE(sees_user(alice, "bob")) << alice.diagnostics();
  const std::size_t from = far.process().log_line_count();
  const std::size_t connections = path.connections();

  path.stall();
  EXPECT_TRUE(alice.expect_line(equals(kLostContactLine), within(10s))) << alice.diagnostics();
  EXPECT_TRUE(far.process().wait_for_log("cluster: isolated", within(1s), from))
      << far.process().log_text();
  EXPECT_TRUE(bob.expect_line(equals("*** alice quit (server went away)"), within(12s)))
      << bob.diagnostics();
  ASSERT_TRUE(amy.send_line("local still works"));
  EXPECT_TRUE(alice.expect_line(equals("<amy> local still works"), within(2s)))
      << alice.diagnostics();
  // Its reconnects reach the proxy, but a link is up only once Redis answers.
  EXPECT_FALSE(far.process().wait_for_log(path.url() + " is up", within(0s), from))
      << far.process().log_text();

  path.resume();
  ASSERT_TRUE(far.process().wait_for_log(kLinkedLog, within(20s), from))
      << far.process().log_text();
  EXPECT_TRUE(alice.expect_line(equals(kContactBackLine), within(5s))) << alice.diagnostics();
  EXPECT_GT(path.connections(), connections) << "the node did not connect again";
  ASSERT_TRUE(sees_user(bob, "alice")) << bob.diagnostics();
  ASSERT_TRUE(bob.send_line("welcome back"));
  EXPECT_TRUE(alice.expect_line(equals("<bob> welcome back"), within(10s), 50))
      << alice.diagnostics();
  ASSERT_TRUE(alice.send_line("glad to be"));
  EXPECT_TRUE(bob.expect_line(equals("<alice> glad to be"), within(10s), 50)) << bob.diagnostics();
}

TEST(ClusterFaults, TwoNodesWithReuseportShareOnePort) {
  RedisServer redis;
  const std::uint16_t port = free_port();
  const std::string at = "127.0.0.1:" + std::to_string(port);
  ChatdProcess a({"--listen", at, "--reuseport", "--redis", redis.url(), "--node-name", "r1"});
  ChatdProcess b({"--listen", at, "--reuseport", "--redis", redis.url(), "--node-name", "r2"});
  ASSERT_TRUE(a.wait_for_log(kLinkedLog, within(10s)));
  ASSERT_TRUE(b.wait_for_log(kLinkedLog, within(10s)));
  // The kernel spreads connections over both nodes; everyone hears everyone.
  // 16 users: all on one node would be one run in 32,768.
  constexpr int kUsers = 16;
  std::vector<LineClient> users;
  users.reserve(kUsers);
  for (int i = 0; i < kUsers; ++i)
    users.push_back(connect_as(port, "u" + std::to_string(i)));
  for (int i = 0; i < kUsers; ++i)
    ASSERT_TRUE(sees_user(users[0], "u" + std::to_string(i))) << users[0].diagnostics();
  const std::string last = "u" + std::to_string(kUsers - 1);
  ASSERT_TRUE(users.back().send_line("one port, two nodes"));
  for (int i = 0; i + 1 < kUsers; ++i) {
    EXPECT_TRUE(users[i].expect_line(equals("<" + last + "> one port, two nodes"), within(10s)))
        << users[i].diagnostics();
  }
  // One node stops: its users are told, and the port keeps serving from the other.
  ASSERT_TRUE(a.send_signal(SIGTERM));
  ASSERT_TRUE(a.wait_exit(within(10s)));
  for (int i = 0; i < 4; ++i) {
    LineClient later = connect_as(port, "later" + std::to_string(i));
    ASSERT_TRUE(later.send_line("/who"));
    EXPECT_TRUE(later.expect_line(contains(" in #lobby"))) << later.diagnostics();
  }
  std::size_t told = 0;
  for (LineClient& u : users) {
    if (u.expect_line(equals("*** server shutting down"), within(200ms))) ++told;
  }
  EXPECT_GE(told, 1u) << "the kernel put no connection on the stopped node";
}

}  // namespace
}  // namespace chatd::test
