// Integration tests of the IRCv3 capabilities chatd offers: multi-prefix, userhost-in-names,
// server-time, echo-message, message-tags (client tags, TAGMSG, the 4094-byte limit),
// away-notify, extended-join, setname, cap-notify; and WHO/NAMES of a room too big for the
// output limit, produced as the client reads them.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "tests/support/irc_client.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

TEST(IrcCaps, MultiPrefixShowsEveryStatusInNamesAndWho) {
  MixedChatd chatd;
  IrcClient op = connect_irc(chatd.irc_port(), "op", {"multi-prefix"});
  op.join("#r");
  ASSERT_TRUE(op.send("MODE #r +v op"));
  ASSERT_TRUE(op.expect(irc_command("MODE"))) << op.diagnostics();
  ASSERT_TRUE(op.send("NAMES #r"));
  auto names = op.expect(irc_command("353"));
  ASSERT_TRUE(names) << op.diagnostics();
  EXPECT_EQ(parse_irc_line(*names).param(3), "@+op");
  ASSERT_TRUE(op.send("WHO #r"));
  auto who = op.expect(irc_command("352"));
  ASSERT_TRUE(who) << op.diagnostics();
  EXPECT_EQ(parse_irc_line(*who).param(6), "H@+");
  IrcClient plain_irc = connect_irc(chatd.irc_port(), "other");
  ASSERT_TRUE(plain_irc.send("NAMES #r"));
  auto highest = plain_irc.expect(irc_command("353"));
  ASSERT_TRUE(highest) << plain_irc.diagnostics();
  EXPECT_EQ(parse_irc_line(*highest).param(3), "@op") << "the highest prefix only";
}

TEST(IrcCaps, UserhostInNamesGivesFullMasks) {
  MixedChatd chatd;
  IrcClient a = connect_irc(chatd.irc_port(), "a", {"userhost-in-names"});
  a.join("#r");
  ASSERT_TRUE(a.send("NAMES #r"));
  auto names = a.expect(irc_command("353"));
  ASSERT_TRUE(names) << a.diagnostics();
  EXPECT_TRUE(
      std::regex_match(parse_irc_line(*names).param(3), std::regex(R"(@a!~a@[0-9a-f]+\.ip)")))
      << *names;
}

TEST(IrcCaps, ServerTimeTagsRelayedEventsWithTheTimeOfTheEvent) {
  MixedChatd chatd;
  IrcClient a = connect_irc(chatd.irc_port(), "a", {"server-time"});
  IrcClient b = connect_irc(chatd.irc_port(), "b", {"server-time"});
  IrcClient c = connect_irc(chatd.irc_port(), "c");
  LineClient plain = connect_as(chatd.plain_port(), "p");
  for (IrcClient* x : {&a, &b, &c})
    x->join("#lobby");
  ASSERT_TRUE(plain.send_line("tick"));
  auto at_a = a.expect(irc_command("PRIVMSG"));
  auto at_b = b.expect(irc_command("PRIVMSG"));
  auto at_c = c.expect(irc_command("PRIVMSG"));
  ASSERT_TRUE(at_a && at_b && at_c) << a.diagnostics() << b.diagnostics() << c.diagnostics();
  EXPECT_TRUE(std::regex_match(
      parse_irc_line(*at_a).tags,
      std::regex(R"(time=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z)")))
      << *at_a;
  EXPECT_EQ(*at_a, *at_b) << "one rendering, the same bytes";
  EXPECT_TRUE(parse_irc_line(*at_c).tags.empty()) << *at_c;
}

TEST(IrcCaps, EchoMessageSendsTheSenderItsOwnLine) {
  MixedChatd chatd;
  IrcClient echo = connect_irc(chatd.irc_port(), "echo", {"echo-message"});
  IrcClient quiet = connect_irc(chatd.irc_port(), "quiet");
  echo.join("#r");
  quiet.join("#r");
  ASSERT_TRUE(echo.send("PRIVMSG #r :hello"));
  auto back = echo.expect(irc_command("PRIVMSG"));
  ASSERT_TRUE(back) << echo.diagnostics();
  EXPECT_EQ(parse_irc_line(*back).nick(), "echo");
  EXPECT_EQ(parse_irc_line(*back).param(1), "hello");
  ASSERT_TRUE(echo.send("PRIVMSG quiet :direct"));
  auto direct = echo.expect(irc_command("PRIVMSG"));
  ASSERT_TRUE(direct) << echo.diagnostics();
  EXPECT_EQ(parse_irc_line(*direct).param(0), "quiet");
  ASSERT_TRUE(quiet.send("PRIVMSG #r :no echo for me"));
  ASSERT_TRUE(quiet.send("PING :end"));
  ASSERT_TRUE(quiet.expect(irc_command("PONG"))) << quiet.diagnostics();
  for (const auto& line : quiet.skipped())
    EXPECT_EQ(line.find("no echo for me"), std::string::npos) << line;
}

TEST(IrcCaps, MessageTagsRelaysClientTagsOnlyToThoseWhoAskedForThem) {
  MixedChatd chatd;
  IrcClient a = connect_irc(chatd.irc_port(), "a", {"message-tags"});
  IrcClient b = connect_irc(chatd.irc_port(), "b", {"message-tags"});
  IrcClient c = connect_irc(chatd.irc_port(), "c");
  for (IrcClient* x : {&a, &b, &c})
    x->join("#r");
  ASSERT_TRUE(a.send("@+example.com/mood=happy\\sday;label=x;+bad_key=1 PRIVMSG #r :tagged"));
  auto at_b = b.expect(irc_command("PRIVMSG"));
  ASSERT_TRUE(at_b) << b.diagnostics();
  EXPECT_EQ(parse_irc_line(*at_b).tags, "+example.com/mood=happy\\sday") << *at_b;
  auto at_c = c.expect(irc_command("PRIVMSG"));
  ASSERT_TRUE(at_c) << c.diagnostics();
  EXPECT_TRUE(parse_irc_line(*at_c).tags.empty()) << *at_c;
  ASSERT_TRUE(a.send("@+typing=active TAGMSG #r"));
  auto tagmsg = b.expect(irc_command("TAGMSG"));
  ASSERT_TRUE(tagmsg) << b.diagnostics();
  EXPECT_EQ(parse_irc_line(*tagmsg).tags, "+typing=active");
  ASSERT_TRUE(a.send("PRIVMSG #r :after"));
  auto after = c.expect(irc_command("PRIVMSG"));
  ASSERT_TRUE(after) << c.diagnostics();
  EXPECT_EQ(parse_irc_line(*after).param(1), "after") << "c got no TAGMSG before it";
}

TEST(IrcCaps, MessageTagsAllowLongTagsButNotOverTheLimit) {
  MixedChatd chatd;
  IrcClient a = connect_irc(chatd.irc_port(), "a", {"message-tags"});
  IrcClient b = connect_irc(chatd.irc_port(), "b", {"message-tags"});
  a.join("#r");
  b.join("#r");
  const std::string big(3000, 'x');
  ASSERT_TRUE(a.send("@+big=" + big + " PRIVMSG #r :fits"));
  auto got = b.expect(irc_command("PRIVMSG"));
  ASSERT_TRUE(got) << b.diagnostics();
  EXPECT_EQ(parse_irc_line(*got).tags, "+big=" + big);
  const std::string too_big(5000, 'y');
  ASSERT_TRUE(a.send("@+big=" + too_big + " PRIVMSG #r :does not"));
  EXPECT_TRUE(a.expect(irc_command("417"))) << a.diagnostics();
  ASSERT_TRUE(a.send("PRIVMSG #r :still connected"));
  auto still = b.expect(irc_command("PRIVMSG"));
  ASSERT_TRUE(still) << b.diagnostics();
  EXPECT_EQ(parse_irc_line(*still).param(1), "still connected");
}

TEST(IrcCaps, AwayNotifyTellsNeighboursOnce) {
  MixedChatd chatd;
  IrcClient a = connect_irc(chatd.irc_port(), "a");
  IrcClient b = connect_irc(chatd.irc_port(), "b", {"away-notify"});
  for (const char* room : {"#x", "#y"}) {
    a.join(room);
    b.join(room);
  }
  ASSERT_TRUE(a.send("AWAY :brb"));
  auto away = b.expect(irc_command("AWAY"));
  ASSERT_TRUE(away) << b.diagnostics();
  EXPECT_EQ(parse_irc_line(*away).nick(), "a");
  EXPECT_EQ(parse_irc_line(*away).param(0), "brb");
  ASSERT_TRUE(a.send("AWAY"));
  auto back = b.expect(irc_command("AWAY"), default_deadline(), 0);
  ASSERT_TRUE(back) << b.diagnostics() << " (only one AWAY per change)";
  EXPECT_TRUE(parse_irc_line(*back).params.empty());
}

TEST(IrcCaps, ExtendedJoinCarriesAccountAndRealname) {
  MixedChatd chatd;
  IrcClient a = connect_irc(chatd.irc_port(), "a", {"extended-join"});
  a.join("#r");
  IrcClient b = connect_irc(chatd.irc_port(), "b");
  b.join("#r");
  auto join = a.expect(irc_command("JOIN"));
  ASSERT_TRUE(join) << a.diagnostics();
  const IrcLine l = parse_irc_line(*join);
  EXPECT_EQ(l.param(0), "#r");
  EXPECT_EQ(l.param(1), "*");
  EXPECT_EQ(l.param(2), "b test");
}

TEST(IrcCaps, SetnameChangesTheRealnameForThoseWhoAsked) {
  MixedChatd chatd;
  IrcClient a = connect_irc(chatd.irc_port(), "a", {"setname"});
  IrcClient b = connect_irc(chatd.irc_port(), "b", {"setname"});
  a.join("#r");
  b.join("#r");
  ASSERT_TRUE(a.send("SETNAME :Ada Lovelace"));
  auto own = a.expect(irc_command("SETNAME"));
  ASSERT_TRUE(own) << a.diagnostics();
  auto theirs = b.expect(irc_command("SETNAME"));
  ASSERT_TRUE(theirs) << b.diagnostics();
  EXPECT_EQ(parse_irc_line(*theirs).param(0), "Ada Lovelace");
  ASSERT_TRUE(b.send("WHOIS a"));
  auto user = b.expect(irc_command("311"));
  ASSERT_TRUE(user) << b.diagnostics();
  EXPECT_EQ(parse_irc_line(*user).param(5), "Ada Lovelace");
}

TEST(IrcCaps, CapNotifyIsImpliedByCapLs302) {
  MixedChatd chatd;
  IrcClient a(chatd.irc_port());
  ASSERT_TRUE(a.send("CAP LS 302") && a.send("CAP LIST"));
  auto list = a.expect(irc_command_param("CAP", 1, "LIST"));
  ASSERT_TRUE(list) << a.diagnostics();
  EXPECT_EQ(parse_irc_line(*list).params.back(), "cap-notify");
}

// WHO of a room whose reply is several times the output limit: produced as the client reads,
// so the asker is never cut off as a slow consumer.
TEST(IrcPaging, WhoOfARoomBiggerThanTheOutputLimitArrivesWhole) {
  const std::size_t members = 1200;
  MixedChatd chatd({"--output-limit", "32768", "--announce-limit", "0"});
  std::vector<LineClient> plain;
  plain.reserve(members);
  for (std::size_t i = 0; i < members; ++i)
    plain.emplace_back(chatd.plain_port());
  IrcClient asker = connect_irc(chatd.irc_port(), "asker");
  asker.join("#lobby");
  ASSERT_TRUE(asker.send("WHO #lobby") && asker.send("NAMES #lobby") && asker.send("PING :done"));
  std::size_t rows = 0;
  std::size_t bytes = 0;
  bool end_of_who = false;
  bool end_of_names = false;
  const Deadline deadline = within(30s);
  for (;;) {
    auto line = asker.lines().read_line(deadline);
    ASSERT_TRUE(line) << asker.diagnostics();
    bytes += line->size() + 2;
    const IrcLine l = parse_irc_line(*line);
    if (l.command == "352") ++rows;
    if (l.command == "315") end_of_who = true;
    if (l.command == "366") {
      EXPECT_TRUE(end_of_who) << "NAMES answered before WHO finished";
      end_of_names = true;
    }
    if (l.command == "PONG") break;
  }
  EXPECT_EQ(rows, members + 1);
  EXPECT_TRUE(end_of_who && end_of_names);
  EXPECT_GT(bytes, 3 * 32768u) << "the reply was bigger than the output limit";
}

}  // namespace
}  // namespace chatd::test
