// Integration tests of hostile or odd input through the real chatd: sanitising of relayed
// text, telnet negotiation, and binary junk that must leave every other user served.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "tests/support/chatd_process.h"
#include "tests/support/line_client.h"

namespace chatd::test {
namespace {

using namespace std::string_literals;  // "...\0..."s keeps embedded NUL bytes

const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD

struct Room {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");

  // What bob sees when alice sends `raw` (a whole line, newline included).
  std::optional<std::string> relay(const std::string& raw) {
    if (!alice.send_raw(raw)) return std::nullopt;
    return bob.expect_line(starts_with("<alice>"));
  }
};

TEST(Sanitizing, EscapeAndNulBytesAreRemovedAndTheRestStaysVisible) {
  Room room;
  auto line = room.relay("a\x1b[31mred\x1b[0m\0b\n"s);
  ASSERT_TRUE(line) << room.bob.diagnostics();
  EXPECT_EQ(*line, "<alice> a[31mred[0mb");
}

TEST(Sanitizing, InvalidUtf8BecomesReplacementCharacters) {
  Room room;
  auto line = room.relay("x\xC3(y \x80 z\n");
  ASSERT_TRUE(line) << room.bob.diagnostics();
  EXPECT_EQ(*line, "<alice> x" + kReplacement + "(y " + kReplacement + " z");
}

TEST(Sanitizing, ValidUtf8PassesUnchanged) {
  Room room;
  const std::string text = "h\xC3\xA9llo w\xC3\xB6rld \xE2\x9C\x93 \xF0\x9F\x98\x80\ttab";
  auto line = room.relay(text + "\n");
  ASSERT_TRUE(line) << room.bob.diagnostics();
  EXPECT_EQ(*line, "<alice> " + text);
}

TEST(Sanitizing, BidiOverridesAndC1ControlsAreRemoved) {
  Room room;
  auto line = room.relay(
      "a\xE2\x80\xAE"
      "b\xC2\x85"
      "c\xE2\x81\xA6"
      "d\x7F"
      "e\n");
  ASSERT_TRUE(line) << room.bob.diagnostics();
  EXPECT_EQ(*line, "<alice> abcde");
}

TEST(Sanitizing, AppliesToActionsAndPrivateMessages) {
  Room room;
  ASSERT_TRUE(room.alice.send_line("/me blinks\x1b[5m"));
  EXPECT_TRUE(room.bob.expect_line(equals("* alice blinks[5m"))) << room.bob.diagnostics();
  ASSERT_TRUE(
      room.alice.send_line("/msg bob \x07"
                           "ding"));
  EXPECT_TRUE(room.bob.expect_line(equals("*alice* ding"))) << room.bob.diagnostics();
}

TEST(Sanitizing, AppliesToQuitReasons) {
  Room room;
  ASSERT_TRUE(room.alice.send_line("/quit bye\x1b[2J"));
  EXPECT_TRUE(room.bob.expect_line(equals("*** alice quit (bye[2J)"))) << room.bob.diagnostics();
}

TEST(Telnet, NegotiationIsConsumedAndNeverRelayed) {
  Room room;
  // IAC WILL ECHO, IAC DO SGA, IAC WONT x, IAC DONT x, IAC SB TTYPE ... IAC SE, IAC NOP.
  auto line = room.relay(
      "te\xFF\xFB\x01l\xFF\xFD\x03n\xFF\xFC\x01"
      "e\xFF\xFE\x03t\xFF\xFA\x18\x00\xFF\xF0!\xFF\xF1\n"s);
  ASSERT_TRUE(line) << room.bob.diagnostics();
  EXPECT_EQ(*line, "<alice> telnet!");
}

TEST(Telnet, NegotiationSplitAcrossWritesIsStillConsumed) {
  Room room;
  room.alice.set_no_delay(true);
  for (std::string piece : {"ab\xFF", "\xFB"}) {
    ASSERT_TRUE(room.alice.send_raw(piece));
    ASSERT_TRUE(room.bob.send_line("/who"));  // a round trip so chatd reads each piece apart
    ASSERT_TRUE(room.bob.expect_line(starts_with("*** 2 users in"))) << room.bob.diagnostics();
  }
  ASSERT_TRUE(
      room.alice.send_raw("\x01"
                          "cd\n"));
  auto line = room.bob.expect_line(starts_with("<alice>"));
  ASSERT_TRUE(line) << room.bob.diagnostics();
  EXPECT_EQ(*line, "<alice> abcd");
}

TEST(Telnet, DoubledIacIsALiteralByteThatBecomesAReplacementCharacter) {
  Room room;
  auto line = room.relay(
      "a\xFF\xFF"
      "b\n");
  ASSERT_TRUE(line) << room.bob.diagnostics();
  EXPECT_EQ(*line, "<alice> a" + kReplacement + "b");
}

// Checks that alice and bob still talk, and that a newcomer is still greeted.
// Junk with newlines in it is relayed as (sanitised) lines first, hence the generous skips.
void expect_everyone_else_served(Room& room) {
  constexpr std::size_t kMaxSkip = 100000;
  ASSERT_TRUE(room.alice.send_line("still served?"));
  EXPECT_TRUE(room.bob.expect_line(equals("<alice> still served?"), default_deadline(), kMaxSkip))
      << room.bob.diagnostics();
  ASSERT_TRUE(room.bob.send_line("yes"));
  EXPECT_TRUE(room.alice.expect_line(equals("<bob> yes"), default_deadline(), kMaxSkip))
      << room.alice.diagnostics();
  LineClient newcomer(room.chatd.port());
  auto greeting = newcomer.read_line();
  ASSERT_TRUE(greeting) << newcomer.diagnostics();
  EXPECT_TRUE(greeting_nick(*greeting)) << *greeting;
  EXPECT_TRUE(room.chatd.running());
}

TEST(BadInput, BinaryJunkLeavesEveryoneElseServed) {
  Room room;
  LineClient eve(room.chatd.port());
  std::mt19937 rng(2023);
  std::string junk(256 * 1024, '\0');
  for (auto& c : junk)
    c = static_cast<char>(rng() & 0xFF);
  ASSERT_TRUE(eve.send_raw(junk, within(std::chrono::seconds(10)))) << eve.diagnostics();
  expect_everyone_else_served(room);
}

TEST(BadInput, TlsClientHelloLeavesEveryoneElseServed) {
  Room room;
  LineClient eve(room.chatd.port());
  // A TLS 1.2 ClientHello record as a browser would open with: handshake, version, length,
  // client_hello, random, cipher suites, compression, SNI extension for "localhost".
  std::string hello = "\x16\x03\x01\x00\x5a\x01\x00\x00\x56\x03\x03"s + std::string(32, '\x42') +
                      "\x00\x00\x08\x13\x01\x13\x02\xc0\x2b\xc0\x2f\x01\x00\x00\x15"s +
                      "\x00\x00\x00\x0e\x00\x0c\x00\x00\x09localhost\x00\x17\x00\x00"s;
  ASSERT_TRUE(eve.send_raw(hello));
  expect_everyone_else_served(room);
}

TEST(BadInput, NulFloodLeavesTheSenderAndEveryoneElseServed) {
  Room room;
  LineClient eve = connect_as(room.chatd.port(), "eve");
  ASSERT_TRUE(eve.send_raw(std::string(100 * 1024, '\0') + "\nafter the nuls\n"));
  EXPECT_TRUE(room.bob.expect_line(equals("<eve> after the nuls"))) << room.bob.diagnostics();
  expect_everyone_else_served(room);
}

}  // namespace
}  // namespace chatd::test
