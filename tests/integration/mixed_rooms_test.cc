// Integration tests of plain and IRC users in the same rooms: each sees the other in its own
// protocol (lines, actions, notices, private messages, joins, parts, quits, kicks, topics),
// with IRC formatting stripped for plain users and long plain lines split for IRC ones.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/irc_client.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

// A plain user `plain_nick` and an IRC user `irc_nick`, both in #lobby.
struct Pair {
  MixedChatd chatd;
  LineClient plain;
  IrcClient irc;
  Pair(std::string_view plain_nick, std::string_view irc_nick, std::vector<std::string> args = {},
       const std::vector<std::string>& caps = {})
      : chatd(std::move(args)),
        plain(connect_as(chatd.plain_port(), plain_nick)),
        irc(connect_irc(chatd.irc_port(), irc_nick, caps)) {
    irc.join("#lobby");
    if (!plain.expect_line(equals("*** " + std::string(irc_nick) + " joined #lobby"))) {
      throw std::runtime_error("plain user did not see the IRC user join: " + plain.diagnostics());
    }
  }
};

TEST(MixedRooms, APlainLineReachesIrcAsPrivmsgFromNickTildeNc) {
  Pair p("carol", "alice");
  ASSERT_TRUE(p.plain.send_line("hi from nc"));
  auto line = p.irc.expect(irc_command("PRIVMSG"));
  ASSERT_TRUE(line) << p.irc.diagnostics();
  const IrcLine l = parse_irc_line(*line);
  EXPECT_TRUE(l.source.starts_with("carol!~nc@")) << *line;
  EXPECT_EQ(l.param(0), "#lobby");
  EXPECT_EQ(l.param(1), "hi from nc");
}

TEST(MixedRooms, AnIrcLineReachesPlainWithFormattingStripped) {
  Pair p("carol", "alice");
  ASSERT_TRUE(
      p.irc.send("PRIVMSG #lobby :\x02"
                 "bold\x02 \x03"
                 "4,12red\x03 \x1Ditalic\x1D \x1Funder\x1F"
                 " \x16rev\x0F \x11mono\x11 \x1Estrike\x1E done"));
  EXPECT_TRUE(p.plain.expect_line(equals("<alice> bold red italic under rev mono strike done")))
      << p.plain.diagnostics();
}

TEST(MixedRooms, FormattingReachesOtherIrcUsersUnchanged) {
  Pair p("carol", "alice");
  IrcClient bob = connect_irc(p.chatd.irc_port(), "bob");
  bob.join("#lobby");
  ASSERT_TRUE(
      p.irc.send("PRIVMSG #lobby :\x02"
                 "bold\x02 \x03"
                 "4red"));
  auto line = bob.expect(irc_command("PRIVMSG"));
  ASSERT_TRUE(line) << bob.diagnostics();
  EXPECT_EQ(parse_irc_line(*line).param(1),
            "\x02"
            "bold\x02 \x03"
            "4red");
}

TEST(MixedRooms, ActionsMapBothWays) {
  Pair p("carol", "alice");
  ASSERT_TRUE(
      p.irc.send("PRIVMSG #lobby :\x01"
                 "ACTION waves\x01"));
  EXPECT_TRUE(p.plain.expect_line(equals("* alice waves"))) << p.plain.diagnostics();
  ASSERT_TRUE(p.plain.send_line("/me bows"));
  auto line = p.irc.expect(irc_command("PRIVMSG"));
  ASSERT_TRUE(line) << p.irc.diagnostics();
  EXPECT_EQ(parse_irc_line(*line).param(1),
            "\x01"
            "ACTION bows\x01");
}

TEST(MixedRooms, NoticesReachPlainUsersAsDashNickDash) {
  Pair p("carol", "alice");
  ASSERT_TRUE(p.irc.send("NOTICE #lobby :the build is green"));
  EXPECT_TRUE(p.plain.expect_line(equals("-alice- the build is green"))) << p.plain.diagnostics();
  ASSERT_TRUE(p.irc.send("NOTICE carol :just you"));
  EXPECT_TRUE(p.plain.expect_line(equals("-alice- just you"))) << p.plain.diagnostics();
}

TEST(MixedRooms, OtherCtcpIsNotShownToPlainUsers) {
  Pair p("carol", "alice");
  ASSERT_TRUE(p.irc.send("PRIVMSG carol :\x01VERSION\x01"));
  ASSERT_TRUE(p.irc.send("PRIVMSG #lobby :\x01PING 123\x01"));
  ASSERT_TRUE(p.irc.send("PRIVMSG #lobby :after the ctcp"));
  EXPECT_TRUE(p.plain.expect_line(equals("<alice> after the ctcp"), default_deadline(), 0))
      << p.plain.diagnostics();
}

TEST(MixedRooms, PrivateMessagesBothWays) {
  Pair p("carol", "alice");
  ASSERT_TRUE(p.irc.send("PRIVMSG carol :psst"));
  EXPECT_TRUE(p.plain.expect_line(equals("*alice* psst"))) << p.plain.diagnostics();
  ASSERT_TRUE(p.plain.send_line("/msg alice back at you"));
  EXPECT_TRUE(p.plain.expect_line(equals("-> *alice* back at you"))) << p.plain.diagnostics();
  auto line = p.irc.expect(irc_command("PRIVMSG"));
  ASSERT_TRUE(line) << p.irc.diagnostics();
  const IrcLine l = parse_irc_line(*line);
  EXPECT_EQ(l.nick(), "carol");
  EXPECT_EQ(l.param(0), "alice");
  EXPECT_EQ(l.param(1), "back at you");
}

TEST(MixedRooms, APlainJoinIsAPartThenAJoinForIrcMembers) {
  Pair p("carol", "alice");
  p.irc.join("#dev");
  ASSERT_TRUE(p.plain.send_line("/join #dev"));
  auto part = p.irc.expect(irc_command("PART"));
  ASSERT_TRUE(part) << p.irc.diagnostics();
  EXPECT_EQ(parse_irc_line(*part).nick(), "carol");
  EXPECT_EQ(parse_irc_line(*part).param(0), "#lobby");
  auto join = p.irc.expect(irc_command("JOIN"), default_deadline(), 0);
  ASSERT_TRUE(join) << p.irc.diagnostics();
  EXPECT_EQ(parse_irc_line(*join).nick(), "carol");
  EXPECT_EQ(parse_irc_line(*join).param(0), "#dev");
}

TEST(MixedRooms, AnIrcPartAndQuitReachPlainUsers) {
  Pair p("carol", "alice");
  ASSERT_TRUE(p.irc.send("PART #lobby :lunch"));
  EXPECT_TRUE(p.plain.expect_line(equals("*** alice left #lobby (lunch)")))
      << p.plain.diagnostics();
  p.irc.join("#lobby");
  ASSERT_TRUE(p.plain.expect_line(equals("*** alice joined #lobby"))) << p.plain.diagnostics();
  ASSERT_TRUE(p.irc.send("QUIT :bye"));
  EXPECT_TRUE(p.plain.expect_line(equals("*** alice quit (bye)"))) << p.plain.diagnostics();
}

TEST(MixedRooms, AUserSharingSeveralRoomsQuitsOnce) {
  MixedChatd chatd;
  IrcClient alice = connect_irc(chatd.irc_port(), "alice");
  IrcClient bob = connect_irc(chatd.irc_port(), "bob");
  for (const char* room : {"#a", "#b", "#c", "#d", "#e"}) {
    alice.join(room);
    bob.join(room);
  }
  ASSERT_TRUE(alice.send("QUIT :done"));
  auto quit = bob.expect(irc_command("QUIT"));
  ASSERT_TRUE(quit) << bob.diagnostics();
  EXPECT_EQ(parse_irc_line(*quit).params.back(), "Quit: done");
  ASSERT_TRUE(bob.send("PING :after"));
  ASSERT_TRUE(bob.expect(irc_command("PONG"))) << bob.diagnostics();
  for (const auto& line : bob.skipped())
    EXPECT_NE(parse_irc_line(line).command, "QUIT") << "a second QUIT: " << line;
}

TEST(MixedRooms, ANickChangeReachesEachNeighbourOnce) {
  MixedChatd chatd;
  IrcClient alice = connect_irc(chatd.irc_port(), "alice");
  IrcClient bob = connect_irc(chatd.irc_port(), "bob");
  for (const char* room : {"#a", "#b", "#c"}) {
    alice.join(room);
    bob.join(room);
  }
  ASSERT_TRUE(alice.send("NICK alicia"));
  auto own = alice.expect(irc_command("NICK"));
  ASSERT_TRUE(own) << alice.diagnostics();
  EXPECT_EQ(parse_irc_line(*own).nick(), "alice");
  EXPECT_EQ(parse_irc_line(*own).param(0), "alicia");
  ASSERT_TRUE(bob.expect(irc_command("NICK"))) << bob.diagnostics();
  ASSERT_TRUE(bob.send("PING :after"));
  ASSERT_TRUE(bob.expect(irc_command("PONG"))) << bob.diagnostics();
  for (const auto& line : bob.skipped())
    EXPECT_NE(parse_irc_line(line).command, "NICK") << "a second NICK: " << line;
}

TEST(MixedRooms, APlainQuitReachesIrcAsQuit) {
  Pair p("carol", "alice");
  ASSERT_TRUE(p.plain.send_line("/quit off to bed"));
  auto quit = p.irc.expect(irc_command("QUIT"));
  ASSERT_TRUE(quit) << p.irc.diagnostics();
  EXPECT_EQ(parse_irc_line(*quit).nick(), "carol");
  EXPECT_EQ(parse_irc_line(*quit).params.back(), "Quit: off to bed");
}

TEST(MixedRooms, AnIrcOperatorKicksAPlainUser) {
  MixedChatd chatd;
  IrcClient alice = connect_irc(chatd.irc_port(), "alice");
  alice.join("#lobby");  // first in: operator
  LineClient carol = connect_as(chatd.plain_port(), "carol");
  ASSERT_TRUE(alice.expect(irc_command("JOIN"))) << alice.diagnostics();
  ASSERT_TRUE(alice.send("KICK #lobby carol :behave"));
  EXPECT_TRUE(carol.expect_line(
      equals("*** you were kicked from #lobby by alice (behave); /join a room to talk")))
      << carol.diagnostics();
  auto kick = alice.expect(irc_command("KICK"));
  ASSERT_TRUE(kick) << alice.diagnostics();
  EXPECT_EQ(parse_irc_line(*kick).param(1), "carol");
  ASSERT_TRUE(carol.send_line("anyone?"));
  EXPECT_TRUE(carol.expect_line(equals("! you are not in a room; /join one")))
      << carol.diagnostics();
  ASSERT_TRUE(carol.send_line("/join #lobby"));
  EXPECT_TRUE(carol.expect_line(equals("*** carol joined #lobby"))) << carol.diagnostics();
}

TEST(MixedRooms, APlainOperatorKicksAnIrcUser) {
  MixedChatd chatd;
  LineClient carol = connect_as(chatd.plain_port(), "carol");  // made #lobby: operator
  IrcClient alice = connect_irc(chatd.irc_port(), "alice");
  alice.join("#lobby");
  ASSERT_TRUE(carol.expect_line(equals("*** alice joined #lobby"))) << carol.diagnostics();
  ASSERT_TRUE(carol.send_line("/kick alice spam"));
  auto kick = alice.expect(irc_command("KICK"));
  ASSERT_TRUE(kick) << alice.diagnostics();
  const IrcLine l = parse_irc_line(*kick);
  EXPECT_EQ(l.nick(), "carol");
  EXPECT_EQ(l.param(0), "#lobby");
  EXPECT_EQ(l.param(1), "alice");
  EXPECT_EQ(l.param(2), "spam");
  EXPECT_TRUE(carol.expect_line(equals("*** alice was kicked from #lobby by carol (spam)")))
      << carol.diagnostics();
}

TEST(MixedRooms, TopicsAcrossProtocols) {
  Pair p("carol", "alice");  // carol made #lobby: operator
  ASSERT_TRUE(p.plain.send_line("/topic release on friday"));
  auto topic = p.irc.expect(irc_command("TOPIC"));
  ASSERT_TRUE(topic) << p.irc.diagnostics();
  EXPECT_EQ(parse_irc_line(*topic).param(1), "release on friday");
  EXPECT_TRUE(p.plain.expect_line(equals("*** carol set the topic of #lobby: release on friday")))
      << p.plain.diagnostics();
  // +t: alice is not an operator.
  ASSERT_TRUE(p.irc.send("TOPIC #lobby :mine now"));
  EXPECT_TRUE(p.irc.expect(irc_command("482"))) << p.irc.diagnostics();
  // A plain user joining a room sees its topic; an IRC one gets 332 and 333.
  LineClient dave(p.chatd.plain_port());
  auto greeting = dave.read_line();
  ASSERT_TRUE(greeting && greeting_nick(*greeting)) << dave.diagnostics();
  EXPECT_TRUE(dave.expect_line(equals("*** topic of #lobby: release on friday (set by carol)"),
                               default_deadline(), 0))
      << dave.diagnostics();
  IrcClient erin = connect_irc(p.chatd.irc_port(), "erin");
  ASSERT_TRUE(erin.send("JOIN #lobby"));
  auto rpl = erin.expect(irc_command("332"));
  ASSERT_TRUE(rpl) << erin.diagnostics();
  EXPECT_EQ(parse_irc_line(*rpl).param(2), "release on friday");
  auto who_time = erin.expect(irc_command("333"), default_deadline(), 0);
  ASSERT_TRUE(who_time) << erin.diagnostics();
  EXPECT_EQ(parse_irc_line(*who_time).param(2), "carol");
  LineClient frank = connect_as(p.chatd.plain_port(), "frank");
  ASSERT_TRUE(frank.send_line("/join #dev") && frank.send_line("/join #lobby"));
  EXPECT_TRUE(frank.expect_line(equals("*** frank joined #lobby"))) << frank.diagnostics();
  EXPECT_TRUE(frank.expect_line(equals("*** topic of #lobby: release on friday (set by carol)"),
                                default_deadline(), 0))
      << frank.diagnostics();
}

TEST(MixedRooms, ALongPlainLineIsSplitIntoPrivmsgsThatFitIrcLines) {
  Pair p("carol", "alice");
  std::string text;
  for (int i = 0; text.size() < 3000; ++i)
    text += "word" + std::to_string(i) + " ";
  text += "é€😀 end";
  ASSERT_TRUE(p.plain.send_line(text));
  std::string joined;
  int lines = 0;
  while (joined.size() < text.size()) {
    auto raw = p.irc.lines().read_raw_line();
    ASSERT_TRUE(raw) << p.irc.diagnostics();
    EXPECT_LE(raw->size(), 512u) << *raw;
    const IrcLine l = parse_irc_line(raw->substr(0, raw->size() - 2));
    ASSERT_EQ(l.command, "PRIVMSG") << *raw;
    joined += l.param(1);
    ++lines;
  }
  EXPECT_EQ(joined, text);
  EXPECT_GE(lines, 7);
}

TEST(MixedRooms, AnnounceLimitAppliesToPlainUsersOnly) {
  MixedChatd chatd({"--announce-limit", "2"});
  LineClient carol = connect_as(chatd.plain_port(), "carol");
  LineClient dave = connect_as(chatd.plain_port(), "dave");
  IrcClient alice = connect_irc(chatd.irc_port(), "alice");
  alice.join("#lobby");  // three members now: above the limit
  IrcClient bob = connect_irc(chatd.irc_port(), "bob");
  bob.join("#lobby");
  auto join = alice.expect(irc_command("JOIN"));
  ASSERT_TRUE(join) << alice.diagnostics();
  EXPECT_EQ(parse_irc_line(*join).nick(), "bob") << "IRC users see every join";
  ASSERT_TRUE(bob.send("PRIVMSG #lobby :marker"));
  auto marker = carol.expect_line(equals("<bob> marker"));
  ASSERT_TRUE(marker) << carol.diagnostics();
  for (const auto& line : carol.skipped()) {
    EXPECT_EQ(line.find("alice joined"), std::string::npos) << "plain saw: " << line;
    EXPECT_EQ(line.find("bob joined"), std::string::npos) << "plain saw: " << line;
  }
}

}  // namespace
}  // namespace chatd::test
