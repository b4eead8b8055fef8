// Integration tests of room moderation in both protocols: the first member is operator;
// +o +v +t +n +m +k +l +b +i +s, KICK and INVITE from IRC; /op, /deop, /voice, /devoice,
// /kick, /ban, /unban, /bans, /invite, /topic and /mode from plain users.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/irc_client.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

// An IRC operator `op` in #room, and a plain user `carol` also in #room (she is not an
// operator: op made the room).
struct Room {
  MixedChatd chatd;
  IrcClient op;
  LineClient carol;
  explicit Room(std::vector<std::string> args = {})
      : chatd(std::move(args)),
        op(connect_irc(chatd.irc_port(), "op")),
        carol(connect_as(chatd.plain_port(), "carol")) {
    op.join("#room");
    if (!carol.send_line("/join #room") || !carol.expect_line(equals("*** carol joined #room"))) {
      throw std::runtime_error("carol could not join: " + carol.diagnostics());
    }
  }
  void mode(const std::string& change) {
    ASSERT_TRUE(op.send("MODE #room " + change));
    ASSERT_TRUE(op.expect(irc_command("MODE"))) << op.diagnostics();
  }
};

TEST(Moderation, ModeratedRoomsNeedVoiceInBothProtocols) {
  Room r;
  IrcClient bob = connect_irc(r.chatd.irc_port(), "bob");
  bob.join("#room");
  r.mode("+m");
  EXPECT_TRUE(r.carol.expect_line(equals("*** op sets mode +m on #room"))) << r.carol.diagnostics();
  ASSERT_TRUE(r.carol.send_line("can I talk?"));
  EXPECT_TRUE(r.carol.expect_line(equals("! #room is moderated (you need voice)")))
      << r.carol.diagnostics();
  ASSERT_TRUE(bob.send("PRIVMSG #room :me?"));
  EXPECT_TRUE(bob.expect(irc_command_param("404", 1, "#room"))) << bob.diagnostics();
  r.mode("+v carol");
  ASSERT_TRUE(r.carol.send_line("now I can"));
  auto said = bob.expect(irc_command("PRIVMSG"));
  ASSERT_TRUE(said) << bob.diagnostics();
  EXPECT_EQ(parse_irc_line(*said).param(1), "now I can");
}

TEST(Moderation, PlainOperatorCommandsChangeModesForEveryone) {
  MixedChatd chatd;
  LineClient carol = connect_as(chatd.plain_port(), "carol");  // made #lobby: operator
  IrcClient alice = connect_irc(chatd.irc_port(), "alice");
  alice.join("#lobby");
  ASSERT_TRUE(carol.expect_line(equals("*** alice joined #lobby"))) << carol.diagnostics();
  ASSERT_TRUE(carol.send_line("/op alice"));
  auto op = alice.expect(irc_command("MODE"));
  ASSERT_TRUE(op) << alice.diagnostics();
  EXPECT_EQ(op->substr(op->find(" MODE ")), " MODE #lobby +o alice");
  ASSERT_TRUE(carol.send_line("/mode +mk sesame"));
  auto mk = alice.expect(irc_command("MODE"));
  ASSERT_TRUE(mk) << alice.diagnostics();
  EXPECT_EQ(mk->substr(mk->find(" MODE ")), " MODE #lobby +mk sesame");
  ASSERT_TRUE(carol.send_line("/mode"));
  EXPECT_TRUE(carol.expect_line(equals("*** #lobby modes: +mntk sesame"))) << carol.diagnostics();
  ASSERT_TRUE(carol.send_line("/voice alice") && carol.send_line("/devoice alice"));
  EXPECT_TRUE(alice.expect(irc_command("MODE"))) << alice.diagnostics();
  EXPECT_TRUE(alice.expect(irc_command("MODE"))) << alice.diagnostics();
  ASSERT_TRUE(carol.send_line("/deop alice"));
  auto deop = alice.expect(irc_command("MODE"));
  ASSERT_TRUE(deop) << alice.diagnostics();
  EXPECT_EQ(deop->substr(deop->find(" MODE ")), " MODE #lobby -o alice");
  ASSERT_TRUE(carol.send_line("/mode +x"));
  EXPECT_TRUE(carol.expect_line(starts_with("! unknown mode x"))) << carol.diagnostics();
  ASSERT_TRUE(carol.send_line("/mode +l many"));
  EXPECT_TRUE(carol.expect_line(starts_with("! invalid limit many"))) << carol.diagnostics();
}

TEST(Moderation, NonOperatorsAreRefused) {
  Room r;
  ASSERT_TRUE(r.carol.send_line("/kick op"));
  EXPECT_TRUE(r.carol.expect_line(equals("! you are not an operator of #room")));
  ASSERT_TRUE(r.carol.send_line("/mode +m"));
  EXPECT_TRUE(r.carol.expect_line(equals("! you are not an operator of #room")));
  ASSERT_TRUE(r.carol.send_line("/topic mine"));
  EXPECT_TRUE(r.carol.expect_line(equals("! you are not an operator of #room")));
  IrcClient bob = connect_irc(r.chatd.irc_port(), "bob");
  bob.join("#room");
  ASSERT_TRUE(bob.send("MODE #room +m"));
  EXPECT_TRUE(bob.expect(irc_command_param("482", 1, "#room"))) << bob.diagnostics();
  ASSERT_TRUE(bob.send("KICK #room carol"));
  EXPECT_TRUE(bob.expect(irc_command_param("482", 1, "#room"))) << bob.diagnostics();
  ASSERT_TRUE(bob.send("MODE #room b"));  // anyone may list the bans
  EXPECT_TRUE(bob.expect(irc_command_param("368", 1, "#room"))) << bob.diagnostics();
}

TEST(Moderation, ModeErrorsForIrc) {
  Room r;
  ASSERT_TRUE(r.op.send("MODE #room +o nobody"));
  EXPECT_TRUE(r.op.expect(irc_command_param("401", 1, "nobody"))) << r.op.diagnostics();
  IrcClient outside = connect_irc(r.chatd.irc_port(), "outside");
  ASSERT_TRUE(r.op.send("MODE #room +v outside"));
  EXPECT_TRUE(r.op.expect(irc_command_param("441", 1, "outside"))) << r.op.diagnostics();
  ASSERT_TRUE(r.op.send("MODE #room +y"));
  EXPECT_TRUE(r.op.expect(irc_command_param("472", 1, "y"))) << r.op.diagnostics();
  ASSERT_TRUE(r.op.send("MODE #room +l 0"));
  EXPECT_TRUE(r.op.expect(irc_command("696"))) << r.op.diagnostics();
  ASSERT_TRUE(r.op.send("MODE #room +k"));
  EXPECT_TRUE(r.op.expect(irc_command("461"))) << r.op.diagnostics();
}

TEST(Moderation, KeyedRoomsRefuseWrongKeysInBothProtocols) {
  Room r;
  r.mode("+k sesame");
  LineClient dave = connect_as(r.chatd.plain_port(), "dave");
  ASSERT_TRUE(dave.send_line("/join #room"));
  EXPECT_TRUE(dave.expect_line(equals("! #room needs the right key: /join #room KEY")));
  ASSERT_TRUE(dave.send_line("/join #room sesame"));
  EXPECT_TRUE(dave.expect_line(equals("*** dave joined #room"))) << dave.diagnostics();
  IrcClient bob = connect_irc(r.chatd.irc_port(), "bob");
  ASSERT_TRUE(bob.send("JOIN #room"));
  EXPECT_TRUE(bob.expect(irc_command_param("475", 1, "#room"))) << bob.diagnostics();
}

TEST(Moderation, FullRoomsRefuseJoins) {
  Room r;
  r.mode("+l 2");
  LineClient dave = connect_as(r.chatd.plain_port(), "dave");
  ASSERT_TRUE(dave.send_line("/join #room"));
  EXPECT_TRUE(dave.expect_line(equals("! #room is full"))) << dave.diagnostics();
  IrcClient bob = connect_irc(r.chatd.irc_port(), "bob");
  ASSERT_TRUE(bob.send("JOIN #room"));
  EXPECT_TRUE(bob.expect(irc_command_param("471", 1, "#room"))) << bob.diagnostics();
}

TEST(Moderation, BansByMaskRefuseJoinsAndSpeech) {
  Room r;
  ASSERT_TRUE(r.op.send("MODE #room +b carol"));
  auto ban = r.op.expect(irc_command("MODE"));
  ASSERT_TRUE(ban) << r.op.diagnostics();
  EXPECT_EQ(ban->substr(ban->find(" MODE ")), " MODE #room +b carol!*@*") << "normalized";
  ASSERT_TRUE(r.carol.send_line("still here"));
  EXPECT_TRUE(r.carol.expect_line(equals("! you are banned from #room"))) << r.carol.diagnostics();
  ASSERT_TRUE(r.carol.send_line("/join #elsewhere") && r.carol.send_line("/join #room"));
  EXPECT_TRUE(r.carol.expect_line(equals("! you are banned from #room"))) << r.carol.diagnostics();
  IrcClient bob = connect_irc(r.chatd.irc_port(), "bob");
  r.mode("+b *!~bob@*");
  ASSERT_TRUE(bob.send("JOIN #room"));
  EXPECT_TRUE(bob.expect(irc_command_param("474", 1, "#room"))) << bob.diagnostics();
  ASSERT_TRUE(r.op.send("MODE #room b"));
  int listed = 0;
  for (;;) {
    auto line = r.op.lines().read_line();
    ASSERT_TRUE(line) << r.op.diagnostics();
    const IrcLine l = parse_irc_line(*line);
    if (l.command == "368") break;
    if (l.command != "367") continue;
    ++listed;
    EXPECT_EQ(l.param(3), "op");
  }
  EXPECT_EQ(listed, 2);
  r.mode("-b *!~bob@*");
  ASSERT_TRUE(bob.send("JOIN #room"));
  EXPECT_TRUE(bob.expect(irc_command_param("366", 1, "#room"))) << bob.diagnostics();
}

TEST(Moderation, PlainBanAndUnbanAndBans) {
  MixedChatd chatd;
  LineClient carol = connect_as(chatd.plain_port(), "carol");  // operator of #lobby
  IrcClient bob = connect_irc(chatd.irc_port(), "bob");
  ASSERT_TRUE(carol.send_line("/ban bob"));
  EXPECT_TRUE(carol.expect_line(equals("*** carol sets mode +b bob!*@* on #lobby")));
  ASSERT_TRUE(carol.send_line("/bans"));
  EXPECT_TRUE(carol.expect_line(equals("*** 1 bans in #lobby:"))) << carol.diagnostics();
  EXPECT_TRUE(carol.expect_line(equals("***   bob!*@* (set by carol)"), default_deadline(), 0));
  ASSERT_TRUE(bob.send("JOIN #lobby"));
  EXPECT_TRUE(bob.expect(irc_command("474"))) << bob.diagnostics();
  ASSERT_TRUE(carol.send_line("/unban bob"));
  EXPECT_TRUE(carol.expect_line(equals("*** carol sets mode -b bob!*@* on #lobby")));
  ASSERT_TRUE(bob.send("JOIN #lobby"));
  EXPECT_TRUE(bob.expect(irc_command_param("366", 1, "#lobby"))) << bob.diagnostics();
  ASSERT_TRUE(carol.send_line("/ban a!b!c"));
  EXPECT_TRUE(carol.expect_line(starts_with("! invalid mask a!b!c"))) << carol.diagnostics();
}

TEST(Moderation, InviteOnlyRoomsNeedAnInvitationThatIsUsedOnce) {
  Room r;
  r.mode("+i");
  IrcClient bob = connect_irc(r.chatd.irc_port(), "bob");
  ASSERT_TRUE(bob.send("JOIN #room"));
  EXPECT_TRUE(bob.expect(irc_command_param("473", 1, "#room"))) << bob.diagnostics();
  LineClient dave = connect_as(r.chatd.plain_port(), "dave");
  ASSERT_TRUE(dave.send_line("/join #room"));
  EXPECT_TRUE(dave.expect_line(equals("! #room is invite-only: an operator must /invite you")));
  // carol is a member but not an operator: under +i she may not invite.
  ASSERT_TRUE(r.carol.send_line("/invite dave"));
  EXPECT_TRUE(r.carol.expect_line(equals("! you are not an operator of #room")));
  ASSERT_TRUE(r.op.send("INVITE dave #room"));
  ASSERT_TRUE(r.op.expect(irc_command("341"))) << r.op.diagnostics();
  ASSERT_TRUE(dave.expect_line(equals("*** op invites you to #room (/join #room)")));
  ASSERT_TRUE(dave.send_line("/join #room"));
  EXPECT_TRUE(dave.expect_line(equals("*** dave joined #room"))) << dave.diagnostics();
  ASSERT_TRUE(dave.send_line("/join #lobby") && dave.send_line("/join #room"));
  EXPECT_TRUE(dave.expect_line(starts_with("! #room is invite-only"))) << "the invitation was used";
}

TEST(Moderation, SecretRoomsAreHiddenFromNonMembers) {
  Room r;
  r.mode("+s");
  LineClient dave = connect_as(r.chatd.plain_port(), "dave");
  ASSERT_TRUE(dave.send_line("/rooms"));
  auto rooms = dave.expect_line(starts_with("*** 1 room:"));
  ASSERT_TRUE(rooms) << dave.diagnostics();
  EXPECT_EQ(rooms->find("#room"), std::string::npos) << *rooms;
  IrcClient bob = connect_irc(r.chatd.irc_port(), "bob");
  ASSERT_TRUE(bob.send("WHOIS carol"));
  ASSERT_TRUE(bob.expect(irc_command("311"))) << bob.diagnostics();
  ASSERT_TRUE(bob.expect(irc_command("318"))) << bob.diagnostics();
  for (const auto& line : bob.skipped())
    EXPECT_EQ(line.find("#room"), std::string::npos) << line;
  ASSERT_TRUE(r.op.send("NAMES #room"));
  auto names = r.op.expect(irc_command("353"));
  ASSERT_TRUE(names) << r.op.diagnostics();
  EXPECT_EQ(parse_irc_line(*names).param(1), "@") << "a secret room's NAMES symbol";
}

TEST(Moderation, ExternalMessagesNeedMinusN) {
  Room r;
  IrcClient outsider = connect_irc(r.chatd.irc_port(), "outsider");
  ASSERT_TRUE(outsider.send("PRIVMSG #room :from outside"));
  EXPECT_TRUE(outsider.expect(irc_command("404"))) << outsider.diagnostics();
  r.mode("-n");
  ASSERT_TRUE(outsider.send("PRIVMSG #room :from outside"));
  EXPECT_TRUE(r.carol.expect_line(equals("<outsider> from outside"))) << r.carol.diagnostics();
}

TEST(Moderation, TopicLockCanBeLifted) {
  Room r;
  r.mode("-t");
  ASSERT_TRUE(r.carol.send_line("/topic anyone may"));
  auto t = r.op.expect(irc_command("TOPIC"));
  ASSERT_TRUE(t) << r.op.diagnostics();
  EXPECT_EQ(parse_irc_line(*t).param(1), "anyone may");
  ASSERT_TRUE(r.carol.send_line("/topic"));
  EXPECT_TRUE(r.carol.expect_line(equals("*** topic of #room: anyone may (set by carol)")));
}

}  // namespace
}  // namespace chatd::test
