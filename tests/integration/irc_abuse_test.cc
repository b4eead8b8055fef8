// Integration tests of bad input on the IRC port: binary junk, a megabyte without a newline,
// NUL bytes, a TLS ClientHello, a JOIN naming thousands of rooms, flood control with cheap
// queries. Each costs that one connection at most; everyone else stays served.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/irc_client.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

// A registered IRC user in #r with a plain user, who must keep getting each other's lines.
struct Bystanders {
  MixedChatd chatd;
  IrcClient irc;
  LineClient plain;
  explicit Bystanders(std::vector<std::string> args = {})
      : chatd(std::move(args)),
        irc(connect_irc(chatd.irc_port(), "steady")),
        plain(connect_as(chatd.plain_port(), "calm")) {
    irc.join("#lobby");
  }
  void still_served(const std::string& marker) {
    ASSERT_TRUE(irc.send("PRIVMSG #lobby :" + marker));
    EXPECT_TRUE(plain.expect_line(equals("<steady> " + marker), within(5s))) << plain.diagnostics();
    ASSERT_TRUE(irc.send("PING :" + marker));
    EXPECT_TRUE(irc.expect(irc_command("PONG"), within(5s))) << irc.diagnostics();
  }
};

TEST(IrcAbuse, BinaryJunkGetsErrorsAndNothingElse) {
  Bystanders b;
  LineClient junk(b.chatd.irc_port());
  std::string bytes;
  for (int i = 0; i < 20000; ++i)
    bytes += static_cast<char>((i * 7919) % 256);
  ASSERT_TRUE(junk.send_raw(bytes));
  b.still_served("after junk");
}

TEST(IrcAbuse, AMegabyteWithoutNewlineIsDiscardedWith417) {
  Bystanders b;
  IrcClient big = connect_irc(b.chatd.irc_port(), "big");
  ASSERT_TRUE(big.lines().send_raw(std::string(1 << 20, 'a'), within(10s)));
  ASSERT_TRUE(big.lines().send_raw("\r\nPING :alive\r\n"));
  EXPECT_TRUE(big.expect(irc_command("417"), within(10s))) << big.diagnostics();
  EXPECT_TRUE(big.expect(irc_command("PONG"), within(5s))) << big.diagnostics();
  b.still_served("after a megabyte");
}

TEST(IrcAbuse, NulBytesDoNotReachOthers) {
  Bystanders b;
  IrcClient nul = connect_irc(b.chatd.irc_port(), "nul");
  nul.join("#lobby");
  ASSERT_TRUE(nul.lines().send_raw(std::string("PRIVMSG #lobby :a\0b\0c\r\n", 23)));
  EXPECT_TRUE(b.plain.expect_line(equals("<nul> abc"))) << b.plain.diagnostics();
  ASSERT_TRUE(nul.lines().send_raw(std::string(3000, '\0') + "\r\n"));
  b.still_served("after nul bytes");
}

TEST(IrcAbuse, ATlsClientHelloOnThePlainTextPortIsClosed) {
  Bystanders b;
  LineClient tls(b.chatd.irc_port());
  // A ClientHello record header and the start of its body, with an LF among the random bytes.
  std::string hello("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
  hello += std::string(40, '\x5a') + "\n" + std::string(200, '\x11');
  ASSERT_TRUE(tls.send_raw(hello));
  EXPECT_TRUE(tls.read_until_closed(within(5s))) << tls.diagnostics();
  b.still_served("after a ClientHello");
}

TEST(IrcAbuse, AJoinNamingThousandsOfRoomsIsBounded) {
  Bystanders b({"--irc-max-rooms", "50"});
  IrcClient greedy = connect_irc(b.chatd.irc_port(), "greedy");
  std::string huge = "JOIN ";
  for (int i = 0; i < 10000; ++i)
    huge += "#r" + std::to_string(i) + ",";
  ASSERT_TRUE(greedy.send(huge));
  EXPECT_TRUE(greedy.expect(irc_command("417"))) << "longer than an IRC line";
  std::string most = "JOIN ";
  for (int i = 0; most.size() < 500; ++i)
    most += "#j" + std::to_string(i) + ",";
  ASSERT_TRUE(greedy.send(most.substr(0, most.size() - 1)));
  ASSERT_TRUE(greedy.send("PING :joined"));
  std::size_t joined = 0;
  std::size_t refused = 0;
  for (;;) {
    auto line = greedy.lines().read_line(within(10s));
    ASSERT_TRUE(line) << greedy.diagnostics();
    const IrcLine l = parse_irc_line(*line);
    if (l.command == "366") ++joined;
    if (l.command == "405") ++refused;
    if (l.command == "PONG") break;
  }
  EXPECT_EQ(joined, 50u);
  EXPECT_GT(refused, 0u);
  b.still_served("after a greedy join");
}

TEST(IrcAbuse, FloodControlDelaysLinesButQueriesOfOwnRoomsAreCheap) {
  Bystanders b({"--flood-rate", "2", "--flood-burst", "5"});
  IrcClient bouncer = connect_irc(b.chatd.irc_port(), "bouncer");
  bouncer.join("#lobby");
  // 30 cheap queries of a room it is in: a tenth of a line each, so no waiting.
  const auto start = Clock::now();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(bouncer.send("MODE #lobby") && bouncer.send("WHO #lobby") &&
                bouncer.send("MODE #lobby b"));
  }
  ASSERT_TRUE(bouncer.send("PING :queries"));
  ASSERT_TRUE(bouncer.expect(irc_command("PONG"), within(10s))) << bouncer.diagnostics();
  EXPECT_LT(Clock::now() - start, 1500ms) << "cheap queries were throttled like lines";
  // Ten messages: past the burst they are delayed, never dropped.
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(bouncer.send("PRIVMSG #lobby :line " + std::to_string(i)));
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(b.plain.expect_line(equals("<bouncer> line " + std::to_string(i)), within(10s)))
        << b.plain.diagnostics();
  }
}

TEST(IrcAbuse, TheOutputLimitCutsANonReadingIrcClient) {
  MixedChatd chatd({"--output-limit", "65536"});
  LineClient talker = connect_as(chatd.plain_port(), "talker");
  IrcClient sleeper = connect_irc(chatd.irc_port(), "sleeper");
  IrcClient watcher = connect_irc(chatd.irc_port(), "watcher");
  sleeper.lines().set_recv_buffer(4096);
  sleeper.join("#lobby");
  sleeper.join("#watch");
  watcher.join("#watch");  // sees the quit, not the flood
  const std::string text(400, 'x');
  for (int i = 0; i < 2000; ++i)
    ASSERT_TRUE(talker.send_line(text));
  auto quit = watcher.expect(irc_command("QUIT"), within(15s));
  ASSERT_TRUE(quit) << watcher.diagnostics();
  EXPECT_EQ(parse_irc_line(*quit).nick(), "sleeper");
  EXPECT_EQ(parse_irc_line(*quit).params.back(), "too slow to receive");
}

}  // namespace
}  // namespace chatd::test
