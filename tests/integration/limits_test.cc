// Integration tests of chatd's admission and announcement limits: --max-clients refuses
// with one line then EOF, also where the fd limit lowers it, and --announce-limit silences
// joins, quits and nick changes in larger rooms for plain users.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/chatd_process.h"
#include "tests/support/irc_client.h"
#include "tests/support/line_client.h"

namespace chatd::test {
namespace {

TEST(MaxClients, ConnectionOverTheLimitGetsOneLineThenEof) {
  ChatdProcess chatd({"--max-clients", "2"});
  LineClient first = connect_as(chatd.port(), "first");
  LineClient second = connect_as(chatd.port(), "second");
  LineClient third(chatd.port());
  auto line = third.read_line();
  ASSERT_TRUE(line) << third.diagnostics();
  EXPECT_EQ(*line, "! server full, try again later");
  EXPECT_TRUE(third.read_until_closed()) << third.diagnostics();
  EXPECT_TRUE(third.skipped().empty()) << "more after the refusal: " << third.skipped().front();
}

// Under an fd limit of 128, chatd keeps 32 (a quarter) back and serves 96 clients: the next
// ones are refused in words, not dropped by an EMFILE, and the admitted are still served.
TEST(MaxClients, FdLimitLowersTheLimitAndTheRestAreRefusedInWords) {
  ChatdOptions options;
  options.fd_limit = 128;
  ChatdProcess chatd(options);
  ASSERT_TRUE(chatd.wait_for_log("serving at most 96 clients", within(std::chrono::seconds(5))))
      << "no warning that max_clients was lowered to fit the fd limit";
  std::vector<LineClient> admitted;
  admitted.reserve(96);
  const Deadline deadline = within(std::chrono::seconds(20));
  for (int i = 0; i < 96; ++i)
    admitted.emplace_back(chatd.port(), ClientOptions{}, deadline);
  auto ungreeted =
      expect_line_on_all(admitted, starts_with("*** welcome to chatd, you are "), deadline);
  ASSERT_TRUE(ungreeted.empty()) << ungreeted.size() << " of 96 got no greeting";
  for (int i = 0; i < 3; ++i) {
    LineClient over(chatd.port());
    auto line = over.read_line();
    ASSERT_TRUE(line) << "over the limit #" << i << ": " << over.diagnostics();
    EXPECT_EQ(*line, "! server full, try again later");
    EXPECT_TRUE(over.read_until_closed()) << over.diagnostics();
  }
  ASSERT_TRUE(admitted.front().send_line("/who"));
  EXPECT_TRUE(admitted.front().expect_line(starts_with("*** 96 users in #lobby")))
      << admitted.front().diagnostics();
}

TEST(MaxClients, RefusalLeavesTheAdmittedClientsServed) {
  ChatdProcess chatd({"--max-clients", "2"});
  LineClient first = connect_as(chatd.port(), "first");
  LineClient second = connect_as(chatd.port(), "second");
  LineClient third(chatd.port());
  ASSERT_TRUE(third.read_until_closed()) << third.diagnostics();
  ASSERT_TRUE(first.send_line("still here"));
  EXPECT_TRUE(second.expect_line(equals("<first> still here"))) << second.diagnostics();
  for (const auto& line : second.skipped())
    EXPECT_EQ(line.find(" joined "), std::string::npos);
}

TEST(MaxClients, FreedSlotIsGivenToTheNextConnection) {
  ChatdProcess chatd({"--max-clients", "2"});
  LineClient first = connect_as(chatd.port(), "first");
  LineClient second = connect_as(chatd.port(), "second");
  first.close();
  ASSERT_TRUE(second.expect_line(equals("*** first quit (connection closed)")))
      << second.diagnostics();
  LineClient next(chatd.port());
  auto line = next.read_line();
  ASSERT_TRUE(line) << next.diagnostics();
  EXPECT_TRUE(greeting_nick(*line)) << *line;
}

TEST(AnnounceLimit, JoinsIntoRoomsLargerThanTheLimitAreNotAnnounced) {
  ChatdProcess chatd({"--announce-limit", "2"});
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  LineClient carol = connect_as(chatd.port(), "carol");
  LineClient dave = connect_as(chatd.port(), "dave");

  ASSERT_TRUE(alice.send_line("/join #small"));
  ASSERT_TRUE(alice.expect_line(equals("*** alice joined #small"))) << alice.diagnostics();
  ASSERT_TRUE(bob.send_line("/join #small"));  // the room now has 2: announced
  EXPECT_TRUE(alice.expect_line(equals("*** bob joined #small"))) << alice.diagnostics();
  ASSERT_TRUE(carol.send_line("/join #small"));
  ASSERT_TRUE(carol.expect_line(equals("*** carol joined #small"))) << carol.diagnostics();

  // The 4th joiner still sees its own join, but the others do not.
  ASSERT_TRUE(dave.send_line("/join #small"));
  EXPECT_TRUE(dave.expect_line(equals("*** dave joined #small"))) << dave.diagnostics();
  ASSERT_TRUE(dave.send_line("hello small room"));
  for (LineClient* c : {&alice, &bob, &carol}) {
    EXPECT_TRUE(c->expect_line(equals("<dave> hello small room"))) << c->diagnostics();
    for (const auto& line : c->skipped())
      EXPECT_NE(line, "*** dave joined #small");
  }
}

TEST(AnnounceLimit, QuitsFromRoomsLargerThanTheLimitAreNotAnnounced) {
  ChatdProcess chatd({"--announce-limit", "2"});
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  LineClient carol = connect_as(chatd.port(), "carol");
  LineClient dave = connect_as(chatd.port(), "dave");
  dave.close();  // 4 in #lobby, over the limit
  // Round trips until chatd has seen dave go (it may read bob's /who first).
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    ASSERT_TRUE(bob.send_line("/who"));
    auto line = bob.expect_line(matches(R"(\*\*\* [0-9]+ users? in #.*)"));
    ASSERT_TRUE(line) << bob.diagnostics();
    gone = line->starts_with("*** 3 users in #lobby");
  }
  ASSERT_TRUE(gone) << bob.diagnostics();
  ASSERT_TRUE(bob.send_line("after dave"));
  EXPECT_TRUE(alice.expect_line(equals("<bob> after dave"))) << alice.diagnostics();
  for (const auto& line : alice.skipped())
    EXPECT_NE(line, "*** dave quit (connection closed)");
}

// A guest naming itself in a big lobby would otherwise be one line to every member.
TEST(AnnounceLimit, NickChangesInRoomsLargerThanTheLimitReachOnlyIrcUsers) {
  MixedChatd chatd({"--announce-limit", "2"});
  LineClient alice = connect_as(chatd.plain_port(), "alice");
  LineClient bob = connect_as(chatd.plain_port(), "bob");
  LineClient carol = connect_as(chatd.plain_port(), "carol");
  IrcClient irene = connect_irc(chatd.irc_port(), "irene");
  irene.join("#lobby");  // 4 in #lobby, over the limit

  ASSERT_TRUE(carol.send_line("/nick carla"));
  EXPECT_TRUE(carol.expect_line(equals("*** carol is now known as carla"))) << carol.diagnostics();
  auto nick = irene.expect_command("NICK");
  ASSERT_TRUE(nick) << irene.diagnostics();
  EXPECT_EQ(nick->nick(), "carol");
  EXPECT_EQ(nick->param(0), "carla");

  ASSERT_TRUE(carol.send_line("renamed"));
  for (LineClient* c : {&alice, &bob}) {
    EXPECT_TRUE(c->expect_line(equals("<carla> renamed"))) << c->diagnostics();
    for (const auto& line : c->skipped())
      EXPECT_NE(line, "*** carol is now known as carla");
  }
}

}  // namespace
}  // namespace chatd::test
