// Specs for sanitize_text: what user text may reach another user's terminal.
#include "daemon/chat/sanitize.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace chatd {
namespace {

// `n` times U+FFFD, REPLACEMENT CHARACTER. Literals below are split ("\xE2\x82" "A")
// so that a hex escape never swallows the letter after it.
std::string fffd(int n = 1) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += "\xEF\xBF\xBD";
  return out;
}

std::string clean(std::string_view in) {
  std::string scratch;
  return std::string(sanitize_text(in, scratch));
}

TEST(Sanitize, ReturnsInputItselfWhenPlainAscii) {
  const std::string_view in = "hello, world! ~{}[]";
  std::string scratch = "untouched";
  const std::string_view out = sanitize_text(in, scratch);
  EXPECT_EQ(out.data(), in.data());
  EXPECT_EQ(out.size(), in.size());
  EXPECT_EQ(scratch, "untouched");
}

TEST(Sanitize, ReturnsEmptyInputUnchanged) {
  std::string scratch;
  const std::string_view in;
  EXPECT_EQ(sanitize_text(in, scratch).size(), 0u);
  EXPECT_TRUE(is_clean_text(in));
}

TEST(Sanitize, ReturnsValidUtf8ItselfWithoutCopying) {
  const std::string in = "caf\xC3\xA9 \xE2\x82\xAC 5 \xF0\x9F\x98\x80 \xE4\xB8\xAD";
  std::string scratch;
  EXPECT_EQ(sanitize_text(in, scratch).data(), in.data());
  EXPECT_TRUE(scratch.empty());
}

TEST(Sanitize, ReturnsViewOfScratchWhenTextChanges) {
  const std::string in =
      "a\x1b"
      "b";
  std::string scratch = "old contents are discarded";
  const std::string_view out = sanitize_text(in, scratch);
  EXPECT_EQ(out, "ab");
  EXPECT_EQ(out.data(), scratch.data());
  EXPECT_EQ(scratch, "ab");
}

TEST(Sanitize, KeepsValidTwoByteSequencesAtTheirBoundaries) {
  EXPECT_EQ(clean("\xC2\xA0"), "\xC2\xA0");  // U+00A0, first after C1
  EXPECT_EQ(clean("\xC3\xA9"), "\xC3\xA9");  // U+00E9
  EXPECT_EQ(clean("\xDF\xBF"), "\xDF\xBF");  // U+07FF, last 2-byte
}

TEST(Sanitize, KeepsValidThreeByteSequencesAtTheirBoundaries) {
  EXPECT_EQ(clean("\xE0\xA0\x80"), "\xE0\xA0\x80");  // U+0800, first 3-byte
  EXPECT_EQ(clean("\xED\x9F\xBF"), "\xED\x9F\xBF");  // U+D7FF, just below surrogates
  EXPECT_EQ(clean("\xEE\x80\x80"), "\xEE\x80\x80");  // U+E000, just above surrogates
  EXPECT_EQ(clean("\xEF\xBF\xBF"), "\xEF\xBF\xBF");  // U+FFFF, last 3-byte
  EXPECT_EQ(clean(fffd()), fffd());                  // U+FFFD itself
}

TEST(Sanitize, KeepsValidFourByteSequencesAtTheirBoundaries) {
  EXPECT_EQ(clean("\xF0\x90\x80\x80"), "\xF0\x90\x80\x80");  // U+10000
  EXPECT_EQ(clean("\xF0\x9F\x98\x80"), "\xF0\x9F\x98\x80");  // U+1F600
  EXPECT_EQ(clean("\xF4\x8F\xBF\xBF"), "\xF4\x8F\xBF\xBF");  // U+10FFFF, the last code point
}

TEST(Sanitize, ReplacesOverlongEncodingWithReplacementChar) {
  // C0 and C1 never start a sequence, so each byte is its own maximal subpart.
  EXPECT_EQ(clean("\xC0\xAF"), fffd(2));          // '/' in 2 bytes
  EXPECT_EQ(clean("\xC1\xBF"), fffd(2));          // U+007F in 2 bytes
  EXPECT_EQ(clean("\xC0\x80"), fffd(2));          // "modified UTF-8" NUL
  EXPECT_EQ(clean("\xE0\x80\xAF"), fffd(3));      // '/' in 3 bytes
  EXPECT_EQ(clean("\xE0\x9F\xBF"), fffd(3));      // U+07FF in 3 bytes
  EXPECT_EQ(clean("\xF0\x80\x80\xAF"), fffd(4));  // '/' in 4 bytes
  EXPECT_EQ(clean("\xF0\x8F\xBF\xBF"), fffd(4));  // U+FFFF in 4 bytes
}

TEST(Sanitize, ReplacesEncodedSurrogatesWithOneReplacementCharPerByte) {
  EXPECT_EQ(clean("\xED\xA0\x80"), fffd(3));  // U+D800
  EXPECT_EQ(clean("\xED\xBF\xBF"), fffd(3));  // U+DFFF
  // A CESU-8 style pair is six bytes, six replacements.
  EXPECT_EQ(clean("\xED\xA0\xBD\xED\xB8\x80"), fffd(6));
}

TEST(Sanitize, ReplacesCodePointsAboveU10FFFF) {
  EXPECT_EQ(clean("\xF4\x90\x80\x80"), fffd(4));  // U+110000
  EXPECT_EQ(clean("\xF5\x80\x80\x80"), fffd(4));  // F5 never starts a sequence
  EXPECT_EQ(clean("\xF7\xBF\xBF\xBF"), fffd(4));
  EXPECT_EQ(clean("\xF8\x88\x80\x80\x80"), fffd(5));  // old 5-byte form
}

TEST(Sanitize, ReplacesStrayContinuationBytes) {
  EXPECT_EQ(clean("a\x80"
                  "b"),
            "a" + fffd() + "b");
  EXPECT_EQ(clean("a\xBF"
                  "b"),
            "a" + fffd() + "b");
  EXPECT_EQ(clean("\x80\x80"), fffd(2));
  // One too many continuation bytes after a complete character.
  EXPECT_EQ(clean("\xC3\xA9\xA9"), "\xC3\xA9" + fffd());
}

TEST(Sanitize, ReplacesTruncatedSequenceFollowedByTextWithOneReplacementChar) {
  EXPECT_EQ(clean("\xC3"
                  "A"),
            fffd() + "A");
  EXPECT_EQ(clean("\xE2\x82"
                  "A"),
            fffd() + "A");
  EXPECT_EQ(clean("\xF0\x9F\x98"
                  "x"),
            fffd() + "x");
  EXPECT_EQ(clean("\xE2 \xE2\x82\xAC"), fffd() + " \xE2\x82\xAC");
}

TEST(Sanitize, ReplacesSequenceCutAtEndOfLine) {
  EXPECT_EQ(clean("abc\xC3"), "abc" + fffd());
  EXPECT_EQ(clean("abc\xE2"), "abc" + fffd());
  EXPECT_EQ(clean("abc\xE2\x82"), "abc" + fffd());
  EXPECT_EQ(clean("abc\xF0\x9F"), "abc" + fffd());
  EXPECT_EQ(clean("abc\xF0\x9F\x98"), "abc" + fffd());
}

TEST(Sanitize, ReplacesBytesFEAndFF) {
  EXPECT_EQ(clean("\xFF"), fffd());
  EXPECT_EQ(clean("x\xFF"
                  "y\xFE"
                  "z"),
            "x" + fffd() + "y" + fffd() + "z");
}

TEST(Sanitize, FollowsUnicodeTable3_8MaximalSubpartExample) {
  // Unicode 15, ch. 3, Table 3-8: 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64.
  const std::string in =
      "a\xF1\x80\x80\xE1\x80\xC2"
      "b\x80"
      "c\x80\xBF"
      "d";
  EXPECT_EQ(clean(in), "a" + fffd(3) + "b" + fffd() + "c" + fffd(2) + "d");
}

TEST(Sanitize, RemovesEscSoEscapeSequencesShowAsText) {
  EXPECT_EQ(clean("\x1b[31mred\x1b[0m"), "[31mred[0m");
  EXPECT_EQ(clean("\x1b]0;pwned\x07"
                  "hi"),
            "]0;pwnedhi");  // OSC title + BEL
  EXPECT_EQ(clean("\x1b"
                  "c"),
            "c");  // full terminal reset
}

TEST(Sanitize, KeepsTab) {
  const std::string_view in = "a\tb\t";
  std::string scratch;
  EXPECT_EQ(sanitize_text(in, scratch).data(), in.data());
}

TEST(Sanitize, RemovesNul) {
  EXPECT_EQ(clean(std::string("a\0b\0", 4)), "ab");
}

TEST(Sanitize, RemovesEveryC0ControlExceptTab) {
  for (int c = 0; c < 0x20; ++c) {
    const std::string in = std::string("<") + static_cast<char>(c) + ">";
    EXPECT_EQ(clean(in), c == '\t' ? in : "<>") << "byte " << c;
  }
}

TEST(Sanitize, RemovesCarriageReturnBellAndBackspace) {
  EXPECT_EQ(clean("ok\rfake\a\b!"), "okfake!");
}

TEST(Sanitize, RemovesDelButKeepsTheRestOfPrintableAscii) {
  EXPECT_EQ(clean("a\x7F"
                  "b"),
            "ab");
  std::string printable;
  for (int c = 0x20; c < 0x7F; ++c)
    printable += static_cast<char>(c);
  EXPECT_TRUE(is_clean_text(printable));
}

TEST(Sanitize, RemovesEveryC1ControlEncodedAsUtf8) {
  for (int c = 0x80; c <= 0x9F; ++c) {
    const std::string in = std::string("<\xC2") + static_cast<char>(c) + ">";
    EXPECT_EQ(clean(in), "<>") << "U+00" << std::hex << c;
  }
  EXPECT_EQ(clean("\xC2\x9B"
                  "31m"),
            "31m");  // U+009B is CSI on some terminals
}

TEST(Sanitize, KeepsU00A0RightAfterTheC1Range) {
  EXPECT_TRUE(is_clean_text("\xC2\xA0"));
  EXPECT_TRUE(is_clean_text("\xC2\xBF"));
}

TEST(Sanitize, RemovesBidiEmbeddingsAndOverrides) {
  // U+202A LRE, U+202B RLE, U+202C PDF, U+202D LRO, U+202E RLO.
  for (char last = '\xAA'; last != '\xAF'; ++last) {
    const std::string in = std::string("x\xE2\x80") + last + "y";
    EXPECT_EQ(clean(in), "xy") << "E2 80 " << std::hex << (last & 0xFF);
  }
  EXPECT_EQ(clean("file\xE2\x80\xAEtxt.exe"), "filetxt.exe");
}

TEST(Sanitize, RemovesBidiIsolates) {
  // U+2066 LRI, U+2067 RLI, U+2068 FSI, U+2069 PDI.
  for (char last = '\xA6'; last != '\xAA'; ++last) {
    const std::string in = std::string("x\xE2\x81") + last + "y";
    EXPECT_EQ(clean(in), "xy") << "E2 81 " << std::hex << (last & 0xFF);
  }
}

TEST(Sanitize, KeepsCodePointsNextToTheBidiRanges) {
  EXPECT_TRUE(is_clean_text("\xE2\x80\xA9"));  // U+2029 PARAGRAPH SEPARATOR
  EXPECT_TRUE(is_clean_text("\xE2\x80\xAF"));  // U+202F NARROW NO-BREAK SPACE
  EXPECT_TRUE(is_clean_text("\xE2\x81\xA5"));  // U+2065
  EXPECT_TRUE(is_clean_text("\xE2\x81\xAA"));  // U+206A
  EXPECT_TRUE(is_clean_text("\xE2\x80\x8E"));  // U+200E LRM, not an override
}

TEST(Sanitize, HandlesRemovalsAndReplacementsMixedWithCleanRuns) {
  const std::string in = std::string("\x1b[1m\xC3\xA9t\xFF\xE2\x80\xAE!") + '\0' + "?\xE2\x82";
  EXPECT_EQ(clean(in), "[1m\xC3\xA9t" + fffd() + "!?" + fffd());
}

TEST(Sanitize, IsCleanTextAgreesWithSanitize) {
  EXPECT_TRUE(is_clean_text("plain \xE2\x82\xAC"));
  EXPECT_FALSE(is_clean_text("bell\a"));
  EXPECT_FALSE(is_clean_text("\xC2\x85"));
  EXPECT_FALSE(is_clean_text("cut\xE2\x82"));
  EXPECT_FALSE(is_clean_text("\xE2\x81\xA6"));
}

// The guarantee the protocol relies on: whatever bytes arrive, the output needs
// no further cleaning, so it is valid UTF-8 free of every removed code point.
TEST(Sanitize, OutputOfRandomBytesIsAlwaysClean) {
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 40);
  std::string scratch;
  for (int round = 0; round < 20000; ++round) {
    std::string in;
    const int n = length(rng);
    for (int i = 0; i < n; ++i)
      in += static_cast<char>(byte(rng));
    const std::string out(sanitize_text(in, scratch));
    ASSERT_TRUE(is_clean_text(out)) << "round " << round;
    std::string again;
    ASSERT_EQ(sanitize_text(out, again).data(), out.data()) << "round " << round;
  }
}

TEST(Sanitize, ReplacesOrDropsEachSingleByteAsItsClassSays) {
  int kept = 0;
  int replaced = 0;
  int removed = 0;
  for (int b = 0; b < 256; ++b) {
    const std::string out = clean(std::string(1, static_cast<char>(b)));
    if (out.empty()) {
      ++removed;
    } else if (out == fffd()) {
      ++replaced;
    } else {
      ASSERT_EQ(out, std::string(1, static_cast<char>(b)));
      ++kept;
    }
  }
  EXPECT_EQ(kept, 95 + 1);   // 0x20..0x7E and TAB
  EXPECT_EQ(removed, 32);    // C0 except TAB, and DEL
  EXPECT_EQ(replaced, 128);  // every byte >= 0x80 alone is ill-formed
}

// ---- IRC formatting: kept for IRC users (Controls::kKeepIrcFormatting), stripped for plain.

constexpr std::string_view kFormattingCodes = "\x02\x03\x0F\x11\x16\x1D\x1E\x1F";

std::string kept(std::string_view in) {
  std::string scratch;
  return std::string(sanitize_text(in, scratch, Controls::kKeepIrcFormatting));
}

std::string stripped(std::string_view in) {
  std::string scratch;
  return std::string(strip_formatting(in, scratch));
}

TEST(IrcFormatting, NamesExactlyTheEightFormattingCodes) {
  int count = 0;
  for (int b = 0; b < 256; ++b) {
    const bool expected = kFormattingCodes.find(static_cast<char>(b)) != std::string_view::npos;
    EXPECT_EQ(is_irc_formatting(static_cast<unsigned char>(b)), expected) << "byte " << b;
    count += is_irc_formatting(static_cast<unsigned char>(b)) ? 1 : 0;
  }
  EXPECT_EQ(count, 8);
}

TEST(SanitizeKeepingFormatting, ReturnsTextWithFormattingCodesItself) {
  for (char code : kFormattingCodes) {
    const std::string in = std::string("a") + code + "b";
    std::string scratch;
    const std::string_view out = sanitize_text(in, scratch, Controls::kKeepIrcFormatting);
    EXPECT_EQ(out.data(), in.data()) << "byte " << int(code);
    EXPECT_EQ(out, in);
    EXPECT_TRUE(is_clean_text(in, Controls::kKeepIrcFormatting));
  }
}

TEST(SanitizeKeepingFormatting, StillRemovesFormattingCodesByDefault) {
  for (char code : kFormattingCodes) {
    const std::string in = std::string("a") + code + "b";
    EXPECT_EQ(clean(in), "ab") << "byte " << int(code);
    EXPECT_FALSE(is_clean_text(in));
  }
}

TEST(SanitizeKeepingFormatting, RemovesEveryOtherC0ControlExceptTab) {
  for (int c = 0; c < 0x20; ++c) {
    const std::string in = std::string("<") + static_cast<char>(c) + ">";
    const bool survives = c == '\t' || is_irc_formatting(static_cast<unsigned char>(c));
    EXPECT_EQ(kept(in), survives ? in : "<>") << "byte " << c;
  }
  EXPECT_EQ(kept("a\x7F"
                 "b"),
            "ab");
  EXPECT_EQ(kept("\x1b[31m\x02red"), "[31m\x02red");
}

TEST(SanitizeKeepingFormatting, AppliesEveryOtherRuleUnchanged) {
  EXPECT_EQ(kept("\xC3"
                 "A"),
            fffd() + "A");
  EXPECT_EQ(kept("\xED\xA0\x80"), fffd(3));
  EXPECT_EQ(kept("\xC2\x85"
                 "x"),
            "x");
  EXPECT_EQ(kept("file\xE2\x80\xAEtxt"), "filetxt");
  EXPECT_EQ(kept("\x02\xE2\x82\x03"
                 "4"),
            "\x02" + fffd() + "\x03" + "4");
}

TEST(StripFormatting, ReturnsTextWithoutFormattingItself) {
  const std::string_view in = "plain text, 42 \xE2\x82\xAC";
  std::string scratch = "untouched";
  const std::string_view out = strip_formatting(in, scratch);
  EXPECT_EQ(out.data(), in.data());
  EXPECT_EQ(out.size(), in.size());
  EXPECT_EQ(scratch, "untouched");
}

TEST(StripFormatting, ReturnsViewOfScratchWhenTextChanges) {
  std::string scratch = "old contents are discarded";
  const std::string_view out = strip_formatting(
      "\x02"
      "bold\x02",
      scratch);
  EXPECT_EQ(out, "bold");
  EXPECT_EQ(out.data(), scratch.data());
}

TEST(StripFormatting, RemovesEachFormattingCode) {
  EXPECT_EQ(stripped("\x02"
                     "bold\x02"),
            "bold");
  EXPECT_EQ(stripped("\x1D"
                     "italics\x1D"),
            "italics");
  EXPECT_EQ(stripped("\x1F"
                     "under\x1F"
                     "line"),
            "underline");
  EXPECT_EQ(stripped("\x1E"
                     "struck\x1E"),
            "struck");
  EXPECT_EQ(stripped("\x11"
                     "mono\x11"),
            "mono");
  EXPECT_EQ(stripped("\x16"
                     "reverse\x16"),
            "reverse");
  EXPECT_EQ(stripped("\x02\x1D"
                     "both\x0F"
                     " reset"),
            "both reset");
}

TEST(StripFormatting, RemovesColourWithItsForegroundAndBackgroundDigits) {
  EXPECT_EQ(stripped("\x03"
                     "4,12red"),
            "red");  // the header's example
  EXPECT_EQ(stripped("\x03"
                     "4red"),
            "red");
  EXPECT_EQ(stripped("\x03"
                     "04red"),
            "red");
  EXPECT_EQ(stripped("\x03"
                     "12,04x"),
            "x");
  EXPECT_EQ(stripped("\x03"
                     "1,2y"),
            "y");
}

TEST(StripFormatting, TakesAtMostTwoDigitsOnEachSideOfTheComma) {
  EXPECT_EQ(stripped("\x03"
                     "123"),
            "3");
  EXPECT_EQ(stripped("\x03"
                     "4,123"),
            "3");
  EXPECT_EQ(stripped("\x03"
                     "99,999"),
            "9");
}

TEST(StripFormatting, KeepsCommaNotFollowedByADigit) {
  EXPECT_EQ(stripped("\x03,x"), ",x");  // the header's example
  EXPECT_EQ(stripped("\x03"
                     "4,x"),
            ",x");
  EXPECT_EQ(stripped("\x03"
                     "4,"),
            ",");
  EXPECT_EQ(stripped("\x03,5"), ",5");  // no foreground: the comma is text
}

TEST(StripFormatting, RemovesBareColourCode) {
  EXPECT_EQ(stripped("\x03"
                     "red\x03"),
            "red");
  EXPECT_EQ(stripped("\x03"), "");
}

TEST(StripFormatting, KeepsDigitsThatDoNotFollowAColourCode) {
  EXPECT_EQ(stripped("\x02"
                     "12"),
            "12");
  EXPECT_EQ(stripped("\x03"
                     "4red 42"),
            "red 42");
}

// The promise plain rendering relies on: stripping what an IRC user would get gives
// what a plain user gets, as long as no digits can be taken for a colour's.
TEST(StripFormatting, AfterKeepingFormattingEqualsSanitizingWithoutDigits) {
  std::mt19937 rng(54321);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 40);
  for (int round = 0; round < 20000; ++round) {
    std::string in;
    for (int i = length(rng); i > 0; --i) {
      char c = static_cast<char>(byte(rng));
      if (c >= '0' && c <= '9') c = 'd';
      in += c;
    }
    std::string keep_scratch;
    std::string strip_scratch;
    const std::string_view with_codes =
        sanitize_text(in, keep_scratch, Controls::kKeepIrcFormatting);
    ASSERT_EQ(std::string(strip_formatting(with_codes, strip_scratch)), clean(in))
        << "round " << round;
  }
}

TEST(StripFormatting, AfterKeepingFormattingEqualsSanitizingForHandWrittenCases) {
  for (std::string_view in : {"\x02hi\x02", "\x1b[1m\x1D\xC3\xA9\xFF", "a\x03,b\x0F\x7F",
                              "\x16\x03\xE2\x80\xAE!", "\x1F\x1E\x11\r\n"}) {
    std::string keep_scratch;
    std::string strip_scratch;
    const std::string_view with_codes =
        sanitize_text(in, keep_scratch, Controls::kKeepIrcFormatting);
    EXPECT_EQ(std::string(strip_formatting(with_codes, strip_scratch)), clean(in));
  }
}

}  // namespace
}  // namespace chatd
