// Integration tests of room history across chatd nodes: lines said on one node
// are shown to a joiner on another that had no one in the room (read from the
// room's stream in Redis), to plain and IRC joiners alike, even when the
// speaker has left; --history-lines bounds them; a room emptied everywhere
// loses its stream.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "tests/support/cluster.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

// `speaker` says each line, each relayed (its /who answered) before the next.
void say_each(LineClient& speaker, const std::vector<std::string>& lines) {
  for (const std::string& line : lines) {
    ASSERT_TRUE(speaker.send_line(line));
    ASSERT_TRUE(speaker.send_line("/who"));
    ASSERT_TRUE(speaker.expect_line(matches(R"(\*\*\* \d+ users? in #\w+:.*)")))
        << speaker.diagnostics();
  }
}

// The number of entries in `room`'s stream reaches `at_least` (the speaker's
// node has stored them).
bool stream_holds(RedisServer& redis, const std::string& room, std::int64_t at_least) {
  const Deadline deadline = within(10s);
  for (int attempt = 0; attempt < 200 && Clock::now() < deadline; ++attempt) {
    const auto n = redis.command({"XLEN", "chatd:h:{" + room + "}"});
    if (n && n->integer >= at_least) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

// A plain user's first lines on a fresh connection to `port`.
std::vector<std::string> first_lines(std::uint16_t port, std::size_t count) {
  LineClient newcomer(port);
  std::vector<std::string> got;
  for (std::size_t i = 0; i < count; ++i) {
    auto line = newcomer.read_line(within(10s));
    if (!line) break;
    got.push_back(*line);
  }
  return got;
}

// alice in #lobby on node 0; node 1 knows it and has no one in #lobby (its
// probe waits in #side).
struct LobbyOnOneNode {
  explicit LobbyOnOneNode(std::vector<std::string> extra = {}) : cluster(2, std::move(extra)) {
    if (!probe.send_line("/join #side") || !probe.expect_line(contains("joined #side")) ||
        !sees_room(probe, "#lobby (1)")) {
      throw std::runtime_error("setup failed: " + probe.diagnostics());
    }
  }
  Cluster cluster;
  LineClient alice = connect_as(cluster.node(0).plain_port(), "alice");
  LineClient probe = connect_as(cluster.node(1).plain_port(), "probe");
};

TEST(ClusterHistory, ANewcomerOnAnotherNodeSeesTheRoomsLastLines) {
  LobbyOnOneNode t;
  say_each(t.alice, {"one", "/me waves", "three"});
  ASSERT_TRUE(stream_holds(t.cluster.redis(), "#lobby", 3));
  const std::vector<std::string> got = first_lines(t.cluster.node(1).plain_port(), 6);
  ASSERT_EQ(got.size(), 6u);
  EXPECT_TRUE(got[0].starts_with("*** welcome to chatd")) << got[0];
  EXPECT_EQ(got[1], "*** recent lines in #lobby (times UTC):");
  EXPECT_TRUE(matches(R"(\[\d\d:\d\d\] <alice> one)").test(got[2])) << got[2];
  EXPECT_TRUE(matches(R"(\[\d\d:\d\d\] \* alice waves)").test(got[3])) << got[3];
  EXPECT_TRUE(matches(R"(\[\d\d:\d\d\] <alice> three)").test(got[4])) << got[4];
  EXPECT_EQ(got[5], "*** end of recent lines");
}

TEST(ClusterHistory, HistoryLinesBoundsWhatAJoinerOnAnotherNodeSees) {
  LobbyOnOneNode t({"--history-lines", "2"});
  say_each(t.alice, {"first", "second", "third"});
  ASSERT_TRUE(stream_holds(t.cluster.redis(), "#lobby", 3));
  const std::vector<std::string> got = first_lines(t.cluster.node(1).plain_port(), 5);
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[1], "*** recent lines in #lobby (times UTC):");
  EXPECT_TRUE(got[2].ends_with("<alice> second")) << got[2];
  EXPECT_TRUE(got[3].ends_with("<alice> third")) << got[3];
  EXPECT_EQ(got[4], "*** end of recent lines");
}

TEST(ClusterHistory, AnIrcJoinerSeesLinesOfAPlainUserWhoHasLeft) {
  Cluster cluster(2);
  LineClient alice = connect_as(cluster.node(0).plain_port(), "alice");
  LineClient bob = connect_as(cluster.node(0).plain_port(), "bob");
  ASSERT_TRUE(alice.send_line("/join #dev"));
  ASSERT_TRUE(bob.send_line("/join #dev"));
  ASSERT_TRUE(alice.expect_line(contains("bob joined #dev"))) << alice.diagnostics();
  say_each(alice, {"hello dev"});
  ASSERT_TRUE(stream_holds(cluster.redis(), "#dev", 1));
  ASSERT_TRUE(alice.send_line("/quit"));
  ASSERT_TRUE(bob.expect_line(contains("alice quit"))) << bob.diagnostics();
  LineClient probe = connect_as(cluster.node(1).plain_port(), "probe");
  ASSERT_TRUE(sees_room(probe, "#dev (1)")) << probe.diagnostics();

  IrcClient irc = connect_irc(cluster.node(1).irc_port(), "ircer", {"batch", "server-time"});
  ASSERT_TRUE(irc.send("JOIN #dev"));
  ASSERT_TRUE(irc.expect(contains("BATCH +history chathistory #dev"), within(10s)))
      << irc.diagnostics();
  const auto line = irc.expect(contains("PRIVMSG #dev"));
  ASSERT_TRUE(line) << irc.diagnostics();
  EXPECT_TRUE(
      matches(R"(@batch=history;time=\S+ :alice!~\S+@\S+ PRIVMSG #dev :hello dev)").test(*line))
      << *line;
  EXPECT_TRUE(irc.expect(contains("BATCH -history"))) << irc.diagnostics();
  // Live lines follow the history, once.
  ASSERT_TRUE(bob.send_line("after the history"));
  const auto live = irc.expect(contains("PRIVMSG #dev"), within(10s));
  ASSERT_TRUE(live) << irc.diagnostics();
  EXPECT_TRUE(live->ends_with(":after the history")) << *live;
}

TEST(ClusterHistory, ARoomEmptiedEverywhereLosesItsStream) {
  Cluster cluster(2);
  LineClient alice = connect_as(cluster.node(0).plain_port(), "alice");
  ASSERT_TRUE(alice.send_line("/join #tmp"));
  ASSERT_TRUE(alice.expect_line(contains("joined #tmp"))) << alice.diagnostics();
  say_each(alice, {"for now only"});
  ASSERT_TRUE(stream_holds(cluster.redis(), "#tmp", 1));
  ASSERT_TRUE(alice.send_line("/join #lobby"));
  ASSERT_TRUE(alice.expect_line(contains("joined #lobby"))) << alice.diagnostics();
  bool gone = false;
  const Deadline deadline = within(10s);
  for (int attempt = 0; attempt < 200 && !gone && Clock::now() < deadline; ++attempt) {
    const auto n = cluster.redis().command({"EXISTS", "chatd:h:{#tmp}"});
    gone = n && n->integer == 0;
    if (!gone) std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(gone);
  LineClient later = connect_as(cluster.node(1).plain_port(), "later");
  ASSERT_TRUE(later.send_line("/join #tmp"));
  ASSERT_TRUE(later.expect_line(contains("joined #tmp"))) << later.diagnostics();
  ASSERT_TRUE(later.send_line("/who"));
  const auto next = later.read_line(within(10s));
  ASSERT_TRUE(next) << later.diagnostics();
  EXPECT_TRUE(next->starts_with("*** 1 user in #tmp")) << *next;  // no recent lines before it
}

}  // namespace
}  // namespace chatd::test
