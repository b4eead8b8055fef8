// Integration tests of chatd's commands over real sockets: /nick, /join, /who, /rooms, /msg,
// /me and /quit, each with its replies, announcements and errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/chatd_process.h"
#include "tests/support/line_client.h"

namespace chatd::test {
namespace {

// The words after the first ": " of a /who line.
std::set<std::string> names_in(const std::string& line) {
  std::set<std::string> names;
  auto colon = line.find(": ");
  if (colon == std::string::npos) return names;
  std::istringstream words(line.substr(colon + 2));
  for (std::string w; words >> w;)
    names.insert(w);
  return names;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Sends /who and returns the lines `client` received before its reply: everything the server
// queued for it earlier, since one connection's output is never reordered.
std::vector<std::string> lines_before_who(LineClient& client) {
  EXPECT_TRUE(client.send_line("/who"));
  EXPECT_TRUE(client.expect_line(matches(R"(\*\*\* [0-9]+ users? in #.*)")))
      << client.diagnostics();
  return client.skipped();
}

// ---- /nick ----

TEST(NickCommand, RenameIsAnnouncedToTheRoomIncludingTheSender) {
  ChatdProcess chatd;
  LineClient first(chatd.port());
  LineClient second(chatd.port());
  auto g1 = first.read_line();
  auto g2 = second.read_line();
  ASSERT_TRUE(g1 && g2 && greeting_nick(*g1) && greeting_nick(*g2));
  std::string guest = *greeting_nick(*g1);

  ASSERT_TRUE(first.send_line("/nick alice"));
  std::string announcement = "*** " + guest + " is now known as alice";
  EXPECT_TRUE(first.expect_line(equals(announcement))) << first.diagnostics();
  EXPECT_TRUE(second.expect_line(equals(announcement))) << second.diagnostics();
}

TEST(NickCommand, RefusesANickSomeoneHas) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  ASSERT_TRUE(bob.send_line("/nick alice"));
  EXPECT_TRUE(bob.expect_line(equals("! nick taken: alice"))) << bob.diagnostics();
}

TEST(NickCommand, TakenCheckIgnoresCase) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  ASSERT_TRUE(bob.send_line("/nick ALICE"));
  EXPECT_TRUE(bob.expect_line(equals("! nick taken: ALICE"))) << bob.diagnostics();
}

TEST(NickCommand, RefusesInvalidNicks) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  for (const std::string& bad : std::vector<std::string>{"9lives", "-dash", "st*r", "#room",
                                                         "caf\xc3\xa9", std::string(31, 'a')}) {
    ASSERT_TRUE(alice.send_line("/nick " + bad));
    EXPECT_TRUE(alice.expect_line(equals("! invalid nick: " + bad))) << alice.diagnostics();
  }
}

TEST(NickCommand, AcceptsEveryAllowedCharacter) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  std::string nick = "x-_[]{}\\|^`9";
  ASSERT_TRUE(alice.send_line("/nick " + nick));
  EXPECT_TRUE(alice.expect_line(equals("*** alice is now known as " + nick)))
      << alice.diagnostics();
  std::string longest(30, 'b');
  ASSERT_TRUE(alice.send_line("/nick " + longest));
  EXPECT_TRUE(alice.expect_line(equals("*** " + nick + " is now known as " + longest)))
      << alice.diagnostics();
}

TEST(NickCommand, WithoutArgumentShowsUsage) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  ASSERT_TRUE(alice.send_line("/nick"));
  EXPECT_TRUE(alice.expect_line(equals("! usage: /nick NAME"))) << alice.diagnostics();
}

// ---- /join ----

TEST(JoinCommand, AnnouncesLeavingToTheOldRoomAndJoiningToTheNewOne) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  LineClient carol = connect_as(chatd.port(), "carol");

  ASSERT_TRUE(carol.send_line("/join #dev"));
  EXPECT_TRUE(carol.expect_line(equals("*** carol joined #dev"))) << carol.diagnostics();
  EXPECT_TRUE(alice.expect_line(equals("*** carol left #lobby"))) << alice.diagnostics();

  ASSERT_TRUE(alice.send_line("/join #dev"));
  EXPECT_TRUE(alice.expect_line(equals("*** alice joined #dev"))) << alice.diagnostics();
  EXPECT_TRUE(carol.expect_line(equals("*** alice joined #dev"))) << carol.diagnostics();
  EXPECT_TRUE(bob.expect_line(equals("*** alice left #lobby"))) << bob.diagnostics();
}

TEST(JoinCommand, RoomsKeepTheirMessagesApart) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  LineClient carol = connect_as(chatd.port(), "carol");
  LineClient dave = connect_as(chatd.port(), "dave");
  for (LineClient* c : {&carol, &dave}) {
    ASSERT_TRUE(c->send_line("/join dev"));
    ASSERT_TRUE(c->expect_line(contains("joined #dev"))) << c->diagnostics();
  }

  ASSERT_TRUE(bob.send_line("lobby talk"));
  ASSERT_TRUE(alice.expect_line(equals("<bob> lobby talk"))) << alice.diagnostics();
  ASSERT_TRUE(carol.send_line("dev talk"));
  ASSERT_TRUE(dave.expect_line(equals("<carol> dev talk"))) << dave.diagnostics();

  for (const auto& line : dave.skipped())
    EXPECT_NE(line, "<bob> lobby talk");
  for (const auto& line : lines_before_who(alice))
    EXPECT_NE(line, "<carol> dev talk");
}

TEST(JoinCommand, NameWithOrWithoutHashIsTheSameRoom) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  ASSERT_TRUE(alice.send_line("/join dev"));
  ASSERT_TRUE(alice.expect_line(equals("*** alice joined #dev"))) << alice.diagnostics();
  ASSERT_TRUE(bob.send_line("/join #dev"));
  EXPECT_TRUE(alice.expect_line(equals("*** bob joined #dev"))) << alice.diagnostics();
}

TEST(JoinCommand, RoomNamesIgnoreCase) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  ASSERT_TRUE(alice.send_line("/join #Dev"));
  ASSERT_TRUE(alice.expect_line(starts_with("*** alice joined #"))) << alice.diagnostics();
  ASSERT_TRUE(bob.send_line("/join #dEV"));
  auto joined = alice.expect_line(starts_with("*** bob joined #"));
  ASSERT_TRUE(joined) << alice.diagnostics();
  EXPECT_EQ(lower(*joined), "*** bob joined #dev");
  ASSERT_TRUE(bob.send_line("same room"));
  EXPECT_TRUE(alice.expect_line(equals("<bob> same room"))) << alice.diagnostics();
}

TEST(JoinCommand, RefusesInvalidRoomNames) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  for (const std::string& bad :
       std::vector<std::string>{"bad!name", "#", "#a,b", std::string(51, 'r')}) {
    ASSERT_TRUE(alice.send_line("/join " + bad));
    auto line = alice.expect_line(starts_with("! "));
    ASSERT_TRUE(line) << alice.diagnostics();
    EXPECT_TRUE(line->starts_with("! invalid room: ")) << *line;
    EXPECT_NE(line->find(bad), std::string::npos) << *line;
  }
}

TEST(JoinCommand, RefusesTheRoomTheUserIsIn) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  for (const char* same : {"#lobby", "lobby", "#LOBBY"}) {
    ASSERT_TRUE(alice.send_line(std::string("/join ") + same));
    EXPECT_TRUE(alice.expect_line(equals("! you are already in #lobby"))) << alice.diagnostics();
  }
}

TEST(JoinCommand, WithoutArgumentShowsUsage) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  ASSERT_TRUE(alice.send_line("/join"));
  EXPECT_TRUE(alice.expect_line(equals("! usage: /join ROOM [KEY]"))) << alice.diagnostics();
}

// ---- /who and /rooms ----

TEST(WhoCommand, ListsTheUsersOfTheCurrentRoomOnly) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  LineClient carol = connect_as(chatd.port(), "carol");
  ASSERT_TRUE(carol.send_line("/join #dev"));
  ASSERT_TRUE(alice.expect_line(equals("*** carol left #lobby"))) << alice.diagnostics();

  ASSERT_TRUE(alice.send_line("/who"));
  auto line = alice.expect_line(starts_with("*** 2 users in #lobby: "));
  ASSERT_TRUE(line) << alice.diagnostics();
  // alice made #lobby, so she is its operator.
  EXPECT_EQ(names_in(*line), (std::set<std::string>{"@alice", "bob"})) << *line;
}

TEST(RoomsCommand, ListsEveryRoomWithItsSize) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  LineClient carol = connect_as(chatd.port(), "carol");
  ASSERT_TRUE(bob.send_line("/join #dev"));
  ASSERT_TRUE(bob.expect_line(equals("*** bob joined #dev"))) << bob.diagnostics();
  ASSERT_TRUE(carol.send_line("/join #dev"));
  ASSERT_TRUE(carol.expect_line(equals("*** carol joined #dev"))) << carol.diagnostics();
  ASSERT_TRUE(alice.send_line("/rooms"));
  auto line = alice.expect_line(starts_with("*** 2 rooms: "));
  ASSERT_TRUE(line) << alice.diagnostics();
  EXPECT_NE(line->find("#lobby (1)"), std::string::npos) << *line;
  EXPECT_NE(line->find("#dev (2)"), std::string::npos) << *line;
}

// ---- /msg ----

TEST(MsgCommand, DeliversPrivatelyAndConfirmsToTheSender) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  LineClient carol = connect_as(chatd.port(), "carol");
  ASSERT_TRUE(alice.send_line("/msg bob psst, a secret"));
  EXPECT_TRUE(bob.expect_line(equals("*alice* psst, a secret"))) << bob.diagnostics();
  EXPECT_TRUE(alice.expect_line(equals("-> *bob* psst, a secret"))) << alice.diagnostics();
  for (const auto& line : lines_before_who(carol)) {
    EXPECT_EQ(line.find("secret"), std::string::npos) << line;
  }
}

TEST(MsgCommand, ReachesAUserInAnotherRoom) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  ASSERT_TRUE(bob.send_line("/join #elsewhere"));
  ASSERT_TRUE(bob.expect_line(equals("*** bob joined #elsewhere"))) << bob.diagnostics();
  ASSERT_TRUE(alice.send_line("/msg bob over here"));
  EXPECT_TRUE(bob.expect_line(equals("*alice* over here"))) << bob.diagnostics();
}

TEST(MsgCommand, ReportsAnUnknownUser) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  ASSERT_TRUE(alice.send_line("/msg nobody hello?"));
  EXPECT_TRUE(alice.expect_line(equals("! no such user: nobody"))) << alice.diagnostics();
}

TEST(MsgCommand, WithoutTextShowsUsage) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  for (const char* cmd : {"/msg bob", "/msg"}) {
    ASSERT_TRUE(alice.send_line(cmd));
    EXPECT_TRUE(alice.expect_line(equals("! usage: /msg NICK text")))
        << cmd << ": " << alice.diagnostics();
  }
}

// ---- /me ----

TEST(MeCommand, SendsAnActionToOthersButNotBackToTheSender) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  ASSERT_TRUE(alice.send_line("/me waves"));
  EXPECT_TRUE(bob.expect_line(equals("* alice waves"))) << bob.diagnostics();
  for (const auto& line : lines_before_who(alice))
    EXPECT_NE(line, "* alice waves");
}

// ---- /quit ----

TEST(QuitCommand, AnnouncesTheReasonSaysByeAndCloses) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  ASSERT_TRUE(alice.send_line("/quit gone fishing"));
  EXPECT_TRUE(bob.expect_line(equals("*** alice quit (gone fishing)"))) << bob.diagnostics();
  EXPECT_TRUE(alice.expect_line(equals("*** bye"))) << alice.diagnostics();
  EXPECT_TRUE(alice.read_until_closed()) << alice.diagnostics();
}

TEST(QuitCommand, WithoutReasonAnnouncesQuit) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  ASSERT_TRUE(alice.send_line("/quit"));
  EXPECT_TRUE(bob.expect_line(equals("*** alice quit (quit)"))) << bob.diagnostics();
  EXPECT_TRUE(alice.read_until_closed()) << alice.diagnostics();
}

TEST(QuitCommand, LinesAfterQuitInTheSameWriteAreNotProcessed) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  ASSERT_TRUE(alice.send_raw("/quit\nafter quit\n"));
  EXPECT_TRUE(bob.expect_line(equals("*** alice quit (quit)"))) << bob.diagnostics();
  for (const auto& line : bob.skipped())
    EXPECT_NE(line, "<alice> after quit");
  for (const auto& line : lines_before_who(bob))
    EXPECT_NE(line, "<alice> after quit");
}

}  // namespace
}  // namespace chatd::test
