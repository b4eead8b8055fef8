// Specs for the nick and room-name rules and ASCII case folding.
#include "daemon/chat/names.h"

#include <gtest/gtest.h>

#include <string>

namespace chatd {
namespace {

TEST(Nick, AcceptsLettersDigitsAndIrcSpecials) {
  EXPECT_TRUE(is_valid_nick("alice"));
  EXPECT_TRUE(is_valid_nick("Bob42"));
  EXPECT_TRUE(is_valid_nick("guest-7"));
  EXPECT_TRUE(is_valid_nick("a-_[]{}\\|^`"));
  EXPECT_TRUE(is_valid_nick("[away]"));
  EXPECT_TRUE(is_valid_nick("_"));
  EXPECT_TRUE(is_valid_nick("`"));
}

TEST(Nick, AcceptsOneCharacter) {
  EXPECT_TRUE(is_valid_nick("x"));
}

TEST(Nick, RejectsEmpty) {
  EXPECT_FALSE(is_valid_nick(""));
}

TEST(Nick, AcceptsThirtyCharactersAndRejectsThirtyOne) {
  EXPECT_EQ(kMaxNickLength, 30u);
  EXPECT_TRUE(is_valid_nick(std::string(30, 'a')));
  EXPECT_FALSE(is_valid_nick(std::string(31, 'a')));
}

TEST(Nick, RejectsLeadingDigitOrDash) {
  EXPECT_FALSE(is_valid_nick("9lives"));
  EXPECT_FALSE(is_valid_nick("0"));
  EXPECT_FALSE(is_valid_nick("-bob"));
  EXPECT_TRUE(is_valid_nick("bob-9"));
  EXPECT_TRUE(is_valid_nick("b9"));
}

TEST(Nick, RejectsCharactersThatCouldImpersonateServerOrOtherUsers) {
  EXPECT_FALSE(is_valid_nick("*bob*"));  // private-message marker
  EXPECT_FALSE(is_valid_nick("bob*"));
  EXPECT_FALSE(is_valid_nick("<bob>"));  // relayed-line marker
  EXPECT_FALSE(is_valid_nick("!bob"));   // error-line marker
  EXPECT_FALSE(is_valid_nick("#dev"));   // a room name
}

TEST(Nick, RejectsSpacesControlsAndNonAscii) {
  EXPECT_FALSE(is_valid_nick("bob smith"));
  EXPECT_FALSE(is_valid_nick("bob\t"));
  EXPECT_FALSE(is_valid_nick(std::string("bo\0b", 4)));
  EXPECT_FALSE(is_valid_nick("b\x1b[31m"));
  EXPECT_FALSE(is_valid_nick("j\xC3\xB6rg"));
  EXPECT_FALSE(is_valid_nick("a.b"));
  EXPECT_FALSE(is_valid_nick("a@b"));
  EXPECT_FALSE(is_valid_nick("a:b"));
}

TEST(Room, AddsHashToBareName) {
  EXPECT_EQ(normalize_room("dev"), std::optional<std::string>("#dev"));
}

TEST(Room, KeepsNameThatAlreadyHasHash) {
  EXPECT_EQ(normalize_room("#dev"), std::optional<std::string>("#dev"));
}

TEST(Room, KeepsOriginalCase) {
  EXPECT_EQ(normalize_room("DevOps"), std::optional<std::string>("#DevOps"));
}

TEST(Room, AcceptsLettersDigitsDashUnderscoreAndDot) {
  EXPECT_EQ(normalize_room("a-b_c.9"), std::optional<std::string>("#a-b_c.9"));
  EXPECT_EQ(normalize_room("#1"), std::optional<std::string>("#1"));
  EXPECT_EQ(normalize_room("."), std::optional<std::string>("#."));
}

TEST(Room, AcceptsFiftyCharactersAndRejectsFiftyOne) {
  EXPECT_EQ(kMaxRoomNameLength, 50u);
  const std::string fifty(50, 'r');
  EXPECT_EQ(normalize_room(fifty), std::optional<std::string>("#" + fifty));
  EXPECT_EQ(normalize_room("#" + fifty), std::optional<std::string>("#" + fifty));
  EXPECT_EQ(normalize_room(std::string(51, 'r')), std::nullopt);
  EXPECT_EQ(normalize_room("#" + std::string(51, 'r')), std::nullopt);
}

TEST(Room, RejectsEmptyNameAndBareHash) {
  EXPECT_EQ(normalize_room(""), std::nullopt);
  EXPECT_EQ(normalize_room("#"), std::nullopt);
}

TEST(Room, RejectsDoubleHashSpacesAndOtherPunctuation) {
  EXPECT_EQ(normalize_room("##dev"), std::nullopt);
  EXPECT_EQ(normalize_room("my room"), std::nullopt);
  EXPECT_EQ(normalize_room(" dev"), std::nullopt);
  EXPECT_EQ(normalize_room("dev,ops"), std::nullopt);
  EXPECT_EQ(normalize_room("a/b"), std::nullopt);
  EXPECT_EQ(normalize_room("[dev]"), std::nullopt);
  EXPECT_EQ(normalize_room("d\x1b"), std::nullopt);
  EXPECT_EQ(normalize_room("caf\xC3\xA9"), std::nullopt);
}

TEST(FoldCase, LowersAsciiUppercaseLetters) {
  EXPECT_EQ(fold_case("AliCE"), "alice");
  EXPECT_EQ(fold_case("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), "abcdefghijklmnopqrstuvwxyz");
  EXPECT_EQ(fold_case("#DevOps.2"), "#devops.2");
}

TEST(FoldCase, LeavesEverythingButAToZUnchanged) {
  // Not rfc1459 casemapping: [ ] \ ~ stay distinct from { } | ^.
  EXPECT_EQ(fold_case("[]\\~{}|^`@_-"), "[]\\~{}|^`@_-");
  EXPECT_EQ(fold_case("\xC3\x89"), "\xC3\x89");  // U+00C9 stays as it is
  std::string all;
  for (int c = 0; c < 256; ++c)
    all += static_cast<char>(c);
  const std::string folded = fold_case(all);
  ASSERT_EQ(folded.size(), 256u);
  for (int c = 0; c < 256; ++c) {
    const char expected = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : static_cast<char>(c);
    EXPECT_EQ(folded[c], expected) << "byte " << c;
  }
}

TEST(FoldCase, MakesNicksDifferingOnlyInCaseEqual) {
  EXPECT_EQ(fold_case("Bob"), fold_case("bOB"));
  EXPECT_NE(fold_case("bob["), fold_case("bob{"));
}

}  // namespace
}  // namespace chatd
