// Integration tests of slow consumers: the cut is logged with the bytes queued and for how
// long; a client that stays over --output-soft-limit too long is cut below the hard limit, and
// one that is over it only briefly is not.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <regex>
#include <string>

#include "tests/support/chatd_process.h"
#include "tests/support/line_client.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

constexpr char kSlowQuit[] = "*** slow quit (too slow to receive)";
constexpr int kBatch = 100;  // lines of ~400 bytes: 40 KB per batch

std::string numbered(int i) {
  char head[32];
  std::snprintf(head, sizeof head, "msg %06d ", i);
  return head + std::string(380, 'p');
}

// `slow` never reads (tiny receive window), `fast` reads everything, `sender` talks.
struct Room {
  LineClient slow, fast, sender;
};
Room make_room(std::uint16_t port) {
  ClientOptions tiny;
  tiny.recv_buffer = 4096;
  LineClient slow = connect_as(port, "slow", default_deadline(), tiny);
  LineClient fast = connect_as(port, "fast");
  LineClient sender = connect_as(port, "sender");
  // Settle `fast`: its /who reply comes after every join and rename queued before it.
  EXPECT_TRUE(fast.send_line("/who"));
  EXPECT_TRUE(fast.expect_line(starts_with("*** 3 users in #lobby"))) << fast.diagnostics();
  return {std::move(slow), std::move(fast), std::move(sender)};
}

// Sends batches of `batch_lines` from `sender`, `fast` reading each one in order, until `fast`
// hears that `slow` was cut or `max_bytes` have been sent. Between batches it waits up to
// `pause` for that news, which paces the sender. Returns whether the cut was heard.
bool send_until_slow_is_cut(Room& room, std::size_t max_bytes, int batch_lines,
                            Clock::duration pause) {
  int sent = 0;
  int received = 0;
  std::size_t bytes = 0;
  bool cut = false;
  auto take = [&](const std::string& line) {
    if (line == kSlowQuit && !cut) {
      cut = true;
      return;
    }
    if (line != "<sender> " + numbered(received)) {
      ADD_FAILURE() << "fast reader expected message " << received << ", got " << line;
    }
    ++received;
  };
  while (!cut && bytes < max_bytes && !::testing::Test::HasFailure()) {
    std::string batch;
    for (int i = 0; i < batch_lines; ++i, ++sent)
      batch += numbered(sent) + "\n";
    bytes += batch.size();
    EXPECT_TRUE(room.sender.send_raw(batch, within(10s))) << room.sender.diagnostics();
    while (received < sent && !::testing::Test::HasFailure()) {
      auto line = room.fast.read_line(within(10s));
      if (!line) {
        ADD_FAILURE() << "fast reader stalled: " << room.fast.diagnostics();
        return false;
      }
      take(*line);
    }
    if (!cut && pause > Clock::duration::zero()) {
      if (auto line = room.fast.read_line(within(pause))) take(*line);
    }
  }
  EXPECT_EQ(received, sent) << "the fast reader missed messages";
  return cut;
}

// The bytes queued and the ms behind from chatd's `dropping slow consumer slow` log line.
struct LoggedCut {
  unsigned long long queued = 0;
  unsigned long long behind_ms = 0;
};
LoggedCut logged_cut(ChatdProcess& chatd) {
  const std::regex logged(
      R"(.*dropping slow consumer slow \(127\.0\.0\.1:[0-9]+\): ([0-9]+) bytes queued, )"
      R"(behind for ([0-9]+) ms \(1 so far\).*)");
  LoggedCut cut;
  const bool found = chatd.wait_for_log(
      [&](std::string_view line) {
        std::match_results<std::string_view::const_iterator> m;
        if (!std::regex_match(line.begin(), line.end(), m, logged)) return false;
        cut = {std::stoull(m[1].str()), std::stoull(m[2].str())};
        return true;
      },
      default_deadline());
  EXPECT_TRUE(found) << "no `dropping slow consumer slow (ADDR): N bytes queued, behind for N ms "
                        "(1 so far)` log line";
  return cut;
}

TEST(AbuseSlowConsumer, CutIsLoggedWithTheBytesQueuedAndHowLongItWasBehind) {
  ChatdProcess chatd({"--output-limit", "65536"});
  Room room = make_room(chatd.port());
  ASSERT_TRUE(send_until_slow_is_cut(room, 16u << 20, kBatch, Clock::duration::zero()))
      << "16 MB later the slow consumer was still there";
  EXPECT_GT(logged_cut(chatd).queued, 65536u);
}

// The kernel buffers megabytes for a client that does not read (about 2.7 MB on loopback
// here), so the hard limit is set far above what is sent in all: only the soft rule can cut.
TEST(AbuseSlowConsumer, ClientOverTheSoftLimitForTooLongIsCutWhileAFastReaderGetsEverything) {
  ChatdProcess chatd(
      {"--output-limit", "16777216", "--output-soft-limit", "65536", "--output-soft-seconds", "1"});
  Room room = make_room(chatd.port());
  ASSERT_TRUE(send_until_slow_is_cut(room, 12u << 20, kBatch, 20ms))
      << "12 MB later the slow consumer was still there";
  EXPECT_TRUE(room.sender.expect_line(equals(kSlowQuit))) << room.sender.diagnostics();
  EXPECT_TRUE(room.slow.read_until_closed(within(10s))) << room.slow.diagnostics();
  const auto [queued, behind_ms] = logged_cut(chatd);
  EXPECT_GT(queued, 65536u) << "cut while under the soft limit";
  EXPECT_GE(behind_ms, 1000u) << "cut before it had been over the soft limit for 1 s";
}

// Regression: each time a client goes over the soft limit is a new chance for a cut that comes
// too early, so a client that lags and catches up several times (each time well under
// --output-soft-seconds) must still be there at the end. 5 MB per lag is more than the kernel
// can buffer (tcp_wmem max), so each lag takes chatd's own queue over the soft limit.
TEST(AbuseSlowConsumer, ClientOverTheSoftLimitOnlyBrieflyIsNotCut) {
  ChatdProcess chatd({"--output-limit", "16777216", "--output-soft-limit", "65536",
                      "--output-soft-seconds", "60"});
  ClientOptions tiny;
  tiny.recv_buffer = 4096;
  LineClient lagger = connect_as(chatd.port(), "lagger", default_deadline(), tiny);
  LineClient sender = connect_as(chatd.port(), "sender");
  ASSERT_TRUE(lagger.expect_line(contains(" is now known as sender"))) << lagger.diagnostics();
  constexpr int kLags = 8;
  constexpr int kLinesPerLag = 1280;  // of ~4000 bytes: 5 MB
  const std::string filler(3980, 'q');
  int next = 0;
  for (int lag = 0; lag < kLags; ++lag) {
    std::string burst;
    for (int i = 0; i < kLinesPerLag; ++i)
      burst += std::to_string(lag * kLinesPerLag + i) + " " + filler + "\n";
    ASSERT_TRUE(sender.send_raw(burst, within(20s))) << sender.diagnostics();
    for (int i = 0; i < kLinesPerLag; ++i, ++next) {
      auto line = lagger.read_line(within(20s));
      ASSERT_TRUE(line) << "cut during lag " << lag << " at message " << next << ": "
                        << lagger.diagnostics();
      ASSERT_EQ(*line, "<sender> " + std::to_string(next) + " " + filler);
    }
  }
  EXPECT_EQ(chatd.log_text().find("dropping slow consumer"), std::string::npos);
}

}  // namespace
}  // namespace chatd::test
