// Specs for ban and WHO masks: glob matching and the full nick!user@host form.
#include "daemon/chat/mask.h"

#include <gtest/gtest.h>

#include <string>

namespace chatd {
namespace {

TEST(MaskMatches, MatchesIdenticalText) {
  EXPECT_TRUE(mask_matches("alice!~a@host", "alice!~a@host"));
  EXPECT_FALSE(mask_matches("alice!~a@host", "alice!~a@hosts"));
  EXPECT_FALSE(mask_matches("alice!~a@hosts", "alice!~a@host"));
}

TEST(MaskMatches, MatchesEmptyMaskOnlyToEmptyText) {
  EXPECT_TRUE(mask_matches("", ""));
  EXPECT_FALSE(mask_matches("", "a"));
}

TEST(MaskMatches, LetsStarMatchAnyRunIncludingNone) {
  EXPECT_TRUE(mask_matches("*", ""));
  EXPECT_TRUE(mask_matches("*", "anything at all"));
  EXPECT_TRUE(mask_matches("a*", "a"));
  EXPECT_TRUE(mask_matches("a*c", "ac"));
  EXPECT_TRUE(mask_matches("a*c", "abbbc"));
  EXPECT_FALSE(mask_matches("a*c", "abbbd"));
  EXPECT_TRUE(mask_matches("**a**", "a"));
}

TEST(MaskMatches, LetsQuestionMarkMatchExactlyOneByte) {
  EXPECT_TRUE(mask_matches("a?c", "abc"));
  EXPECT_FALSE(mask_matches("a?c", "ac"));
  EXPECT_FALSE(mask_matches("a?c", "abbc"));
  EXPECT_TRUE(mask_matches("???", "xyz"));
  EXPECT_FALSE(mask_matches("?", ""));
}

TEST(MaskMatches, IgnoresAsciiCase) {
  EXPECT_TRUE(mask_matches("ALICE!*@*", "alice!~a@example.org"));
  EXPECT_TRUE(mask_matches("*!*@Example.ORG", "bob!~b@example.org"));
  EXPECT_TRUE(mask_matches("bob", "BOB"));
}

TEST(MaskMatches, DoesNotFoldNonAscii) {
  EXPECT_FALSE(mask_matches("\xC3\x89", "\xC3\xA9"));  // U+00C9 vs U+00E9
  EXPECT_FALSE(mask_matches("[", "{"));                // not rfc1459 casemapping
}

TEST(MaskMatches, BacktracksWhenAnEarlierMatchWasWrong) {
  EXPECT_TRUE(mask_matches("*a*b", "aXaXb"));
  EXPECT_FALSE(mask_matches("*a*b", "aXaXc"));
  EXPECT_TRUE(mask_matches("*ab", "aab"));
  EXPECT_TRUE(mask_matches("*aab", "aaab"));
  EXPECT_TRUE(mask_matches("a*b*c", "abxbxc"));
  EXPECT_TRUE(mask_matches("*?b", "aab"));
  EXPECT_FALSE(mask_matches("*a?", "ba"));
}

TEST(MaskMatches, MatchesTypicalBanMasks) {
  EXPECT_TRUE(mask_matches("*!*@*.example.com", "bob!~b@x.example.com"));
  EXPECT_FALSE(mask_matches("*!*@*.example.com", "bob!~b@example.com"));
  EXPECT_TRUE(mask_matches("*!~nc@*", "guest-1!~nc@5f0c.ip"));
  EXPECT_FALSE(mask_matches("alice!*@*", "alice2!~a@h"));
}

TEST(MaskMatches, FailsLongHopelessTextWithoutBlowingUp) {
  const std::string text(20000, 'a');
  EXPECT_FALSE(mask_matches("*a*a*a*a*a*b", text));
  EXPECT_TRUE(mask_matches("*a*a*a*a*a*", text));
}

TEST(NormalizeMask, CompletesBareNick) {
  EXPECT_EQ(normalize_mask("alice"), "alice!*@*");
}

TEST(NormalizeMask, CompletesHostOnlyMask) {
  EXPECT_EQ(normalize_mask("*@host"), "*!*@host");
}

TEST(NormalizeMask, ReadsUserAtHostAsAnyNick) {
  EXPECT_EQ(normalize_mask("u@h"), "*!u@h");
}

TEST(NormalizeMask, CompletesNickAndUserWithAnyHost) {
  EXPECT_EQ(normalize_mask("a!b"), "a!b@*");
  EXPECT_EQ(normalize_mask("alice!x"), "alice!x@*");
}

TEST(NormalizeMask, KeepsFullMaskAndItsCase) {
  EXPECT_EQ(normalize_mask("Alice!~A@Host.Example"), "Alice!~A@Host.Example");
  EXPECT_EQ(normalize_mask("*!*@*"), "*!*@*");
}

TEST(NormalizeMask, FillsEmptyPartsWithStar) {
  EXPECT_EQ(normalize_mask("a!@h"), "a!*@h");
  EXPECT_EQ(normalize_mask("!u@h"), "*!u@h");
  EXPECT_EQ(normalize_mask("a!u@"), "a!u@*");
  EXPECT_EQ(normalize_mask("@host"), "*!*@host");
}

TEST(NormalizeMask, RejectsEmpty) {
  EXPECT_EQ(normalize_mask(""), "");
}

TEST(NormalizeMask, RejectsAnythingButPrintableAscii) {
  EXPECT_EQ(normalize_mask("j\xC3\xB6rg"), "");
  EXPECT_EQ(normalize_mask("*@\xE2\x80\xAEhost"), "");
}

TEST(NormalizeMask, RejectsSpacesAndControlBytes) {
  EXPECT_EQ(normalize_mask("a b"), "");
  EXPECT_EQ(normalize_mask(" alice"), "");
  EXPECT_EQ(normalize_mask("a\tb"), "");
  EXPECT_EQ(normalize_mask("a\x01"), "");
  EXPECT_EQ(normalize_mask("a\x7F"), "");
  EXPECT_EQ(normalize_mask(std::string("a\0b", 3)), "");
}

TEST(NormalizeMask, RejectsTwoBangsOrTwoAts) {
  EXPECT_EQ(normalize_mask("a!b!c"), "");
  EXPECT_EQ(normalize_mask("a!b@c@d"), "");
  EXPECT_EQ(normalize_mask("a@b@c"), "");
}

TEST(NormalizeMask, RejectsAtBeforeBang) {
  EXPECT_EQ(normalize_mask("a@b!c"), "");
}

TEST(NormalizeMask, RejectsLeadingColon) {
  EXPECT_EQ(normalize_mask(":alice"), "");
}

TEST(NormalizeMask, AcceptsMaxLengthAndRejectsOneMore) {
  EXPECT_EQ(kMaxMaskLength, 120u);
  const std::string longest(kMaxMaskLength, 'a');
  EXPECT_EQ(normalize_mask(longest), longest + "!*@*");
  EXPECT_EQ(normalize_mask(longest + "a"), "");
}

TEST(NormalizeMask, GivesMasksThatMatchWhatTheyDescribe) {
  EXPECT_TRUE(mask_matches(normalize_mask("alice"), "alice!~a@anywhere"));
  EXPECT_TRUE(mask_matches(normalize_mask("*@5f0c.ip"), "bob!~b@5f0c.ip"));
  EXPECT_FALSE(mask_matches(normalize_mask("*@5f0c.ip"), "bob!~b@other.ip"));
}

}  // namespace
}  // namespace chatd
