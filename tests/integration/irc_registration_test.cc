// Integration tests of IRC registration against the real chatd: CAP negotiation holding 001
// until CAP END, NICK/USER, the welcome burst and ISUPPORT, MOTD, timeouts and PING/PONG.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/irc_client.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

TEST(IrcRegistration, NickAndUserGetTheWelcomeBurstInOrder) {
  MixedChatd chatd({"--server-name", "irc.test", "--network", "TestNet"});
  IrcClient c(chatd.irc_port());
  ASSERT_TRUE(c.send("NICK alice"));
  ASSERT_TRUE(c.send("USER alice 0 * :Alice Liddell"));
  for (const char* code : {"001", "002", "003", "004", "005"}) {
    auto line = c.expect(irc_command(code), default_deadline(), 0);
    ASSERT_TRUE(line) << code << ": " << c.diagnostics();
    const IrcLine l = parse_irc_line(*line);
    EXPECT_EQ(l.source, "irc.test");
    EXPECT_EQ(l.param(0), "alice");
  }
  auto motd = c.expect(irc_command("422"));
  EXPECT_TRUE(motd) << c.diagnostics() << " (no MOTD configured: 422)";
}

TEST(IrcRegistration, WelcomeNamesTheNetwork) {
  MixedChatd chatd({"--network", "TestNet"});
  IrcClient c(chatd.irc_port());
  ASSERT_TRUE(c.send("NICK alice") && c.send("USER alice 0 * :A"));
  auto w = c.expect(irc_command("001"));
  ASSERT_TRUE(w) << c.diagnostics();
  EXPECT_NE(parse_irc_line(*w).param(1).find("TestNet"), std::string::npos) << *w;
}

TEST(IrcRegistration, IsupportAdvertisesWhatChatdEnforces) {
  MixedChatd chatd({"--irc-max-rooms", "7", "--network", "TestNet"});
  IrcClient c(chatd.irc_port());
  ASSERT_TRUE(c.send("NICK alice") && c.send("USER alice 0 * :A"));
  std::string tokens;
  for (int i = 0; i < 2; ++i) {
    auto line = c.expect(irc_command("005"));
    ASSERT_TRUE(line) << c.diagnostics();
    const IrcLine l = parse_irc_line(*line);
    EXPECT_EQ(l.params.back(), "are supported by this server");
    EXPECT_LE(l.params.size(), 15u);
    for (std::size_t p = 1; p + 1 < l.params.size(); ++p)
      tokens += l.params[p] + " ";
  }
  for (const char* t :
       {"CASEMAPPING=ascii", "CHANTYPES=#", "PREFIX=(ov)@+", "CHANMODES=b,k,l,imnst", "NICKLEN=30",
        "CHANNELLEN=51", "CHANLIMIT=#:7", "NETWORK=TestNet", "MODES=4", "TOPICLEN=390",
        "KICKLEN=255", "AWAYLEN=200"}) {
    EXPECT_NE(tokens.find(std::string(t) + " "), std::string::npos) << t << " in " << tokens;
  }
  EXPECT_NE(tokens.find("TARGMAX="), std::string::npos) << tokens;
}

TEST(IrcRegistration, MotdIsSentAs375To376) {
  MixedChatd chatd({"--motd", "be excellent"});
  IrcClient c(chatd.irc_port());
  ASSERT_TRUE(c.send("NICK alice") && c.send("USER alice 0 * :A"));
  ASSERT_TRUE(c.expect(irc_command("375"))) << c.diagnostics();
  auto line = c.expect(irc_command("372"), default_deadline(), 0);
  ASSERT_TRUE(line) << c.diagnostics();
  EXPECT_EQ(parse_irc_line(*line).param(1), "- be excellent");
  EXPECT_TRUE(c.expect(irc_command("376"), default_deadline(), 0)) << c.diagnostics();
}

// irssi's opening: CAP LS 302, then "JOIN :" while it waits, then REQ, END, NICK, USER.
TEST(IrcRegistration, CapNegotiationHoldsTheWelcomeUntilCapEnd) {
  MixedChatd chatd;
  IrcClient c(chatd.irc_port());
  ASSERT_TRUE(c.send("CAP LS 302"));
  auto ls = c.expect(irc_command_param("CAP", 1, "LS"));
  ASSERT_TRUE(ls) << c.diagnostics();
  const std::string offered = parse_irc_line(*ls).params.back();
  for (const char* cap :
       {"multi-prefix", "server-time", "echo-message", "message-tags", "away-notify",
        "extended-join", "setname", "userhost-in-names", "cap-notify"}) {
    EXPECT_NE((" " + offered + " ").find(std::string(" ") + cap + " "), std::string::npos) << cap;
  }
  EXPECT_EQ(offered.find("sasl"), std::string::npos) << "sasl is not built";
  ASSERT_TRUE(c.send("JOIN :"));
  EXPECT_TRUE(c.expect(irc_command("451"))) << c.diagnostics();
  ASSERT_TRUE(c.send("NICK alice") && c.send("USER alice 0 * :A"));
  ASSERT_TRUE(c.send("CAP REQ :multi-prefix server-time"));
  auto ack = c.expect(irc_command_param("CAP", 1, "ACK"));
  ASSERT_TRUE(ack) << c.diagnostics();
  EXPECT_EQ(parse_irc_line(*ack).params.back(), "multi-prefix server-time");
  for (const auto& skipped : c.skipped())
    EXPECT_NE(parse_irc_line(skipped).command, "001") << "001 before CAP END";
  ASSERT_TRUE(c.send("CAP LIST"));
  auto list = c.expect(irc_command_param("CAP", 1, "LIST"));
  ASSERT_TRUE(list) << c.diagnostics();
  for (const auto& skipped : c.skipped())
    EXPECT_NE(parse_irc_line(skipped).command, "001") << "001 before CAP END";
  ASSERT_TRUE(c.send("CAP END"));
  EXPECT_TRUE(c.expect(irc_command("001"), default_deadline(), 0)) << c.diagnostics();
}

TEST(IrcRegistration, CapReqWithAnUnknownCapIsRefusedWhole) {
  MixedChatd chatd;
  IrcClient c(chatd.irc_port());
  ASSERT_TRUE(c.send("CAP REQ :multi-prefix sasl"));
  auto nak = c.expect(irc_command_param("CAP", 1, "NAK"));
  ASSERT_TRUE(nak) << c.diagnostics();
  EXPECT_EQ(parse_irc_line(*nak).params.back(), "multi-prefix sasl");
  ASSERT_TRUE(c.send("CAP LIST"));
  auto list = c.expect(irc_command_param("CAP", 1, "LIST"));
  ASSERT_TRUE(list) << c.diagnostics();
  EXPECT_EQ(parse_irc_line(*list).params.back(), "") << "nothing was enabled";
  ASSERT_TRUE(c.send("CAP FROB"));
  EXPECT_TRUE(c.expect(irc_command("410"))) << c.diagnostics();
}

TEST(IrcRegistration, CommandsBeforeRegistrationGet451) {
  MixedChatd chatd;
  IrcClient c(chatd.irc_port());
  for (const char* line : {"PRIVMSG #lobby :hi", "WHO #lobby", "FROBNICATE"}) {
    ASSERT_TRUE(c.send(line));
    auto reply = c.expect(irc_command("451"), default_deadline(), 0);
    ASSERT_TRUE(reply) << line << ": " << c.diagnostics();
    EXPECT_EQ(parse_irc_line(*reply).param(0), "*");
  }
}

TEST(IrcRegistration, AnUnknownCommandAfterRegistrationGets421) {
  MixedChatd chatd;
  IrcClient c = connect_irc(chatd.irc_port(), "alice");
  ASSERT_TRUE(c.send("FROBNICATE now"));
  auto reply = c.expect(irc_command("421"));
  ASSERT_TRUE(reply) << c.diagnostics();
  EXPECT_EQ(parse_irc_line(*reply).param(1), "FROBNICATE");
}

TEST(IrcRegistration, NickErrors) {
  MixedChatd chatd;
  LineClient plain = connect_as(chatd.plain_port(), "taken");
  IrcClient c(chatd.irc_port());
  ASSERT_TRUE(c.send("NICK 9lives"));
  EXPECT_TRUE(c.expect(irc_command_param("432", 1, "9lives"))) << c.diagnostics();
  ASSERT_TRUE(c.send("NICK TAKEN"));
  EXPECT_TRUE(c.expect(irc_command_param("433", 1, "TAKEN")))
      << "plain users share the namespace" << c.diagnostics();
  ASSERT_TRUE(c.send("NICK"));
  EXPECT_TRUE(c.expect(irc_command("431"))) << c.diagnostics();
  ASSERT_TRUE(c.send("NICK alice") && c.send("USER alice 0 * :A"));
  ASSERT_TRUE(c.expect(irc_command("001"))) << c.diagnostics();
  ASSERT_TRUE(c.send("USER again 0 * :A"));
  EXPECT_TRUE(c.expect(irc_command("462"))) << c.diagnostics();
}

TEST(IrcRegistration, ANickTakenBeforeRegistrationCompletesIsRefusedThen) {
  MixedChatd chatd;
  IrcClient slow(chatd.irc_port());
  ASSERT_TRUE(slow.send("NICK alice"));  // checked free, but not held
  IrcClient fast = connect_irc(chatd.irc_port(), "alice");
  ASSERT_TRUE(slow.send("USER alice 0 * :A"));
  EXPECT_TRUE(slow.expect(irc_command_param("433", 1, "alice"))) << slow.diagnostics();
  ASSERT_TRUE(slow.send("NICK alice2"));
  EXPECT_TRUE(slow.expect(irc_command("001"))) << slow.diagnostics();
}

TEST(IrcRegistration, UnregisteredConnectionsTimeOut) {
  MixedChatd chatd({"--irc-registration-timeout", "1"});
  IrcClient c(chatd.irc_port());
  ASSERT_TRUE(c.send("NICK alice"));
  auto error = c.expect(irc_command("ERROR"), within(5s));
  ASSERT_TRUE(error) << c.diagnostics();
  EXPECT_NE(error->find("registration timed out"), std::string::npos) << *error;
  EXPECT_TRUE(c.lines().read_until_closed(within(5s)));
}

TEST(IrcRegistration, ServerPingsASilentClientAndDropsItWithoutPong) {
  MixedChatd chatd({"--irc-ping-interval", "1", "--server-name", "irc.test"});
  IrcClient watcher = connect_irc(chatd.irc_port(), "watcher");
  IrcClient quiet = connect_irc(chatd.irc_port(), "quiet");
  watcher.join("#room");
  quiet.join("#room");
  auto ping = quiet.expect(irc_command("PING"), within(5s));
  ASSERT_TRUE(ping) << quiet.diagnostics();
  EXPECT_EQ(parse_irc_line(*ping).param(0), "irc.test");
  // The watcher answers its own PINGs, so it stays; the quiet one is dropped.
  const Deadline end = within(8s);
  std::optional<std::string> quit;
  while (!quit && Clock::now() < end) {
    auto line = watcher.lines().read_line(end);
    if (!line) break;
    const IrcLine l = parse_irc_line(*line);
    if (l.command == "PING") watcher.send("PONG :" + l.param(0));
    if (l.command == "QUIT" && l.nick() == "quiet") quit = *line;
  }
  ASSERT_TRUE(quit) << watcher.diagnostics();
  EXPECT_NE(quit->find("ping timeout"), std::string::npos) << *quit;
  EXPECT_TRUE(quiet.expect(irc_command("ERROR"), within(2s))) << quiet.diagnostics();
}

TEST(IrcRegistration, ClientPingGetsPongAtOnce) {
  MixedChatd chatd({"--server-name", "irc.test"});
  IrcClient c(chatd.irc_port());
  ASSERT_TRUE(c.send("PING :lag-12345"));  // allowed before registration too
  auto pong = c.expect(irc_command("PONG"));
  ASSERT_TRUE(pong) << c.diagnostics();
  EXPECT_EQ(*pong, ":irc.test PONG irc.test :lag-12345");
}

TEST(IrcRegistration, QuitGetsAnErrorLineAndTheConnectionCloses) {
  MixedChatd chatd;
  IrcClient c = connect_irc(chatd.irc_port(), "alice");
  ASSERT_TRUE(c.send("QUIT :gone"));
  auto error = c.expect(irc_command("ERROR"));
  ASSERT_TRUE(error) << c.diagnostics();
  EXPECT_NE(error->find("Quit: gone"), std::string::npos) << *error;
  EXPECT_TRUE(c.lines().read_until_closed());
}

TEST(IrcRegistration, ServerLinesAreCrlfTerminated) {
  MixedChatd chatd;
  IrcClient c(chatd.irc_port());
  ASSERT_TRUE(c.send("PING x"));
  auto raw = c.lines().read_raw_line();
  ASSERT_TRUE(raw) << c.diagnostics();
  EXPECT_TRUE(raw->ends_with("\r\n")) << *raw;
}

}  // namespace
}  // namespace chatd::test
