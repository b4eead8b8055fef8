// Specs for TelnetFilter: telnet command sequences are removed from the byte stream, whole,
// however they are split between reads; IAC IAC is a data byte; junk cannot mute a client.
#include "reactor/telnet_filter.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace chatd::test {
namespace {

using reactor::TelnetFilter;

const std::string kIac = "\xff";
const std::string kSb = "\xfa";
const std::string kSe = "\xf0";

std::string run(TelnetFilter& filter, std::string bytes) {
  bytes.resize(filter.filter(bytes.data(), bytes.size()));
  return bytes;
}

std::string filtered(std::string bytes) {
  TelnetFilter filter;
  return run(filter, std::move(bytes));
}

TEST(TelnetFilter, LeavesPlainTextAlone) {
  EXPECT_EQ(filtered("hello\r\nworld\n"), "hello\r\nworld\n");
  EXPECT_EQ(filtered(""), "");
}

TEST(TelnetFilter, RemovesWillWontDoDontWithTheirOption) {
  for (const char verb : {'\xfb', '\xfc', '\xfd', '\xfe'}) {
    EXPECT_EQ(filtered("a" + kIac + verb + "\x01" + "b"), "ab") << int{verb & 0xff};
    // The option byte goes even when it looks like text or like IAC.
    EXPECT_EQ(filtered("a" + kIac + verb + "x" + "b"), "ab");
    EXPECT_EQ(filtered("a" + kIac + verb + kIac + "b"), "ab");
  }
}

TEST(TelnetFilter, TurnsIacIacIntoOneLiteralFfByte) {
  EXPECT_EQ(filtered("a" + kIac + kIac + "b"), "a\xff" "b");
  EXPECT_EQ(filtered(kIac + kIac + kIac + kIac), "\xff\xff");
}

TEST(TelnetFilter, RemovesASubnegotiationUpToIacSe) {
  EXPECT_EQ(filtered("a" + kIac + kSb + "\x18\x01" + kIac + kSe + "b"), "ab");
  // Inside it, IAC IAC is an escaped byte of the subnegotiation, not its end.
  EXPECT_EQ(filtered("a" + kIac + kSb + "x" + kIac + kIac + "y" + kIac + kSe + "b"), "ab");
  // An SE byte without IAC before it does not end it.
  EXPECT_EQ(filtered(kIac + kSb + kSe + "still inside" + kIac + kSe + "out"), "out");
}

TEST(TelnetFilter, RemovesOtherTwoByteCommands) {
  // NOP, data mark, break, interrupt process, abort output, are-you-there, go-ahead.
  for (const char cmd : {'\xf1', '\xf2', '\xf3', '\xf4', '\xf5', '\xf6', '\xf9'}) {
    EXPECT_EQ(filtered("a" + kIac + cmd + "b"), "ab") << int{cmd & 0xff};
  }
  // A byte that is no command at all is dropped with its IAC too.
  EXPECT_EQ(filtered("a" + kIac + "Zb"), "ab");
}

TEST(TelnetFilter, RemovesSequencesSplitAtEveryPositionAcrossTwoReads) {
  const std::string stream = "he" + kIac + "\xfb\x01" + "l" + kIac + kIac + "lo" + kIac + kSb +
                             std::string("\x1f\x00\x50", 3) + kIac + kIac + kIac + kSe + " w" + kIac + "\xf1" +
                             "orld\r\n" + kIac + "\xfd" + kIac + "!";
  const std::string expected = "hel\xfflo world\r\n!";
  ASSERT_EQ(filtered(stream), expected);
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    TelnetFilter filter;
    std::string out = run(filter, stream.substr(0, cut));
    out += run(filter, stream.substr(cut));
    EXPECT_EQ(out, expected) << "split at " << cut;
  }
}

TEST(TelnetFilter, RemovesSequencesFedOneByteAtATime) {
  const std::string stream = "a" + kIac + kSb + "xyz" + kIac + kSe + "b" + kIac + kIac + "c" +
                             kIac + "\xfe\x22" + "d";
  TelnetFilter filter;
  std::string out;
  for (char c : stream) out += run(filter, std::string(1, c));
  EXPECT_EQ(out, "ab\xff" "cd");
}

TEST(TelnetFilter, GivesUpOnASubnegotiationLongerThanTheCap) {
  constexpr std::size_t kCap = TelnetFilter::kMaxSubnegotiation;
  // Exactly the cap: still a subnegotiation, removed whole.
  EXPECT_EQ(filtered(kIac + kSb + std::string(kCap, 's') + kIac + kSe + "text"), "text");
  // One byte more: the filter returns to passing data after that byte.
  EXPECT_EQ(filtered(kIac + kSb + std::string(kCap + 1, 's') + "text"), "text");
  EXPECT_EQ(filtered(kIac + kSb + std::string(kCap, 's') + "text"), "ext");
}

TEST(TelnetFilter, CapsASubnegotiationAcrossReads) {
  constexpr std::size_t kCap = TelnetFilter::kMaxSubnegotiation;
  TelnetFilter filter;
  EXPECT_EQ(run(filter, kIac + kSb), "");
  for (std::size_t i = 0; i < kCap; i += 64) EXPECT_EQ(run(filter, std::string(64, 's')), "");
  EXPECT_EQ(run(filter, "!after the junk\n"), "after the junk\n");
}

}  // namespace
}  // namespace chatd::test
