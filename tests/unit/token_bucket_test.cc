// Specs for the flood-control token bucket.
#include "daemon/token_bucket.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace chatd {
namespace {

TEST(TokenBucket, FitsInTwentyFourBytes) {
  EXPECT_LE(sizeof(TokenBucket), 24u);
}

TEST(TokenBucket, StartsFullAndAllowsBurstAtOnce) {
  TokenBucket bucket(1.0, 5.0);
  for (int i = 0; i < 5; ++i)
    EXPECT_TRUE(bucket.try_take(1000)) << "line " << i;
  EXPECT_FALSE(bucket.try_take(1000));
}

TEST(TokenBucket, StartsFullWhateverTheFirstTimestamp) {
  TokenBucket bucket(2.0, 3.0);
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(bucket.try_take(0));
  EXPECT_FALSE(bucket.try_take(0));
}

TEST(TokenBucket, ZeroRateIsUnlimited) {
  TokenBucket bucket(0.0, 1.0);
  for (int i = 0; i < 10000; ++i)
    ASSERT_TRUE(bucket.try_take(5));
  EXPECT_EQ(bucket.ms_until_available(5), 0u);
}

TEST(TokenBucket, NegativeRateIsUnlimited) {
  TokenBucket bucket(-1.0, 1.0);
  for (int i = 0; i < 100; ++i)
    ASSERT_TRUE(bucket.try_take(5));
}

TEST(TokenBucket, RefillsAtRate) {
  TokenBucket bucket(10.0, 1.0);  // one token per 100 ms
  EXPECT_TRUE(bucket.try_take(1000));
  EXPECT_FALSE(bucket.try_take(1050));
  EXPECT_FALSE(bucket.try_take(1099));
  EXPECT_TRUE(bucket.try_take(1100));
  EXPECT_FALSE(bucket.try_take(1100));
}

TEST(TokenBucket, NeverHoldsMoreThanBurst) {
  TokenBucket bucket(100.0, 3.0);
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(bucket.try_take(0));
  // An hour idle refills to 3, not 360000.
  const std::uint64_t later = 3'600'000;
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(bucket.try_take(later));
  EXPECT_FALSE(bucket.try_take(later));
}

TEST(TokenBucket, FailedTakeConsumesNothing) {
  TokenBucket bucket(10.0, 1.0);
  EXPECT_TRUE(bucket.try_take(0));
  for (int i = 0; i < 50; ++i)
    EXPECT_FALSE(bucket.try_take(50));
  EXPECT_TRUE(bucket.try_take(100));
}

TEST(TokenBucket, ReportsZeroWaitWhenTokenAvailable) {
  TokenBucket bucket(1.0, 2.0);
  EXPECT_EQ(bucket.ms_until_available(0), 0u);
  EXPECT_TRUE(bucket.try_take(0));
  EXPECT_EQ(bucket.ms_until_available(0), 0u);
}

TEST(TokenBucket, ReportsWaitUntilNextToken) {
  TokenBucket bucket(4.0, 1.0);  // one token per 250 ms
  EXPECT_TRUE(bucket.try_take(1000));
  EXPECT_EQ(bucket.ms_until_available(1000), 250u);
  EXPECT_EQ(bucket.ms_until_available(1100), 150u);
  EXPECT_EQ(bucket.ms_until_available(1250), 0u);
}

TEST(TokenBucket, RoundsWaitUpSoTimerNeverFiresEarly) {
  TokenBucket bucket(3.0, 1.0);  // one token per 333.3 ms
  EXPECT_TRUE(bucket.try_take(0));
  EXPECT_EQ(bucket.ms_until_available(0), 334u);
  EXPECT_FALSE(bucket.try_take(333));
  EXPECT_TRUE(bucket.try_take(334));
}

TEST(TokenBucket, WaitingTheReportedTimeIsAlwaysEnough) {
  const double rates[] = {0.5, 1.0, 3.0, 7.0, 10.0, 33.0, 1000.0, 1e6};
  for (double rate : rates) {
    TokenBucket bucket(rate, 2.0);
    std::uint64_t now = 12345;
    int taken = 0;
    for (int i = 0; i < 500; ++i) {
      if (!bucket.try_take(now)) {
        const std::uint64_t wait = bucket.ms_until_available(now);
        ASSERT_GT(wait, 0u) << "rate " << rate;
        now += wait;
        ASSERT_TRUE(bucket.try_take(now)) << "rate " << rate << " at " << now;
      }
      ++taken;
    }
    EXPECT_EQ(taken, 500);
  }
}

TEST(TokenBucket, SustainedRateMatchesConfiguredRate) {
  TokenBucket bucket(20.0, 20.0);
  int taken = 0;
  for (std::uint64_t now = 0; now <= 10'000; ++now) {
    while (bucket.try_take(now))
      ++taken;
  }
  EXPECT_EQ(taken, 20 + 20 * 10);  // the full burst, then 20 per second for 10 s
}

TEST(TokenBucket, ClockSteppingBackRefillsNothing) {
  TokenBucket bucket(10.0, 1.0);
  EXPECT_TRUE(bucket.try_take(5000));
  EXPECT_FALSE(bucket.try_take(1000));
  EXPECT_FALSE(bucket.try_take(5050));
  EXPECT_TRUE(bucket.try_take(5100));
}

TEST(TokenBucket, TreatsBurstBelowOneAsOne) {
  TokenBucket bucket(10.0, 0.0);
  EXPECT_TRUE(bucket.try_take(0));
  EXPECT_FALSE(bucket.try_take(0));
  EXPECT_EQ(bucket.ms_until_available(0), 100u);
  EXPECT_TRUE(bucket.try_take(100));
}

TEST(TokenBucket, ReconfigureCapsHeldTokensAtNewBurst) {
  TokenBucket bucket(1.0, 10.0);
  bucket.reconfigure(1.0, 2.0);
  EXPECT_TRUE(bucket.try_take(0));
  EXPECT_TRUE(bucket.try_take(0));
  EXPECT_FALSE(bucket.try_take(0));
}

TEST(TokenBucket, ReconfigureAppliesNewRateToRefills) {
  TokenBucket bucket(1.0, 1.0);
  EXPECT_TRUE(bucket.try_take(0));
  bucket.reconfigure(10.0, 1.0);
  EXPECT_EQ(bucket.ms_until_available(0), 100u);
  EXPECT_TRUE(bucket.try_take(100));
  bucket.reconfigure(0.0, 1.0);
  EXPECT_TRUE(bucket.try_take(100));
  EXPECT_TRUE(bucket.try_take(100));
}

}  // namespace
}  // namespace chatd
