// Integration tests of --idle-timeout: a silent client is told why and closed and its room
// hears it, so is one that trickles bytes but never ends a line, a client that keeps talking
// stays, and the default (0) never closes anyone.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "tests/support/chatd_process.h"
#include "tests/support/line_client.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

constexpr auto kTalkEvery = 300ms;

// A client that says something every 300 ms, which is what keeps it from being idle. Between
// its lines the test waits on whatever it is watching, with the next line as the deadline.
class Talker {
 public:
  explicit Talker(LineClient& c) : c_(c) {}
  // Sends a line if one is due; returns when the next one will be.
  Deadline tick() {
    if (Clock::now() >= next_) {
      EXPECT_TRUE(c_.send_line("still here " + std::to_string(sent_++))) << c_.diagnostics();
      next_ = Clock::now() + kTalkEvery;
    }
    return next_;
  }
  int sent() const { return sent_; }

 private:
  LineClient& c_;
  Deadline next_ = Clock::now();
  int sent_ = 0;
};

// Reads `silent` (which never sends) until chatd closes it, while `talker` keeps talking.
// Returns every line the silent client received; fails the test at `deadline`.
std::vector<std::string> lines_until_closed(LineClient& silent, Talker& talker, Deadline deadline) {
  std::vector<std::string> lines;
  while (Clock::now() < deadline) {
    const Deadline until = std::min(talker.tick(), deadline);
    while (auto line = silent.read_line(until))
      lines.push_back(*line);
    if (silent.closed()) return lines;
  }
  ADD_FAILURE() << "the silent client was not disconnected: " << silent.diagnostics();
  return lines;
}

TEST(AbuseIdleTimeout, SilentClientIsToldWhyThenDisconnected) {
  ChatdProcess chatd({"--idle-timeout", "1"});
  LineClient silent(chatd.port());
  ASSERT_TRUE(silent.read_line()) << silent.diagnostics();  // the greeting
  LineClient talking = connect_as(chatd.port(), "talking");
  Talker talker(talking);
  const auto start = Clock::now();
  const std::vector<std::string> lines = lines_until_closed(silent, talker, within(6s));
  ASSERT_FALSE(lines.empty()) << "closed without a word";
  EXPECT_EQ(lines.back(), "! idle too long; disconnecting");
  EXPECT_GE(Clock::now() - start, 500ms) << "closed before it could have been idle for 1 s";
}

TEST(AbuseIdleTimeout, RoomHearsThatTheSilentClientQuitForBeingIdle) {
  ChatdProcess chatd({"--idle-timeout", "1"});
  LineClient silent(chatd.port());
  auto greeting = silent.read_line();
  ASSERT_TRUE(greeting) << silent.diagnostics();
  const auto nick = greeting_nick(*greeting);
  ASSERT_TRUE(nick) << *greeting;
  LineClient talking = connect_as(chatd.port(), "talking");
  Talker talker(talking);
  const std::string quit = "*** " + *nick + " quit (idle too long)";
  const Deadline deadline = within(6s);
  bool heard = false;
  while (!heard && Clock::now() < deadline) {
    heard = talking.expect_line(equals(quit), std::min(talker.tick(), deadline)).has_value();
  }
  EXPECT_TRUE(heard) << talking.diagnostics();
}

// Slowloris: a byte every 100 ms, never a newline. Idle means no line received, so the bytes
// do not keep it connected.
TEST(AbuseIdleTimeout, BytesThatNeverEndALineDoNotCountAsActivity) {
  ChatdProcess chatd({"--idle-timeout", "1"});
  LineClient trickling(chatd.port());
  ASSERT_TRUE(trickling.read_line()) << trickling.diagnostics();
  const auto start = Clock::now();
  const Deadline deadline = within(6s);
  std::vector<std::string> lines;
  int sent = 0;
  while (!trickling.closed() && Clock::now() < deadline) {
    if (!trickling.send_raw("x")) break;  // refused once chatd has closed it
    ++sent;
    while (auto line = trickling.read_line(std::min(within(100ms), deadline)))
      lines.push_back(*line);
  }
  ASSERT_FALSE(lines.empty()) << "not disconnected after " << sent
                              << " bytes: " << trickling.diagnostics();
  EXPECT_EQ(lines.back(), "! idle too long; disconnecting");
  EXPECT_GE(Clock::now() - start, 500ms) << "closed before it could have been idle for 1 s";
}

TEST(AbuseIdleTimeout, ClientThatKeepsTalkingIsNotDisconnected) {
  ChatdProcess chatd({"--idle-timeout", "1"});
  LineClient silent(chatd.port());
  ASSERT_TRUE(silent.read_line()) << silent.diagnostics();
  LineClient talking = connect_as(chatd.port(), "talking");
  Talker talker(talking);
  const auto start = Clock::now();
  // The silent one proves the timeout is in force; the talker outlives it by over 2 periods.
  lines_until_closed(silent, talker, within(6s));
  const Deadline until = start + 2500ms;
  while (Clock::now() < until) {
    while (talking.read_line(std::min(talker.tick(), until))) {
    }  // the silent one's quit; nothing else is expected
    ASSERT_FALSE(talking.closed()) << "the talker was disconnected after " << talker.sent()
                                   << " lines: " << talking.diagnostics();
  }
  ASSERT_TRUE(talking.send_line("/who"));
  EXPECT_TRUE(talking.expect_line(starts_with("*** 1 user in #lobby:"))) << talking.diagnostics();
}

TEST(AbuseIdleTimeout, DefaultOfZeroNeverDisconnectsASilentClient) {
  ChatdProcess chatd;
  LineClient silent(chatd.port());
  ASSERT_TRUE(silent.read_line()) << silent.diagnostics();
  // Two and a half sweeps of silence.
  EXPECT_FALSE(silent.read_until_closed(within(2500ms)))
      << "a silent client was disconnected: " << silent.diagnostics();
  ASSERT_TRUE(silent.send_line("/who"));
  EXPECT_TRUE(silent.expect_line(starts_with("*** 1 user in #lobby:"))) << silent.diagnostics();
}

}  // namespace
}  // namespace chatd::test
