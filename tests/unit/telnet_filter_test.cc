// Specs for TelnetFilter: telnet command sequences are removed from the byte stream, whole,
// however they are split between reads; IAC IAC is a data byte; junk cannot mute a client.
// Bytes: IAC \xff, SB \xfa, SE \xf0, WILL \xfb, WONT \xfc, DO \xfd, DONT \xfe.
#include "reactor/telnet_filter.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace chatd::test {
namespace {

using reactor::TelnetFilter;

std::string run(TelnetFilter& filter, std::string_view input) {
  std::string bytes(input);
  bytes.resize(filter.filter(bytes.data(), bytes.size()));
  return bytes;
}

std::string filtered(std::string_view input) {
  TelnetFilter filter;
  return run(filter, input);
}

// "a", IAC, `command`, `rest`, "b".
std::string framed(char command, std::string_view rest = {}) {
  std::string s = "a\xff";
  s += command;
  s += rest;
  s += 'b';
  return s;
}

TEST(TelnetFilter, LeavesPlainTextAlone) {
  EXPECT_EQ(filtered("hello\r\nworld\n"), "hello\r\nworld\n");
  EXPECT_EQ(filtered(""), "");
}

TEST(TelnetFilter, RemovesWillWontDoDontWithTheirOption) {
  for (const char verb : {'\xfb', '\xfc', '\xfd', '\xfe'}) {
    EXPECT_EQ(filtered(framed(verb, "\x01")), "ab") << (verb & 0xff);
    // The option byte goes even when it looks like text or like IAC.
    EXPECT_EQ(filtered(framed(verb, "x")), "ab");
    EXPECT_EQ(filtered(framed(verb, "\xff")), "ab");
  }
}

TEST(TelnetFilter, TurnsIacIacIntoOneLiteralFfByte) {
  EXPECT_EQ(filtered("a\xff\xff"
                     "b"),
            "a\xff"
            "b");
  EXPECT_EQ(filtered("\xff\xff\xff\xff"), "\xff\xff");
}

TEST(TelnetFilter, RemovesASubnegotiationUpToIacSe) {
  EXPECT_EQ(filtered("a\xff\xfa\x18\x01\xff\xf0"
                     "b"),
            "ab");
  // Inside it, IAC IAC is an escaped byte of the subnegotiation, not its end.
  EXPECT_EQ(filtered("a\xff\xfax\xff\xffy\xff\xf0"
                     "b"),
            "ab");
  // An SE byte without IAC before it does not end it.
  EXPECT_EQ(filtered("\xff\xfa\xf0still inside\xff\xf0out"), "out");
}

TEST(TelnetFilter, RemovesOtherTwoByteCommands) {
  // NOP, data mark, break, interrupt process, abort output, are-you-there, go-ahead.
  for (const char command : {'\xf1', '\xf2', '\xf3', '\xf4', '\xf5', '\xf6', '\xf9'}) {
    EXPECT_EQ(filtered(framed(command)), "ab") << (command & 0xff);
  }
  // A byte that is no command at all is dropped with its IAC too.
  EXPECT_EQ(filtered(framed('Z')), "ab");
}

TEST(TelnetFilter, RemovesSequencesSplitAtEveryPositionAcrossTwoReads) {
  static constexpr char kStream[] =
      "he\xff\xfb\x01"                                    // IAC WILL ECHO
      "l\xff\xff"                                         // IAC IAC: a data byte
      "lo\xff\xfa\x1f\x00\x50\xff\xff\xff\xf0"            // IAC SB NAWS 0 80 IAC IAC IAC SE
      " w\xff\xf1"                                        // IAC NOP
      "orld\r\n\xff\xfd\xff!";                            // IAC DO IAC (option byte 255)
  const std::string stream(kStream, sizeof kStream - 1);  // it holds a NUL
  const std::string expected =
      "hel\xff"
      "lo world\r\n!";
  ASSERT_EQ(filtered(stream), expected);
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    TelnetFilter filter;
    std::string out = run(filter, std::string_view(stream).substr(0, cut));
    out += run(filter, std::string_view(stream).substr(cut));
    EXPECT_EQ(out, expected) << "split at " << cut;
  }
}

TEST(TelnetFilter, RemovesSequencesFedOneByteAtATime) {
  const std::string stream =
      "a\xff\xfaxyz\xff\xf0"
      "b\xff\xff"
      "c\xff\xfe\x22"
      "d";
  TelnetFilter filter;
  std::string out;
  for (const char c : stream)
    out += run(filter, std::string_view(&c, 1));
  EXPECT_EQ(out,
            "ab\xff"
            "cd");
}

TEST(TelnetFilter, GivesUpOnASubnegotiationLongerThanTheCap) {
  constexpr std::size_t kCap = TelnetFilter::kMaxSubnegotiation;
  const std::string start = "\xff\xfa";
  const std::string body(kCap, 's');
  // Exactly the cap: still a subnegotiation, removed whole.
  EXPECT_EQ(filtered(start + body + "\xff\xf0text"), "text");
  // One byte more: the filter returns to passing data after that byte.
  EXPECT_EQ(filtered(start + body + "stext"), "text");
  EXPECT_EQ(filtered(start + body + "text"), "ext");
}

TEST(TelnetFilter, CapsASubnegotiationAcrossReads) {
  constexpr std::size_t kCap = TelnetFilter::kMaxSubnegotiation;
  TelnetFilter filter;
  EXPECT_EQ(run(filter, "\xff\xfa"), "");
  const std::string junk(64, 's');
  for (std::size_t i = 0; i < kCap; i += junk.size())
    EXPECT_EQ(run(filter, junk), "");
  EXPECT_EQ(run(filter, "!after the junk\n"), "after the junk\n");
}

}  // namespace
}  // namespace chatd::test
