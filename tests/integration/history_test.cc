// Integration tests of room history: whoever joins a room is shown its last lines, marked
// as such: plain users between a header and a trailer with the time of each line, IRC users
// with server-time and inside a chathistory batch when they asked for those; private lines
// are never kept, --history-lines bounds what is kept and 0 turns it off.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/irc_client.h"
#include "tests/support/line_client.h"

namespace chatd::test {
namespace {

constexpr char kHeader[] = "*** recent lines in #lobby (times UTC):";
constexpr char kTrailer[] = "*** end of recent lines";

// alice says `lines` in #lobby, each relayed (her /who answered) before the next, so that
// none of them is a run of lines relayed together.
LineClient speaker(std::uint16_t port, const std::vector<std::string>& lines) {
  LineClient alice = connect_as(port, "alice");
  for (const std::string& line : lines) {
    EXPECT_TRUE(alice.send_line(line));
    EXPECT_TRUE(alice.send_line("/who"));
    EXPECT_TRUE(alice.expect_line(matches(R"(\*\*\* \d+ users? in #lobby:.*)")))
        << alice.diagnostics();
  }
  return alice;
}

// A new plain user's first lines: the greeting, then what history shows it.
std::vector<std::string> greeting_of_a_newcomer(std::uint16_t port, std::size_t lines) {
  LineClient newcomer(port);
  std::vector<std::string> got;
  for (std::size_t i = 0; i < lines; ++i) {
    auto line = newcomer.read_line();
    if (!line) break;
    got.push_back(*line);
  }
  return got;
}

TEST(History, APlainJoinerSeesTheLastLinesInOrderWithTheirTimes) {
  ChatdProcess chatd;
  LineClient alice = speaker(chatd.port(), {"one", "/me waves", "three"});
  const std::vector<std::string> got = greeting_of_a_newcomer(chatd.port(), 6);
  ASSERT_EQ(got.size(), 6u);
  EXPECT_TRUE(got[0].starts_with("*** welcome to chatd")) << got[0];
  EXPECT_EQ(got[1], kHeader);
  EXPECT_TRUE(matches(R"(\[\d\d:\d\d\] <alice> one)").test(got[2])) << got[2];
  EXPECT_TRUE(matches(R"(\[\d\d:\d\d\] \* alice waves)").test(got[3])) << got[3];
  EXPECT_TRUE(matches(R"(\[\d\d:\d\d\] <alice> three)").test(got[4])) << got[4];
  EXPECT_EQ(got[5], kTrailer);
}

TEST(History, JoiningAnotherRoomShowsThatRoomsLines) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  ASSERT_TRUE(alice.send_line("/join #dev"));
  ASSERT_TRUE(alice.expect_line(equals("*** alice joined #dev"))) << alice.diagnostics();
  ASSERT_TRUE(alice.send_line("about the build"));
  ASSERT_TRUE(alice.send_line("/who"));
  ASSERT_TRUE(alice.expect_line(starts_with("*** 1 user in #dev:"))) << alice.diagnostics();
  LineClient bob = connect_as(chatd.port(), "bob");
  ASSERT_TRUE(bob.send_line("/join #dev"));
  ASSERT_TRUE(bob.expect_line(equals("*** bob joined #dev"))) << bob.diagnostics();
  ASSERT_TRUE(bob.expect_line(equals("*** recent lines in #dev (times UTC):")))
      << bob.diagnostics();
  ASSERT_TRUE(
      bob.expect_line(matches(R"(\[\d\d:\d\d\] <alice> about the build)"), default_deadline(), 0))
      << bob.diagnostics();
  EXPECT_TRUE(bob.expect_line(equals(kTrailer), default_deadline(), 0)) << bob.diagnostics();
}

TEST(History, PrivateLinesAreNeverKept) {
  ChatdProcess chatd;
  LineClient bob = connect_as(chatd.port(), "bob");
  LineClient alice = speaker(chatd.port(), {"/msg bob a secret", "in the open"});
  ASSERT_TRUE(bob.expect_line(equals("*alice* a secret"))) << bob.diagnostics();
  const std::vector<std::string> got = greeting_of_a_newcomer(chatd.port(), 4);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[1], kHeader);
  EXPECT_TRUE(matches(R"(\[\d\d:\d\d\] <alice> in the open)").test(got[2])) << got[2];
  EXPECT_EQ(got[3], kTrailer);
}

TEST(History, HistoryLinesBoundsWhatIsKept) {
  ChatdProcess chatd({"--history-lines", "2"});
  LineClient alice = speaker(chatd.port(), {"1", "2", "3", "4"});
  const std::vector<std::string> got = greeting_of_a_newcomer(chatd.port(), 5);
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[1], kHeader);
  EXPECT_TRUE(got[2].ends_with("<alice> 3")) << got[2];
  EXPECT_TRUE(got[3].ends_with("<alice> 4")) << got[3];
  EXPECT_EQ(got[4], kTrailer);
}

TEST(History, ZeroHistoryLinesShowsNothing) {
  ChatdProcess chatd({"--history-lines", "0"});
  LineClient alice = speaker(chatd.port(), {"not kept"});
  LineClient newcomer(chatd.port());
  ASSERT_TRUE(newcomer.expect_line(starts_with("*** welcome to chatd"))) << newcomer.diagnostics();
  ASSERT_TRUE(newcomer.send_line("/who"));
  auto next = newcomer.read_line();
  ASSERT_TRUE(next) << newcomer.diagnostics();
  EXPECT_TRUE(next->starts_with("*** 2 users in #lobby")) << *next;
}

// An IRC client with batch and server-time: the lines inside one chathistory batch, each
// with the time it was said, after the NAMES of its JOIN.
TEST(History, AnIrcJoinerWithBatchAndServerTimeGetsAChathistoryBatch) {
  MixedChatd chatd;
  LineClient alice = speaker(chatd.plain_port(), {"first", "second"});
  IrcClient ian = connect_irc(chatd.irc_port(), "ian", {"batch", "server-time"});
  ian.join("#lobby");
  auto start = ian.expect_command("BATCH");
  ASSERT_TRUE(start) << ian.diagnostics();
  EXPECT_EQ(start->param(0), "+history");
  EXPECT_EQ(start->param(1), "chathistory");
  EXPECT_EQ(start->param(2), "#lobby");
  for (const char* text : {"first", "second"}) {
    auto line = ian.expect(irc_command("PRIVMSG"), default_deadline(), 0);
    ASSERT_TRUE(line) << ian.diagnostics();
    const IrcLine l = parse_irc_line(*line);
    EXPECT_EQ(l.nick(), "alice");
    EXPECT_EQ(l.param(1), text);
    EXPECT_TRUE(
        matches(R"(batch=history;time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)").test(l.tags))
        << l.tags;
  }
  auto end = ian.expect(irc_command("BATCH"), default_deadline(), 0);
  ASSERT_TRUE(end) << ian.diagnostics();
  EXPECT_EQ(parse_irc_line(*end).param(0), "-history");
}

TEST(History, AnIrcJoinerWithServerTimeAloneGetsTimedLinesAndNoBatch) {
  MixedChatd chatd;
  LineClient alice = speaker(chatd.plain_port(), {"said before"});
  IrcClient ian = connect_irc(chatd.irc_port(), "ian", {"server-time"});
  ian.join("#lobby");
  auto line = ian.expect(irc_command("PRIVMSG"), default_deadline(), 0);
  ASSERT_TRUE(line) << ian.diagnostics();
  const IrcLine l = parse_irc_line(*line);
  EXPECT_EQ(l.param(1), "said before");
  EXPECT_TRUE(l.tags.starts_with("time=")) << l.tags;
  EXPECT_EQ(l.tags.find("batch"), std::string::npos) << l.tags;
}

TEST(History, IrcUsersLinesAreReplayedToPlainJoinersAndTheOtherWay) {
  MixedChatd chatd;
  IrcClient ian = connect_irc(chatd.irc_port(), "ian");
  ian.join("#lobby");
  ASSERT_TRUE(ian.send("PRIVMSG #lobby :from irc"));
  ASSERT_TRUE(ian.send("PING :barrier"));
  ASSERT_TRUE(ian.expect(irc_command("PONG"))) << ian.diagnostics();
  const std::vector<std::string> got = greeting_of_a_newcomer(chatd.plain_port(), 4);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_TRUE(got[2].ends_with("<ian> from irc")) << got[2];
  IrcClient jo = connect_irc(chatd.irc_port(), "jo");
  jo.join("#lobby");
  auto line = jo.expect(irc_command("PRIVMSG"), default_deadline(), 0);
  ASSERT_TRUE(line) << jo.diagnostics();
  EXPECT_EQ(parse_irc_line(*line).param(1), "from irc");
  EXPECT_EQ(parse_irc_line(*line).tags, "") << "no tags for a client that asked for none";
}

TEST(History, IrcOffersTheBatchCapability) {
  MixedChatd chatd;
  IrcClient probe(chatd.irc_port());
  ASSERT_TRUE(probe.send("CAP LS 302"));
  auto ls = probe.expect(irc_command("CAP"));
  ASSERT_TRUE(ls) << probe.diagnostics();
  EXPECT_NE((" " + parse_irc_line(*ls).param(2) + " ").find(" batch "), std::string::npos) << *ls;
}

}  // namespace
}  // namespace chatd::test
