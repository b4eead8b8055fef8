// Specs for parse_mode_changes: sign runs, letters and the arguments they take in order.
#include "daemon/chat/mode_change.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace chatd {
namespace {

// A change as "+o alice", "-t" or "+k " (an argument slot left empty).
std::vector<std::string> changes(std::string_view modes, std::vector<std::string_view> args = {}) {
  std::vector<std::string> out;
  for (const ModeChange& c : parse_mode_changes(modes, args)) {
    std::string s = {c.add ? '+' : '-', c.letter};
    if (mode_takes_arg(c.letter, c.add)) s.append(" ").append(c.arg);
    out.push_back(s);
  }
  return out;
}

TEST(ParseModeChanges, SplitsSignRunsIntoSingleChanges) {
  EXPECT_EQ(changes("+ov-t", {"alice", "bob"}),
            (std::vector<std::string>{"+o alice", "+v bob", "-t"}));
}

TEST(ParseModeChanges, AppliesEachSignUntilTheNextOne) {
  EXPECT_EQ(changes("+nt-mi+s"), (std::vector<std::string>{"+n", "+t", "-m", "-i", "+s"}));
}

TEST(ParseModeChanges, ReadsLettersWithoutSignAsAdding) {
  EXPECT_EQ(changes("o", {"alice"}), (std::vector<std::string>{"+o alice"}));
}

TEST(ParseModeChanges, ConsumesArgumentsInLetterOrder) {
  EXPECT_EQ(changes("+v-o+k", {"a", "b", "c"}), (std::vector<std::string>{"+v a", "-o b", "+k c"}));
}

TEST(ParseModeChanges, GivesFlagLettersNoArgument) {
  const std::vector<std::string_view> args = {"alice"};
  const std::vector<ModeChange> c = parse_mode_changes("+t+o", args);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].letter, 't');
  EXPECT_TRUE(c[0].arg.empty());
  EXPECT_EQ(c[1].letter, 'o');
  EXPECT_EQ(c[1].arg, "alice");
}

TEST(ParseModeChanges, GivesLimitAnArgumentOnlyWhenAdding) {
  EXPECT_EQ(changes("+l", {"10"}), (std::vector<std::string>{"+l 10"}));
  const std::vector<std::string_view> args = {"key"};
  const std::vector<ModeChange> c = parse_mode_changes("-l+k", args);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_FALSE(c[0].add);
  EXPECT_EQ(c[0].letter, 'l');
  EXPECT_TRUE(c[0].arg.empty());
  EXPECT_EQ(c[1].arg, "key");
}

TEST(ParseModeChanges, GivesKeyAnArgumentBothWays) {
  EXPECT_EQ(changes("-k+o", {"oldkey", "alice"}),
            (std::vector<std::string>{"-k oldkey", "+o alice"}));
}

TEST(ParseModeChanges, GivesBanAnArgumentBothWays) {
  EXPECT_EQ(changes("+b-b", {"a!*@*", "b!*@*"}),
            (std::vector<std::string>{"+b a!*@*", "-b b!*@*"}));
}

TEST(ParseModeChanges, LeavesMissingArgumentsEmpty) {
  EXPECT_EQ(changes("+oo", {"alice"}), (std::vector<std::string>{"+o alice", "+o "}));
  EXPECT_EQ(changes("+k"), (std::vector<std::string>{"+k "}));
  EXPECT_EQ(changes("b"), (std::vector<std::string>{"+b "}));  // a ban-list request
}

TEST(ParseModeChanges, IgnoresExtraArguments) {
  EXPECT_EQ(changes("+t", {"x", "y"}), (std::vector<std::string>{"+t"}));
}

TEST(ParseModeChanges, KeepsUnknownLettersForTheModelToReport) {
  const std::vector<ModeChange> c = parse_mode_changes("+xZ", {});
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].letter, 'x');
  EXPECT_EQ(c[1].letter, 'Z');
  EXPECT_TRUE(c[0].add);
}

TEST(ParseModeChanges, TakesOnlyTheLastOfRepeatedSigns) {
  EXPECT_EQ(changes("++-o", {"alice"}), (std::vector<std::string>{"-o alice"}));
  EXPECT_TRUE(changes("+-").empty());
  EXPECT_TRUE(changes("").empty());
}

TEST(ParseModeChanges, StopsAfterMaxLettersWithArguments) {
  EXPECT_EQ(kMaxModeArgs, 4u);
  EXPECT_EQ(changes("+oooooo", {"a", "b", "c", "d", "e", "f"}),
            (std::vector<std::string>{"+o a", "+o b", "+o c", "+o d"}));
}

TEST(ParseModeChanges, KeepsFlagsAfterTheArgumentCap) {
  EXPECT_EQ(changes("+vvvvvt", {"a", "b", "c", "d", "e"}),
            (std::vector<std::string>{"+v a", "+v b", "+v c", "+v d", "+t"}));
}

TEST(ModeTakesArg, NamesTheLettersThatTakeOne) {
  for (char c : std::string_view("ovbk")) {
    EXPECT_TRUE(mode_takes_arg(c, true)) << c;
    EXPECT_TRUE(mode_takes_arg(c, false)) << c;
  }
  EXPECT_TRUE(mode_takes_arg('l', true));
  EXPECT_FALSE(mode_takes_arg('l', false));
  for (char c : std::string_view("imnstx")) {
    EXPECT_FALSE(mode_takes_arg(c, true)) << c;
    EXPECT_FALSE(mode_takes_arg(c, false)) << c;
  }
}

}  // namespace
}  // namespace chatd
