// In-process specs for the soft output limit (Redis's client-output-buffer soft limit):
// queued output may stay above it only for soft_output_ms; a reader that catches up is
// spared, one that stays behind is closed as a slow consumer.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include "reactor/connection.h"
#include "reactor/message.h"
#include "tests/reactor/harness.h"
#include "tests/support/pump.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using reactor::CloseReason;
using reactor::format_line;
using reactor::MessageRef;

constexpr std::size_t kSoft = 64 << 10;
constexpr std::uint64_t kSoftMs = 300;

class SoftLimitTest : public ReactorTest {
 protected:
  void SetUp() override {
    listen();
    set_limits([](reactor::ConnectionLimits& l) {
      l.output_limit = std::size_t{64} << 20;
      l.soft_output_limit = kSoft;
      l.soft_output_ms = kSoftMs;
    });
  }
};

MessageRef line(int i) {
  return format_line("{:06} {}", i, std::string(1000, 's'));
}

TEST_F(SoftLimitTest, ClosesAConsumerThatStaysOverItLongerThanAllowed) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_tight_link(client, peer));
  std::optional<Clock::time_point> over_since;
  int next = 0;
  ASSERT_TRUE(pump(
      [&] {
        if (peer->conn != nullptr) {
          peer->conn->send(line(next++));
          if (!over_since && peer->conn->queued_bytes() > kSoft) over_since = Clock::now();
        }
        return peer->closes != 0;
      },
      5s));
  ASSERT_TRUE(over_since.has_value());
  EXPECT_EQ(peer->reason, CloseReason::kSlowConsumer);
  EXPECT_GE(Clock::now() - *over_since, std::chrono::milliseconds(kSoftMs) - 20ms)
      << "closed before soft_output_ms had passed";
  EXPECT_LT(peer->queued_at_close, std::size_t{64} << 20) << "it took the hard limit";
}

// Each round goes over the soft limit with a burst (several sends in one loop iteration,
// so within one loop millisecond), then lets the client catch up. Rounds start on even and
// on odd loop milliseconds, so time arithmetic that fails on some of them is caught.
TEST_F(SoftLimitTest, SparesAConsumerThatCatchesUpInTime) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_tight_link(client, peer));
  int next = 0;
  for (int round = 0; round < 4 && peer->conn != nullptr; ++round) {
    ASSERT_TRUE(pump([&] { return loop().now_ms() % 2 == static_cast<std::uint64_t>(round % 2); }));
    while (peer->conn->queued_bytes() <= kSoft)
      peer->conn->send(line(next++));
    peer->conn->send(line(next++));  // a second check while over, in the same millisecond
    ASSERT_TRUE(pump([&] {
      client->read_available();
      return peer->conn == nullptr || peer->conn->queued_bytes() == 0;
    }));
  }
  EXPECT_EQ(peer->closes, 0) << "closed as a "
                             << reactor::to_string(peer->reason.value_or(CloseReason::kByServer))
                             << " though it never stayed over the soft limit for " << kSoftMs
                             << " ms";
}

// The limit is about time spent over it, not about further traffic: a client left over it
// when the room falls silent is still closed once soft_output_ms has passed.
TEST_F(SoftLimitTest, ClosesAConsumerLeftOverItEvenIfNothingMoreIsSent) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_tight_link(client, peer));
  // One message takes it over the limit, then the room falls silent.
  peer->conn->send(format_line("{}", std::string(2 * kSoft, 'q')));
  const auto start = Clock::now();
  // The sweep runs once a second.
  ASSERT_TRUE(pump([&] { return peer->closes != 0; }, 4s))
      << "still open with " << peer->conn->queued_bytes() << " bytes queued";
  EXPECT_EQ(peer->reason, CloseReason::kSlowConsumer);
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(kSoftMs) - 20ms);
}

}  // namespace
}  // namespace chatd::test
