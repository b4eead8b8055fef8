// Integration tests of server operators in a cluster: an operator on one node
// kills another node's user, and a server ban set on one node holds on every
// node, is kept in each node's state file, and reaches a node started later.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <thread>

#include "tests/support/cluster.h"
#include "tests/support/oper_login.h"
#include "tests/support/temp_dir.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

constexpr char kPassword[] = "a cluster of operators";

// Two nodes sharing one [[oper]] file, each with its own state directory; ada
// (an operator) on node 0, and users from 127.0.0.1 and 127.0.0.2 on node 1.
class AdminCluster {
 public:
  AdminCluster() : config_(dir_.write("chatd.toml", oper_table(kPassword))) {
    for (int i = 0; i < 3; ++i)
      std::filesystem::create_directories(state(i));
    cluster_.add_node(node_args(0));
    cluster_.add_node(node_args(1));
  }
  std::vector<std::string> node_args(int i) const {
    return {"--config", config_, "--state-dir", state(i)};
  }
  std::string state(int i) const { return (dir_.path() / ("state" + std::to_string(i))).string(); }
  Cluster& cluster() { return cluster_; }

 private:
  TempDir dir_{"cluster-admin"};
  std::string config_;
  Cluster cluster_{0};
};

TEST(ClusterAdmin, AnOperatorKillsAUserOfAnotherNode) {
  AdminCluster a;
  LineClient ada = connect_as(a.cluster().node(0).plain_port(), "ada");
  LineClient victim = connect_as(a.cluster().node(1).plain_port(), "victim");
  ASSERT_TRUE(sees_user(ada, "victim")) << ada.diagnostics();
  become_oper(ada, kPassword);
  ASSERT_TRUE(ada.send_line("/kill victim spamming"));
  EXPECT_TRUE(victim.expect_line(equals("*** you were removed from the server: Killed by ada "
                                        "(spamming)"),
                                 within(10s)))
      << victim.diagnostics();
  EXPECT_TRUE(ada.expect_line(starts_with("*** victim quit"), within(10s))) << ada.diagnostics();
  // The victim's node shows ada as an operator in /who: oper status crossed too.
  LineClient other = connect_as(a.cluster().node(1).plain_port(), "other");
  ASSERT_TRUE(sees_user(other, "ada"));
  ASSERT_TRUE(other.send_line("/who"));
  EXPECT_TRUE(other.expect_line(satisfies(
      [](std::string_view l) { return l.find(" *ada") != l.npos || l.find(" *@ada") != l.npos; },
      "ada listed as a server operator")))
      << other.diagnostics();
}

TEST(ClusterAdmin, AServerBanHoldsOnEveryNodeAndIsKept) {
  AdminCluster a;
  LineClient ada = connect_as(a.cluster().node(0).plain_port(), "ada");
  LineClient banned = connect_from(a.cluster().node(1).plain_port(), "127.0.0.2", "banned");
  ASSERT_TRUE(sees_user(ada, "banned")) << ada.diagnostics();
  become_oper(ada, kPassword);
  ASSERT_TRUE(ada.send_line("/kline 127.0.0.2 0 flooding"));
  ASSERT_TRUE(ada.expect_line(starts_with("*** banned 127.0.0.2/32 for good")))
      << ada.diagnostics();
  EXPECT_TRUE(banned.expect_line(contains("Banned (flooding)"), within(10s)))
      << banned.diagnostics();
  // New connections to the other node are refused too.
  {
    ClientOptions o;
    o.source = "127.0.0.2";
    LineClient again(a.cluster().node(1).plain_port(), o);
    EXPECT_EQ(again.read_line(within(10s)),
              std::optional<std::string>("! banned from this server: flooding"));
  }
  // Each node keeps it in its own state file.
  const Deadline saved = within(10s);
  bool in_file = false;
  for (int i = 0; i < 100 && !in_file && Clock::now() < saved; ++i) {
    in_file = std::filesystem::exists(a.state(1) + "/bans.toml");
    if (!in_file) std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(in_file);
  // A node started later has it from Redis.
  const std::size_t n3 = a.cluster().add_node(a.node_args(2));
  const Deadline loaded = within(10s);
  std::optional<std::string> first;
  for (int i = 0; i < 50 && Clock::now() < loaded; ++i) {
    ClientOptions o;
    o.source = "127.0.0.2";
    LineClient late(a.cluster().node(n3).plain_port(), o);
    first = late.read_line();
    if (first == "! banned from this server: flooding") break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(first, std::optional<std::string>("! banned from this server: flooding"));
  // Lifted on one node, lifted on all.
  ASSERT_TRUE(ada.send_line("/unkline 127.0.0.2"));
  ASSERT_TRUE(ada.expect_line(starts_with("*** ")));
  const Deadline lifted = within(10s);
  for (int i = 0; i < 50 && Clock::now() < lifted; ++i) {
    ClientOptions o;
    o.source = "127.0.0.2";
    LineClient back(a.cluster().node(1).plain_port(), o);
    first = back.read_line();
    if (first && first->starts_with("*** welcome")) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(first && first->starts_with("*** welcome")) << first.value_or("(nothing)");
}

}  // namespace
}  // namespace chatd::test
