// Integration tests of line framing through the real chatd: lines split over many writes,
// LF and CRLF endings, and over-long lines (one error, connection kept, across reads).
#include <gtest/gtest.h>

#include <string>

#include "tests/support/chatd_process.h"
#include "tests/support/line_client.h"

namespace chatd::test {
namespace {

constexpr char kTooLong4096[] = "! line too long (limit 4096 bytes); it was dropped";

// A round trip through chatd's single loop on `client`'s connection: once its /who reply is
// back, chatd has read whatever other clients sent before it (in practice; epoll reports
// every ready socket in one wait).
void round_trip(LineClient& client) {
  ASSERT_TRUE(client.send_line("/who"));
  ASSERT_TRUE(client.expect_line(matches(R"(\*\*\* [0-9]+ users? in #.*)")))
      << client.diagnostics();
}

TEST(Framing, LineSentByteByByteArrivesWhole) {
  ChatdProcess chatd;
  ClientOptions no_delay;
  no_delay.no_delay = true;
  LineClient alice = connect_as(chatd.port(), "alice", default_deadline(), no_delay);
  LineClient bob = connect_as(chatd.port(), "bob");
  LineClient carol = connect_as(chatd.port(), "carol");
  const std::string text = "one line, many writes";
  for (char c : text + "\n") {
    ASSERT_TRUE(alice.send_raw(std::string(1, c)));
    round_trip(carol);  // so that chatd reads each byte on its own
  }
  auto line = bob.expect_line(starts_with("<alice>"));
  ASSERT_TRUE(line) << bob.diagnostics();
  EXPECT_EQ(*line, "<alice> " + text);
}

TEST(Framing, AcceptsLfAndCrlfLineEndings) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  ASSERT_TRUE(alice.send_raw("ends with lf\n"));
  ASSERT_TRUE(alice.send_raw("ends with crlf\r\n"));
  for (const char* text : {"ends with lf", "ends with crlf"}) {
    auto line = bob.expect_line(starts_with("<alice>"));
    ASSERT_TRUE(line) << bob.diagnostics();
    EXPECT_EQ(*line, std::string("<alice> ") + text);
  }
}

TEST(Framing, CrlfSplitBetweenWritesIsStillOneLineEnding) {
  ChatdProcess chatd;
  ClientOptions no_delay;
  no_delay.no_delay = true;
  LineClient alice = connect_as(chatd.port(), "alice", default_deadline(), no_delay);
  LineClient bob = connect_as(chatd.port(), "bob");
  ASSERT_TRUE(alice.send_raw("split ending\r"));
  round_trip(bob);
  ASSERT_TRUE(alice.send_raw("\nnext\n"));
  for (const char* text : {"split ending", "next"}) {
    auto line = bob.expect_line(starts_with("<alice>"));
    ASSERT_TRUE(line) << bob.diagnostics();
    EXPECT_EQ(*line, std::string("<alice> ") + text);
  }
}

TEST(Framing, OverlongLineGetsOneErrorAndTheConnectionKeepsWorking) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  ASSERT_TRUE(alice.send_raw(std::string(5000, 'x') + "\nstill here\n"));
  EXPECT_TRUE(alice.expect_line(equals(kTooLong4096))) << alice.diagnostics();
  auto line = bob.expect_line(starts_with("<alice>"));
  ASSERT_TRUE(line) << bob.diagnostics();
  EXPECT_EQ(*line, "<alice> still here");
}

TEST(Framing, LineOfExactlyTheLimitIsAcceptedWithoutItsCrlf) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  const std::string longest(4096, 'y');
  ASSERT_TRUE(alice.send_raw(longest + "\r\n"));
  auto line = bob.expect_line(starts_with("<alice>"));
  ASSERT_TRUE(line) << bob.diagnostics();
  EXPECT_EQ(*line, "<alice> " + longest);
  round_trip(alice);
  for (const auto& l : alice.skipped())
    EXPECT_FALSE(l.starts_with("! ")) << l;
}

TEST(Framing, LineOneByteOverTheLimitIsDropped) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  ASSERT_TRUE(alice.send_raw(std::string(4097, 'y') + "\nshort\n"));
  EXPECT_TRUE(alice.expect_line(equals(kTooLong4096))) << alice.diagnostics();
  auto line = bob.expect_line(starts_with("<alice>"));
  ASSERT_TRUE(line) << bob.diagnostics();
  EXPECT_EQ(*line, "<alice> short");
}

TEST(Framing, MebibyteWithoutNewlineIsDroppedAcrossReadsWithOneError) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  const std::string chunk(64 * 1024, 'z');
  for (int i = 0; i < 16; ++i)
    ASSERT_TRUE(alice.send_raw(chunk)) << alice.diagnostics();
  ASSERT_TRUE(alice.send_raw("\nnormal line\n"));

  auto line = bob.expect_line(starts_with("<alice>"), within(std::chrono::seconds(10)));
  ASSERT_TRUE(line) << bob.diagnostics();
  EXPECT_EQ(*line, "<alice> normal line");

  ASSERT_TRUE(alice.expect_line(equals(kTooLong4096))) << alice.diagnostics();
  round_trip(alice);
  for (const auto& l : alice.skipped())
    EXPECT_NE(l, kTooLong4096) << "a second error line";
}

TEST(Framing, LimitFollowsMaxLineBytes) {
  ChatdProcess chatd({"--max-line-bytes", "100"});
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  ASSERT_TRUE(alice.send_raw(std::string(101, 'a') + "\n" + std::string(100, 'b') + "\n"));
  EXPECT_TRUE(alice.expect_line(equals("! line too long (limit 100 bytes); it was dropped")))
      << alice.diagnostics();
  auto line = bob.expect_line(starts_with("<alice>"));
  ASSERT_TRUE(line) << bob.diagnostics();
  EXPECT_EQ(*line, "<alice> " + std::string(100, 'b'));
}

}  // namespace
}  // namespace chatd::test
