// Integration tests of the plain line protocol against the real chatd binary: the greeting,
// relaying to the room, the server's line format, /help, //text and unknown commands.
#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

#include "tests/support/chatd_process.h"
#include "tests/support/line_client.h"

namespace chatd::test {
namespace {

const char kGreetingPattern[] =
    R"(\*\*\* welcome to chatd, you are guest-[0-9]+ in #lobby \(/help for commands\))";

TEST(Greeting, FirstLineWelcomesAGuestNickToTheLobby) {
  ChatdProcess chatd;
  LineClient client(chatd.port());
  auto line = client.read_line();
  ASSERT_TRUE(line) << client.diagnostics();
  EXPECT_TRUE(matches(kGreetingPattern).test(*line)) << *line;
}

TEST(Greeting, EachConnectionGetsItsOwnGuestNick) {
  ChatdProcess chatd;
  LineClient first(chatd.port());
  LineClient second(chatd.port());
  auto a = first.read_line();
  auto b = second.read_line();
  ASSERT_TRUE(a && b) << first.diagnostics() << "\n" << second.diagnostics();
  ASSERT_TRUE(greeting_nick(*a) && greeting_nick(*b)) << *a << "\n" << *b;
  EXPECT_NE(*greeting_nick(*a), *greeting_nick(*b));
}

TEST(Greeting, MotdFollowsAsSecondLine) {
  ChatdProcess chatd({"--motd", "be excellent to each other"});
  LineClient client(chatd.port());
  auto greeting = client.read_line();
  auto motd = client.read_line();
  ASSERT_TRUE(greeting && motd) << client.diagnostics();
  EXPECT_TRUE(matches(kGreetingPattern).test(*greeting)) << *greeting;
  EXPECT_EQ(*motd, "*** be excellent to each other");
}

TEST(Greeting, DefaultRoomFlagChangesWhereUsersLand) {
  ChatdProcess chatd({"--default-room", "#start"});
  LineClient client(chatd.port());
  auto line = client.read_line();
  ASSERT_TRUE(line) << client.diagnostics();
  EXPECT_TRUE(matches(R"(\*\*\* welcome to chatd, you are guest-[0-9]+ in #start .*)").test(*line))
      << *line;
}

TEST(LineFormat, ServerLinesEndWithCrlf) {
  ChatdProcess chatd;
  LineClient client(chatd.port());
  auto line = client.read_raw_line();
  ASSERT_TRUE(line) << client.diagnostics();
  ASSERT_GE(line->size(), 2u);
  EXPECT_EQ(line->substr(line->size() - 2), "\r\n");
  EXPECT_EQ(line->find('\r'), line->size() - 2) << "a stray CR inside the line";
}

TEST(Relay, SendsALineToOthersInTheRoomButNotBackToTheSender) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  LineClient carol = connect_as(chatd.port(), "carol");

  ASSERT_TRUE(alice.send_line("hello everyone"));
  EXPECT_TRUE(bob.expect_line(equals("<alice> hello everyone"))) << bob.diagnostics();
  EXPECT_TRUE(carol.expect_line(equals("<alice> hello everyone"))) << carol.diagnostics();

  // Alice's own output is ordered: anything echoed would arrive before her /who reply.
  ASSERT_TRUE(alice.send_line("/who"));
  ASSERT_TRUE(alice.expect_line(starts_with("*** 3 users in #lobby"))) << alice.diagnostics();
  for (const auto& line : alice.skipped())
    EXPECT_NE(line, "<alice> hello everyone");
}

TEST(Relay, ManyLinesInOneWriteArriveInOrder) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  ASSERT_TRUE(alice.send_raw("one\ntwo\nthree\n"));
  for (const char* word : {"one", "two", "three"}) {
    auto line = bob.expect_line(starts_with("<alice>"));
    ASSERT_TRUE(line) << bob.diagnostics();
    EXPECT_EQ(*line, std::string("<alice> ") + word);
  }
}

TEST(Relay, DoubleSlashSendsTheLineWithOneSlash) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  ASSERT_TRUE(alice.send_line("//usr/bin is a path"));
  EXPECT_TRUE(bob.expect_line(equals("<alice> /usr/bin is a path"))) << bob.diagnostics();
}

TEST(Relay, BlankLineIsIgnored) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  ASSERT_TRUE(alice.send_raw("\n\r\nafter the blanks\n"));
  auto line = bob.expect_line(starts_with("<alice>"));
  ASSERT_TRUE(line) << bob.diagnostics();
  EXPECT_EQ(*line, "<alice> after the blanks");

  ASSERT_TRUE(alice.send_line("/who"));
  ASSERT_TRUE(alice.expect_line(starts_with("*** 2 users in"))) << alice.diagnostics();
  for (const auto& l : alice.skipped())
    EXPECT_FALSE(l.starts_with("! ")) << l;
}

TEST(Commands, UnknownCommandSuggestsHelp) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  ASSERT_TRUE(alice.send_line("/foo bar"));
  EXPECT_TRUE(alice.expect_line(equals("! unknown command /foo, try /help")))
      << alice.diagnostics();
}

TEST(Commands, UnknownCommandIsNotRelayed) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  ASSERT_TRUE(alice.send_line("/foo secret"));
  ASSERT_TRUE(alice.send_line("visible"));
  auto line = bob.expect_line(starts_with("<alice>"));
  ASSERT_TRUE(line) << bob.diagnostics();
  EXPECT_EQ(*line, "<alice> visible");
}

TEST(HelpCommand, ListsEveryCommandOnInformationLines) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  ASSERT_TRUE(alice.send_line("/help"));
  std::vector<std::string> missing = {"/nick", "/join", "/who",  "/rooms",
                                      "/msg",  "/me",   "/quit", "/help"};
  for (int i = 0; i < 40 && !missing.empty(); ++i) {
    auto line = alice.read_line();
    ASSERT_TRUE(line) << "still missing " << missing.front() << ": " << alice.diagnostics();
    EXPECT_TRUE(line->starts_with("*** ")) << *line;
    std::erase_if(missing, [&](const std::string& cmd) {
      // A mention is the command not followed by a letter ("/me" is not in "/message").
      for (auto at = line->find(cmd); at != std::string::npos; at = line->find(cmd, at + 1)) {
        auto end = at + cmd.size();
        if (end == line->size() || std::isalpha(static_cast<unsigned char>((*line)[end])) == 0) {
          return true;
        }
      }
      return false;
    });
  }
  EXPECT_TRUE(missing.empty()) << "/help does not mention " << missing.front();
}

}  // namespace
}  // namespace chatd::test
