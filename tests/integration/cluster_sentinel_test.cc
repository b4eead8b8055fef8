// Integration test of a cluster whose Redis is found through Redis Sentinel:
// the primary is SIGKILLed, the sentinels promote the replica, and every node
// moves to it, with the same notices as a Redis restart, and chat goes on.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/cluster.h"
#include "tests/support/redis_sentinels.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> node_args(RedisSentinels& set, const std::string& name) {
  std::vector<std::string> args = set.chatd_args();
  args.insert(args.end(), {"--node-name", name});
  return args;
}

TEST(ClusterSentinel, NodesFollowAFailoverToThePromotedReplica) {
  RedisSentinels set;
  MixedChatd n1(node_args(set, "n1"));
  ASSERT_TRUE(n1.process().wait_for_log(kLinkedLog, within(15s))) << n1.process().log_text();
  MixedChatd n2(node_args(set, "n2"));
  ASSERT_TRUE(n2.process().wait_for_log(kLinkedLog, within(15s))) << n2.process().log_text();
  EXPECT_TRUE(
      n1.process().wait_for_log("Sentinel reports the primary chatd-primary at redis://127.0.0.1:" +
                                    std::to_string(set.primary().port()),
                                within(0s)))
      << n1.process().log_text();

  LineClient alice = connect_as(n1.plain_port(), "alice");
  LineClient bob = connect_as(n2.plain_port(), "bob");
  ASSERT_TRUE(sees_user(bob, "alice")) << bob.diagnostics();
  ASSERT_TRUE(sees_user(alice, "bob")) << alice.diagnostics();
  const std::size_t from1 = n1.process().log_line_count();
  const std::size_t from2 = n2.process().log_line_count();

  const Clock::time_point killed = Clock::now();
  set.primary().kill();
  EXPECT_TRUE(alice.expect_line(equals(kLostContactLine), within(10s))) << alice.diagnostics();
  ASSERT_TRUE(set.wait_primary_port(set.replica().port(), within(30s)))
      << "the sentinels did not promote the replica";
  for (MixedChatd* n : {&n1, &n2}) {
    const std::size_t from = n == &n1 ? from1 : from2;
    EXPECT_TRUE(n->process().wait_for_log(
        "Sentinel reports the primary chatd-primary at redis://127.0.0.1:" +
            std::to_string(set.replica().port()),
        within(15s), from))
        << n->process().log_text();
    EXPECT_TRUE(n->process().wait_for_log(kLinkedLog, within(15s), from))
        << n->process().log_text();
  }
  EXPECT_TRUE(alice.expect_line(equals(kContactBackLine), within(10s))) << alice.diagnostics();
  EXPECT_TRUE(bob.expect_line(equals(kContactBackLine), within(10s))) << bob.diagnostics();
  // Reported, not asserted: from the kill to both nodes' users told contact is back.
  RecordProperty(
      "failover_ms",
      static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - killed).count()));

  ASSERT_TRUE(bob.send_line("after the failover"));
  EXPECT_TRUE(alice.expect_line(equals("<bob> after the failover"), within(10s)))
      << alice.diagnostics();
  // The promoted replica had alice's claim: bob cannot take the nick.
  ASSERT_TRUE(bob.send_line("/nick alice"));
  EXPECT_TRUE(bob.expect_line(equals("! nick taken: alice"))) << bob.diagnostics();
  EXPECT_EQ(set.replica().integer({"EXISTS", "chatd:{c}:nick:alice"}), 1);
}

}  // namespace
}  // namespace chatd::test
