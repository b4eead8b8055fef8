// Specs for fitting user text into IRC lines: split_text, cut_utf8 and user_text.
#include "daemon/irc/irc_text.h"

#include <gtest/gtest.h>

#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/chat/sanitize.h"

namespace chatd::irc {
namespace {

constexpr std::string_view kEAcute = "\xC3\xA9";            // 2 bytes
constexpr std::string_view kEuro = "\xE2\x82\xAC";          // 3 bytes
constexpr std::string_view kGrinning = "\xF0\x9F\x98\x80";  // 4 bytes

std::vector<std::string> split(std::string_view text, std::size_t max) {
  const std::vector<std::string_view> pieces = split_text(text, max);
  return {pieces.begin(), pieces.end()};
}

std::string joined(const std::vector<std::string_view>& pieces) {
  std::string out;
  for (std::string_view p : pieces)
    out.append(p);
  return out;
}

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out.append(s);
  return out;
}

// Words of ASCII and multi-byte characters separated by single or double spaces.
std::string random_text(std::mt19937& rng) {
  static constexpr std::string_view kUnits[] = {
      "a", "b", "Z", "0", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", " ", " ", "  "};
  std::uniform_int_distribution<std::size_t> unit(0, std::size(kUnits) - 1);
  std::uniform_int_distribution<int> length(0, 200);
  std::string out;
  for (int i = length(rng); i > 0; --i)
    out.append(kUnits[unit(rng)]);
  return out;
}

TEST(SplitText, KeepsShortTextInOnePiece) {
  EXPECT_EQ(split("hello", 10), (std::vector<std::string>{"hello"}));
  EXPECT_EQ(split("exactly10!", 10), (std::vector<std::string>{"exactly10!"}));
}

TEST(SplitText, ReturnsOnePieceThatIsTheTextItself) {
  const std::string text = "short enough";
  const std::vector<std::string_view> pieces = split_text(text, 100);
  ASSERT_EQ(pieces.size(), 1u);
  EXPECT_EQ(pieces[0].data(), text.data());
  EXPECT_EQ(pieces[0].size(), text.size());
}

TEST(SplitText, GivesEmptyTextAsOneEmptyPiece) {
  EXPECT_EQ(split("", 10), (std::vector<std::string>{""}));
}

TEST(SplitText, CutsAtTheLastSpaceAndKeepsItAtTheEndOfThePiece) {
  EXPECT_EQ(split("hello world again", 8), (std::vector<std::string>{"hello ", "world ", "again"}));
}

TEST(SplitText, TakesASpaceThatLeavesThePieceExactlyHalfFull) {
  // max 8: "abc " is 4 bytes, half of 8.
  EXPECT_EQ(split("abc defghijk", 8), (std::vector<std::string>{"abc ", "defghijk"}));
}

TEST(SplitText, IgnoresASpaceThatWouldLeaveThePieceLessThanHalfFull) {
  // max 8: "ab " would be 3 bytes, so the piece is cut at 8 instead.
  EXPECT_EQ(split("ab cdefghijk", 8), (std::vector<std::string>{"ab cdefg", "hijk"}));
}

TEST(SplitText, CutsLongWordAtMax) {
  EXPECT_EQ(split("abcdefghij", 4), (std::vector<std::string>{"abcd", "efgh", "ij"}));
}

TEST(SplitText, NeverCutsInsideATwoByteCharacter) {
  const std::string text = repeat(kEAcute, 10);  // 20 bytes
  const std::vector<std::string> pieces = split(text, 5);
  ASSERT_EQ(pieces.size(), 5u);
  for (const std::string& p : pieces)
    EXPECT_EQ(p, repeat(kEAcute, 2));
}

TEST(SplitText, NeverCutsInsideAFourByteCharacter) {
  const std::string text = repeat(kGrinning, 3);
  EXPECT_EQ(split(text, 7), (std::vector<std::string>(3, std::string(kGrinning))));
}

TEST(SplitText, NeverCutsInsideAThreeByteCharacterAfterAscii) {
  const std::string text = "ab" + repeat(kEuro, 3);  // 11 bytes
  EXPECT_EQ(split(text, 4), (std::vector<std::string>{"ab", std::string(kEuro), std::string(kEuro),
                                                      std::string(kEuro)}));
}

TEST(SplitText, CoversTextThatIsNotUtf8) {
  const std::string text(10, '\x80');
  const std::vector<std::string_view> pieces = split_text(text, 4);
  EXPECT_EQ(joined(pieces), text);
  for (std::string_view p : pieces) {
    EXPECT_FALSE(p.empty());
    EXPECT_LE(p.size(), 4u);
  }
}

TEST(SplitText, PiecesFitJoinBackAndEndOnCharacterBoundaries) {
  std::mt19937 rng(2024);
  for (int round = 0; round < 2000; ++round) {
    const std::string text = random_text(rng);
    const std::size_t max = 4 + round % 60;
    const std::vector<std::string_view> pieces = split_text(text, max);
    ASSERT_FALSE(pieces.empty());
    ASSERT_EQ(joined(pieces), text) << "round " << round;
    for (std::string_view p : pieces) {
      ASSERT_LE(p.size(), max) << "round " << round;
      ASSERT_TRUE(is_clean_text(p)) << "round " << round << " cut inside a character";
      ASSERT_TRUE(text.empty() || !p.empty()) << "round " << round;
    }
  }
}

TEST(CutUtf8, ReturnsShortTextItself) {
  const std::string text = "caf\xC3\xA9";
  EXPECT_EQ(cut_utf8(text, 5).data(), text.data());
  EXPECT_EQ(cut_utf8(text, 5), text);
  EXPECT_EQ(cut_utf8(text, 100), text);
}

TEST(CutUtf8, CutsAsciiAtMax) {
  EXPECT_EQ(cut_utf8("abcdef", 3), "abc");
  EXPECT_EQ(cut_utf8("abcdef", 0), "");
}

TEST(CutUtf8, BacksOffToTheStartOfACharacter) {
  EXPECT_EQ(cut_utf8("caf\xC3\xA9", 4), "caf");
  EXPECT_EQ(cut_utf8(kEuro, 1), "");
  EXPECT_EQ(cut_utf8(kEuro, 2), "");
  EXPECT_EQ(cut_utf8(kEuro, 3), kEuro);
  EXPECT_EQ(cut_utf8("x" + std::string(kGrinning), 4), "x");
  EXPECT_EQ(cut_utf8(std::string(kGrinning) + "y", 4), kGrinning);
}

TEST(UserText, KeepsIrcFormatting) {
  const std::string typed =
      "\x02"
      "bold\x02 \x03"
      "4,12red\x0F \x1Dital\x1D";
  EXPECT_EQ(user_text(typed, 100), typed);
}

TEST(UserText, RemovesOtherControlsAndReplacesBadUtf8) {
  EXPECT_EQ(user_text("a\x1b[31mb\a", 100), "a[31mb");
  EXPECT_EQ(user_text("x\xFF", 100), "x\xEF\xBF\xBD");
}

TEST(UserText, CutsToMaxBytesAfterCleaning) {
  EXPECT_EQ(user_text("\x1b\x1b\x1b"
                      "abcdef",
                      3),
            "abc");
  EXPECT_EQ(user_text("abcdef", 6), "abcdef");
}

TEST(UserText, NeverCutsInsideACharacter) {
  EXPECT_EQ(user_text("caf\xC3\xA9", 4), "caf");
  EXPECT_EQ(user_text("\xFF"
                      "abc",
                      2),
            "");  // U+FFFD is three bytes
}

}  // namespace
}  // namespace chatd::irc
