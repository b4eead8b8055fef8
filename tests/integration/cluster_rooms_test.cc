// Integration tests of room state across chatd nodes: topics, modes, voice,
// and kicks set by an IRC operator on one node and felt by plain
// users on another, and a node started later learning them.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/cluster.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

// An IRC operator of #ops on node 0, and a plain user in #ops on node 1.
struct OpsRoom {
  Cluster cluster{2};
  IrcClient op = connect_irc(cluster.node(0).irc_port(), "op");
  LineClient plain = connect_as(cluster.node(1).plain_port(), "pl");
  OpsRoom() {
    op.join("#ops");
    if (!sees_room(plain, "#ops (1)") || !plain.send_line("/join #ops") ||
        !op.expect(irc_command("JOIN"), within(10s))) {
      throw std::runtime_error("setup failed: " + plain.diagnostics() + op.diagnostics());
    }
  }
};

TEST(ClusterRooms, TopicsAndModesSetOnOneNodeHoldOnTheOther) {
  OpsRoom t;
  ASSERT_TRUE(t.op.send("TOPIC #ops :release at noon"));
  EXPECT_TRUE(
      t.plain.expect_line(equals("*** op set the topic of #ops: release at noon"), within(10s)))
      << t.plain.diagnostics();
  ASSERT_TRUE(t.op.send("MODE #ops +m"));
  EXPECT_TRUE(t.plain.expect_line(equals("*** op sets mode +m on #ops"), within(10s)))
      << t.plain.diagnostics();
  // The plain user's node enforces the mode it was told of.
  ASSERT_TRUE(t.plain.send_line("can I speak?"));
  EXPECT_TRUE(t.plain.expect_line(equals("! #ops is moderated (you need voice)")))
      << t.plain.diagnostics();
  ASSERT_TRUE(t.op.send("MODE #ops +v pl"));
  EXPECT_TRUE(t.plain.expect_line(equals("*** op sets mode +v pl on #ops"), within(10s)))
      << t.plain.diagnostics();
  ASSERT_TRUE(t.plain.send_line("now I can"));
  const auto said = t.op.expect(irc_command("PRIVMSG"), within(10s));
  ASSERT_TRUE(said) << t.op.diagnostics();
  EXPECT_EQ(parse_irc_line(*said).param(1), "now I can");
  // NAMES on the operator's node shows the voice given there to the other node's user.
  ASSERT_TRUE(t.op.send("NAMES #ops"));
  const auto names = t.op.expect(irc_command("353"));
  ASSERT_TRUE(names) << t.op.diagnostics();
  EXPECT_NE(names->find("+pl"), std::string::npos) << *names;
}

TEST(ClusterRooms, AKickOnOneNodeRemovesTheUserOnItsOwn) {
  OpsRoom t;
  ASSERT_TRUE(t.op.send("KICK #ops pl :out"));
  EXPECT_TRUE(t.plain.expect_line(
      equals("*** you were kicked from #ops by op (out); /join a room to talk"), within(10s)))
      << t.plain.diagnostics();
  ASSERT_TRUE(t.plain.send_line("still in?"));
  EXPECT_TRUE(t.plain.expect_line(starts_with("! ")));
  ASSERT_TRUE(t.op.send("NAMES #ops"));
  const auto names = t.op.expect(irc_command("353"));
  ASSERT_TRUE(names);
  EXPECT_EQ(names->find("pl"), std::string::npos) << *names;
}

TEST(ClusterRooms, ANodeStartedLaterLearnsTopicsAndModes) {
  OpsRoom t;
  ASSERT_TRUE(t.op.send("TOPIC #ops :set before n3"));
  ASSERT_TRUE(t.op.send("MODE #ops +k sesame"));
  ASSERT_TRUE(t.plain.expect_line(contains("sets mode +k"), within(10s))) << t.plain.diagnostics();
  const std::size_t n3 = t.cluster.add_node();
  LineClient late = connect_as(t.cluster.node(n3).plain_port(), "late");
  ASSERT_TRUE(sees_room(late, "#ops (2)")) << late.diagnostics();
  ASSERT_TRUE(late.send_line("/join #ops"));
  EXPECT_TRUE(late.expect_line(starts_with("! ")));  // the key it learned is needed
  ASSERT_TRUE(late.send_line("/join #ops sesame"));
  EXPECT_TRUE(late.expect_line(contains("joined #ops"))) << late.diagnostics();
  EXPECT_TRUE(late.expect_line(equals("*** topic of #ops: set before n3 (set by op)")))
      << late.diagnostics();
}

}  // namespace
}  // namespace chatd::test
