// Integration tests of flood control (--flood-rate, --flood-burst): a paste within the burst
// passes at once, a flood is delayed but never dropped or reordered, and only the flooder waits.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "tests/support/chatd_process.h"
#include "tests/support/line_client.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

std::string numbered(int i) {
  char text[32];
  std::snprintf(text, sizeof text, "flood line %02d", i);
  return text;
}

// Lines 1..n, each ending in "\n", for one send_raw (as a paste or a flood arrives).
std::string numbered_block(int n) {
  std::string block;
  for (int i = 1; i <= n; ++i)
    block += numbered(i) + "\n";
  return block;
}

// A room of `flooder` and `watcher`, with the watcher's earlier lines (the rename) read.
struct Room {
  LineClient watcher;
  LineClient flooder;
};
Room make_room(std::uint16_t port) {
  LineClient watcher = connect_as(port, "watcher");
  LineClient flooder = connect_as(port, "flooder");
  if (!watcher.expect_line(contains(" is now known as flooder"))) {
    ADD_FAILURE() << watcher.diagnostics();
  }
  return {std::move(watcher), std::move(flooder)};
}

TEST(AbuseFlood, TenLinePastePassesAtOnceWithinTheDefaultBurst) {
  // At 0.5 lines/s, anything but the burst of 20 would spread 10 lines over 18 s.
  ChatdProcess chatd({"--flood-rate", "0.5"});
  auto [watcher, flooder] = make_room(chatd.port());
  ASSERT_TRUE(flooder.send_raw(numbered_block(10)));
  const Deadline deadline = within(5s);
  for (int i = 1; i <= 10; ++i) {
    auto line = watcher.read_line(deadline);
    ASSERT_TRUE(line) << "paste line " << i << " held back: " << watcher.diagnostics();
    EXPECT_EQ(*line, "<flooder> " + numbered(i));
  }
}

TEST(AbuseFlood, FloodIsDelayedToTheRateButNoLineIsLostOrReordered) {
  ChatdProcess chatd({"--flood-rate", "10", "--flood-burst", "5"});
  auto [watcher, flooder] = make_room(chatd.port());
  constexpr int kLines = 40;
  ASSERT_TRUE(flooder.send_raw(numbered_block(kLines)));  // one write
  Clock::time_point first{};
  const Deadline deadline = within(15s);
  for (int i = 1; i <= kLines; ++i) {
    auto line = watcher.read_line(deadline);
    ASSERT_TRUE(line) << "line " << i << " of " << kLines
                      << " never came: " << watcher.diagnostics();
    ASSERT_EQ(*line, "<flooder> " + numbered(i));
    if (i == 1) first = Clock::now();
  }
  const auto spread = Clock::now() - first;
  // 35 lines beyond the burst at 10 lines/s take 3.5 s; 70 % of it proves the delay.
  EXPECT_GE(spread, std::chrono::milliseconds((kLines - 5) * 100 * 7 / 10))
      << "the flood was not slowed down";
}

TEST(AbuseFlood, ThrottledFlooderDoesNotDelayAnotherSenderInTheSameRoom) {
  ChatdProcess chatd({"--flood-rate", "10", "--flood-burst", "5"});
  auto [watcher, flooder] = make_room(chatd.port());
  LineClient other = connect_as(chatd.port(), "other");
  ASSERT_TRUE(watcher.expect_line(contains(" is now known as other"))) << watcher.diagnostics();
  constexpr int kLines = 60;  // 5.5 s of flood at 10 lines/s
  ASSERT_TRUE(flooder.send_raw(numbered_block(kLines)));
  // Ten lines in, the flooder is past its burst and being throttled.
  for (int i = 1; i <= 10; ++i) {
    ASSERT_TRUE(watcher.expect_line(equals("<flooder> " + numbered(i)), within(10s), 0))
        << watcher.diagnostics();
  }
  ASSERT_TRUE(other.send_line("not stuck behind the flood"));
  auto line = watcher.expect_line(equals("<other> not stuck behind the flood"), within(10s));
  ASSERT_TRUE(line) << watcher.diagnostics();
  // What the flooder got through meanwhile: its lines in order, and far from all of them
  // (a line queued behind the flood would come after line 60, 5 s later).
  int next = 11;
  for (const auto& skipped : watcher.skipped())
    EXPECT_EQ(skipped, "<flooder> " + numbered(next++));
  EXPECT_LT(next, 31) << "the other sender's line waited for " << next - 11
                      << " flood lines (2 s of throttling)";
}

TEST(AbuseFlood, QuitFromAThrottledFlooderIsHandledAfterItsLines) {
  ChatdProcess chatd({"--flood-rate", "20", "--flood-burst", "5"});
  auto [watcher, flooder] = make_room(chatd.port());
  constexpr int kLines = 40;
  ASSERT_TRUE(flooder.send_raw(numbered_block(kLines) + "/quit flood over\n"));
  const Deadline deadline = within(15s);
  auto bye = flooder.expect_line(equals("*** bye"), deadline);
  ASSERT_TRUE(bye) << flooder.diagnostics();
  EXPECT_TRUE(flooder.read_until_closed(deadline)) << flooder.diagnostics();
  for (int i = 1; i <= kLines; ++i) {
    auto line = watcher.read_line(deadline);
    ASSERT_TRUE(line) << watcher.diagnostics();
    ASSERT_EQ(*line, "<flooder> " + numbered(i));
  }
  auto quit = watcher.read_line(deadline);
  ASSERT_TRUE(quit) << watcher.diagnostics();
  EXPECT_EQ(*quit, "*** flooder quit (flood over)");
}

}  // namespace
}  // namespace chatd::test
