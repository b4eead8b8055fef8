// Specs for server bans: durations and masks as operators type them, matching and expiry,
// and the state file: written atomically, read back the same, broken ones refused.
#include "daemon/admin/server_bans.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "tests/support/temp_dir.h"

namespace chatd {
namespace {

reactor::PeerAddress address(const char* text) {
  const reactor::Cidr c = reactor::parse_cidr(text);
  return reactor::PeerAddress::from_bytes(c.bytes.data(), c.family == 4 ? 4 : 16, 1234);
}

ServerBan ban(const char* mask, std::int64_t set_at, std::int64_t expires_at) {
  return {parse_ban_mask(mask), "reason \"quoted\"", "ada", set_at, expires_at};
}

TEST(BanDuration, ParsesUnitsBareMinutesAndForever) {
  EXPECT_EQ(parse_ban_duration("45s"), 45);
  EXPECT_EQ(parse_ban_duration("30m"), 1800);
  EXPECT_EQ(parse_ban_duration("30"), 1800);
  EXPECT_EQ(parse_ban_duration("2h"), 7200);
  EXPECT_EQ(parse_ban_duration("7d"), 7 * 86400);
  EXPECT_EQ(parse_ban_duration("1w"), 7 * 86400);
  EXPECT_EQ(parse_ban_duration("0"), 0);
  EXPECT_EQ(parse_ban_duration("perm"), 0);
  for (const char* bad : {"", "-5m", "5y", "m", "1.5h", "99999999999d"})
    EXPECT_EQ(parse_ban_duration(bad), -1) << bad;
}

TEST(BanMask, TakesAddressesRangesAndUserAtHostForm) {
  EXPECT_EQ(parse_ban_mask("10.1.2.3").to_string(), "10.1.2.3/32");
  EXPECT_EQ(parse_ban_mask("*@10.0.0.0/8").to_string(), "10.0.0.0/8");
  EXPECT_EQ(parse_ban_mask("2001:db8::/32").to_string(), "2001:db8::/32");
  EXPECT_EQ(parse_ban_mask("10.1.2.3/8").to_string(), "10.0.0.0/8") << "one ban per network";
  EXPECT_EQ(parse_ban_mask("2001:db8:ffff::1/33").to_string(), "2001:db8:8000::/33");
  EXPECT_THROW(parse_ban_mask("nick!user@host"), std::invalid_argument);
  EXPECT_THROW(parse_ban_mask("0.0.0.0/0"), std::invalid_argument) << "would ban everyone";
  EXPECT_THROW(parse_ban_mask("10.0.0.0/7"), std::invalid_argument);
  EXPECT_THROW(parse_ban_mask("::/15"), std::invalid_argument);
}

TEST(ServerBans, MatchesAddressesInTheRangeUntilTheyExpire) {
  ServerBans bans("", 1000);
  EXPECT_FALSE(bans.persistent());
  bans.add(ban("10.0.0.0/8", 1000, 2000), 1000);
  bans.add(ban("2001:db8::/32", 1000, 0), 1000);
  EXPECT_NE(bans.find(address("10.9.8.7"), 1500), nullptr);
  EXPECT_EQ(bans.find(address("11.0.0.1"), 1500), nullptr);
  EXPECT_EQ(bans.find(address("10.9.8.7"), 2000), nullptr) << "expired at 2000";
  EXPECT_NE(bans.find(address("2001:db8::1"), 999999), nullptr) << "never expires";
  EXPECT_EQ(bans.in_force(2000).size(), 1u);
  EXPECT_TRUE(bans.remove(parse_ban_mask("2001:db8::/32"), 2000));
  EXPECT_FALSE(bans.remove(parse_ban_mask("2001:db8::/32"), 2000));
}

TEST(ServerBans, TheSameMaskReplacesTheOldBan) {
  ServerBans bans("", 0);
  bans.add(ban("10.0.0.1", 0, 100), 0);
  bans.add(ban("10.0.0.1", 0, 0), 0);
  ASSERT_EQ(bans.in_force(500).size(), 1u);
  EXPECT_EQ(bans.in_force(500).front().expires_at, 0);
}

TEST(ServerBans, TheStateFileReadsBackTheSameBansWithoutExpiredOnes) {
  test::TempDir dir;
  {
    ServerBans bans(dir.path().string(), 1000);
    bans.add(ban("10.0.0.0/8", 1000, 0), 1000);
    bans.add(ban("192.0.2.1", 1000, 1100), 1000);
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "bans.toml.new")) << "renamed into place";
  }
  ServerBans later(dir.path().string(), 1200);
  const std::vector<ServerBan> kept = later.in_force(1200);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].mask.to_string(), "10.0.0.0/8");
  EXPECT_EQ(kept[0].reason, "reason \"quoted\"");
  EXPECT_EQ(kept[0].set_by, "ada");
  EXPECT_EQ(kept[0].set_at, 1000);
}

TEST(ServerBans, ABrokenStateFileIsRefusedNamingTheFileAndLine) {
  test::TempDir dir;
  dir.write("bans.toml", "[[ban]]\nmask = \"10.0.0.0/8\"\nset_at = 1\nexpires_at = -5\n");
  try {
    ServerBans bans(dir.path().string(), 0);
    FAIL() << "a negative expiry was accepted";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("bans.toml:4"), std::string::npos) << what;
  }
}

TEST(ServerBans, AMissingStateDirIsRefusedAtStart) {
  EXPECT_THROW(ServerBans("/nonexistent/chatd-state", 0), std::runtime_error);
}

TEST(ServerBans, AStateDirThatStopsTakingWritesKeepsTheBanAndSaysWhy) {
  test::TempDir dir;
  ServerBans bans(dir.path().string(), 0);
  std::filesystem::create_directory(dir.path() / "bans.toml");  // rename cannot replace it
  EXPECT_THROW(bans.add(ban("10.0.0.1", 0, 0), 0), std::runtime_error);
  EXPECT_NE(bans.find(address("10.0.0.1"), 1), nullptr);
}

}  // namespace
}  // namespace chatd
