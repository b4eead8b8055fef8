// Integration tests of several chatd nodes sharing one chat through a private
// Redis: room lines, /who, /rooms, /msg, nicks unique across nodes, plain and
// IRC users on different nodes, and what a room line costs Redis.
#include "tests/support/cluster.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

// alice on node 0 and bob on node 1, each seeing the other in #lobby.
struct TwoUsers {
  Cluster cluster{2};
  LineClient alice = connect_as(cluster.node(0).plain_port(), "alice");
  LineClient bob = connect_as(cluster.node(1).plain_port(), "bob");
  TwoUsers() {
    if (!sees_user(bob, "alice") || !sees_user(alice, "bob")) {
      throw std::runtime_error("the nodes do not see each other's users: " + bob.diagnostics() +
                               alice.diagnostics());
    }
  }
};

TEST(Cluster, RoomLinesCrossNodesInOrderWithNothingLostOrRepeated) {
  TwoUsers t;
  constexpr int kLines = 300;
  for (int i = 0; i < kLines; ++i)
    ASSERT_TRUE(t.alice.send_line("line " + std::to_string(i)));
  for (int i = 0; i < kLines; ++i) {
    const auto line = t.bob.expect_line(starts_with("<alice> line "), within(10s), 10);
    ASSERT_TRUE(line) << t.bob.diagnostics();
    ASSERT_EQ(*line, "<alice> line " + std::to_string(i));
  }
  ASSERT_TRUE(t.bob.send_line("and back"));
  EXPECT_TRUE(t.alice.expect_line(equals("<bob> and back")));
  // Nothing more arrives: no line was delivered twice.
  ASSERT_TRUE(t.bob.send_line("/who"));
  ASSERT_TRUE(t.bob.expect_line(contains("users in #lobby")));
  for (const std::string& s : t.bob.skipped())
    EXPECT_FALSE(s.starts_with("<alice>")) << s;
}

// A number from Redis's INFO text: the value after "<key>:" or "<key>=" (as
// in "cmdstat_evalsha:calls=12,..."); 0 if absent.
double info_number(RedisServer& redis, const std::string& section, const std::string& key) {
  const auto v = redis.command({"INFO", section});
  if (!v || v->type != reactor::RespValue::Type::kString) return 0;
  const auto at = v->str.find(key);
  if (at == std::string::npos) return 0;
  return std::strtod(v->str.c_str() + at + key.size() + 1, nullptr);
}

// Fan-out seen from Redis: a room line is one script call on its node and one
// delivery per node with members in the room, however many members there are.
TEST(Cluster, RedisDeliversOneCopyOfALinePerSubscribedNode) {
  Cluster cluster(3);
  std::vector<LineClient> users;
  for (std::size_t node = 0; node < 3; ++node) {
    for (int k = 0; k < 3; ++k)
      users.push_back(connect_as(cluster.node(node).plain_port(),
                                 "u" + std::to_string(node) + std::to_string(k)));
  }
  ASSERT_TRUE(sees_user(users.front(), "u22")) << users.front().diagnostics();
  RedisServer& redis = cluster.redis();
  const auto numsub = redis.command({"PUBSUB", "NUMSUB", "chatd:r:{#lobby}"});
  ASSERT_TRUE(numsub && numsub->is_array() && numsub->elements.size() == 2);
  EXPECT_EQ(numsub->elements[1].integer, 3) << "one subscription per node with members";

  const double calls_before = info_number(redis, "commandstats", "cmdstat_evalsha:calls");
  const double out_before = info_number(redis, "stats", "total_net_output_bytes");
  constexpr int kLines = 100;
  constexpr std::size_t kText = 400;
  for (int i = 0; i < kLines; ++i) {
    std::string text = std::to_string(i) + " ";
    text.resize(kText, 'x');
    ASSERT_TRUE(users.front().send_line(text));
  }
  for (std::size_t u = 1; u < users.size(); ++u) {
    EXPECT_TRUE(users[u].expect_line(starts_with("<u00> " + std::to_string(kLines - 1) + " "),
                                     within(10s), 1000))
        << users[u].diagnostics();
  }
  const double calls = info_number(redis, "commandstats", "cmdstat_evalsha:calls") - calls_before;
  const double out = info_number(redis, "stats", "total_net_output_bytes") - out_before;
  // At most one kSay call per line (lines read together go as one envelope),
  // plus the nodes' heartbeats meanwhile.
  EXPECT_GE(calls, 1);
  EXPECT_LE(calls, kLines + 30);
  // Three copies of each line (envelope and framing under 200 bytes each, and
  // little else meanwhile), where one per member would be nine.
  EXPECT_GE(out, 3.0 * kLines * kText);
  EXPECT_LE(out, 3.0 * kLines * (kText + 200) + 32 * 1024);
  std::printf("[ measured ] Redis output per room line to 3 nodes: %.0f bytes (text %zu)\n",
              out / kLines, kText);
}

TEST(Cluster, WhoAndRoomsCountEveryNodesMembers) {
  TwoUsers t;
  ASSERT_TRUE(t.bob.send_line("/rooms"));
  EXPECT_TRUE(t.bob.expect_line(equals("*** 1 room: #lobby (2)"))) << t.bob.diagnostics();
  ASSERT_TRUE(t.bob.send_line("/join #dev"));
  ASSERT_TRUE(t.bob.expect_line(contains("joined #dev")));
  // alice's node has heard of bob's join before she follows.
  ASSERT_TRUE(sees_room(t.alice, "#dev (1)")) << t.alice.diagnostics();
  ASSERT_TRUE(t.alice.send_line("/join #dev"));
  ASSERT_TRUE(t.alice.expect_line(contains("joined #dev")));
  ASSERT_TRUE(t.alice.send_line("/who"));
  const auto who = t.alice.expect_line(contains("in #dev"));
  ASSERT_TRUE(who) << t.alice.diagnostics();
  EXPECT_NE(who->find("2 users in #dev"), std::string::npos) << *who;
  EXPECT_NE(who->find("bob"), std::string::npos) << *who;
}

TEST(Cluster, PrivateMessagesGoToTheOwnersNode) {
  TwoUsers t;
  ASSERT_TRUE(t.bob.send_line("/msg alice psst"));
  EXPECT_TRUE(t.bob.expect_line(equals("-> *alice* psst")));
  EXPECT_TRUE(t.alice.expect_line(equals("*bob* psst"))) << t.alice.diagnostics();
  ASSERT_TRUE(t.alice.send_line("/msg nobody hello"));
  EXPECT_TRUE(t.alice.expect_line(equals("! no such user: nobody")));
}

TEST(Cluster, ANickHeldOnOneNodeIsTakenOnTheOther) {
  TwoUsers t;
  ASSERT_TRUE(t.bob.send_line("/nick alice"));
  EXPECT_TRUE(t.bob.expect_line(equals("! nick taken: alice"))) << t.bob.diagnostics();
  ASSERT_TRUE(t.alice.send_line("/nick alicia"));
  ASSERT_TRUE(t.alice.expect_line(equals("*** alice is now known as alicia")));
  EXPECT_TRUE(t.bob.expect_line(equals("*** alice is now known as alicia")));
  // The old nick is free once the rename is through Redis.
  ASSERT_TRUE(t.bob.send_line("/nick alice"));
  EXPECT_TRUE(t.bob.expect_line(equals("*** bob is now known as alice"))) << t.bob.diagnostics();
}

TEST(Cluster, ARaceForOneNickOnThreeNodesHasExactlyOneWinner) {
  Cluster cluster(3);
  std::vector<LineClient> racers;
  std::vector<std::string> guests;
  for (std::size_t n = 0; n < 3; ++n) {
    for (int i = 0; i < 4; ++i) {
      racers.emplace_back(cluster.node(n).plain_port());
      const auto greeting = racers.back().read_line();
      ASSERT_TRUE(greeting);
      guests.push_back(*greeting_nick(*greeting));
    }
  }
  for (LineClient& c : racers)
    ASSERT_TRUE(c.send_line("/nick winner"));
  int won = 0;
  int lost = 0;
  for (std::size_t i = 0; i < racers.size(); ++i) {
    const auto answer =
        racers[i].expect_line(satisfies(
                                  [&](std::string_view l) {
                                    return l == "! nick taken: winner" ||
                                           l == "*** " + guests[i] + " is now known as winner";
                                  },
                                  "the answer to /nick winner"),
                              within(10s));
    ASSERT_TRUE(answer) << racers[i].diagnostics();
    (answer->starts_with("!") ? lost : won)++;
  }
  EXPECT_EQ(won, 1);
  EXPECT_EQ(lost, 11);
}

TEST(Cluster, IrcUsersOnOneNodeTalkWithPlainUsersOnAnother) {
  Cluster cluster(2);
  IrcClient irc = connect_irc(cluster.node(0).irc_port(), "ircer");
  LineClient plain = connect_as(cluster.node(1).plain_port(), "plainer");
  irc.join("#lobby");
  ASSERT_TRUE(plain.expect_line(equals("*** ircer joined #lobby"), within(10s)))
      << plain.diagnostics();
  ASSERT_TRUE(plain.send_line("hello irc"));
  const auto privmsg = irc.expect(irc_command("PRIVMSG"), within(10s));
  ASSERT_TRUE(privmsg) << irc.diagnostics();
  const IrcLine l = parse_irc_line(*privmsg);
  EXPECT_TRUE(l.source.starts_with("plainer!~nc@")) << *privmsg;
  EXPECT_EQ(l.param(1), "hello irc");
  ASSERT_TRUE(irc.send("PRIVMSG #lobby :\x02hello\x02 plain"));
  EXPECT_TRUE(plain.expect_line(equals("<ircer> hello plain"))) << plain.diagnostics();
  ASSERT_TRUE(irc.send("NAMES #lobby"));
  const auto names = irc.expect(irc_command("353"));
  ASSERT_TRUE(names) << irc.diagnostics();
  EXPECT_NE(names->find("plainer"), std::string::npos) << *names;
  ASSERT_TRUE(irc.send("PRIVMSG plainer :direct"));
  EXPECT_TRUE(plain.expect_line(equals("*ircer* direct"))) << plain.diagnostics();
}

TEST(Cluster, AnIrcNickTakenOnAnotherNodeIsRefusedAtRegistration) {
  Cluster cluster(2);
  LineClient plain = connect_as(cluster.node(1).plain_port(), "taken");
  IrcClient irc(cluster.node(0).irc_port());
  ASSERT_TRUE(irc.send("NICK taken"));
  ASSERT_TRUE(irc.send("USER u 0 * :U"));
  EXPECT_TRUE(irc.expect(irc_command("433"), within(10s))) << irc.diagnostics();
}

TEST(Cluster, ANodeStoppedWithSigtermHasItsUsersQuitAtOnce) {
  TwoUsers t;
  ASSERT_TRUE(t.cluster.node(1).process().send_signal(SIGTERM));
  EXPECT_TRUE(t.alice.expect_line(starts_with("*** bob quit"), within(3s)))
      << t.alice.diagnostics();
  ASSERT_TRUE(t.alice.send_line("/nick bob"));
  EXPECT_TRUE(t.alice.expect_line(equals("*** alice is now known as bob")))
      << t.alice.diagnostics();
}

TEST(Cluster, AKilledNodesUsersQuitAndItsNicksComeFreeWithinItsLease) {
  TwoUsers t;
  ASSERT_TRUE(t.cluster.node(1).process().send_signal(SIGKILL));
  const Deadline lease = within(16s);
  EXPECT_TRUE(t.alice.expect_line(equals("*** bob quit (server went away)"), lease))
      << t.alice.diagnostics();
  bool renamed = false;
  for (int attempt = 0; attempt < 40 && !renamed && Clock::now() < lease; ++attempt) {
    ASSERT_TRUE(t.alice.send_line("/nick bob"));
    const auto answer = t.alice.expect_line(
        satisfies(
            [](std::string_view l) { return l.starts_with("! ") || l.starts_with("*** alice"); },
            "an answer to /nick"),
        within(3s));
    ASSERT_TRUE(answer) << t.alice.diagnostics();
    renamed = *answer == "*** alice is now known as bob";
    if (answer->starts_with("! nick changes too fast")) break;
    // The lease runs out on its own time: ask again in a while.
    if (!renamed) std::this_thread::sleep_for(500ms);
  }
  EXPECT_TRUE(renamed) << t.alice.diagnostics();
}

}  // namespace
}  // namespace chatd::test
