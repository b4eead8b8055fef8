// Inputs from fuzz/ replayed on every build along the fuzz target's path: telnet filter,
// line framer, then parse_line and sanitize_text. Each crash input the fuzzer finds is
// added here, bytes inline, with its root cause; the seeds' real-client captures come first.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/chat/sanitize.h"
#include "daemon/plain/command_parser.h"
#include "reactor/line_framer.h"
#include "reactor/telnet_filter.h"

namespace chatd::test {
namespace {

using Lines = std::vector<std::string>;
using namespace std::string_view_literals;  // "..."sv keeps the NUL bytes of telnet and TLS

// What each line became: sanitized text, "/name|args" for a command, or "<too long>".
struct Recorder {
  Lines lines;

  bool on_line(std::string_view line) {
    const ParsedLine p = parse_line(line);
    std::string scratch;
    if (p.kind == ParsedLine::Kind::kCommand) {
      std::string command = "/" + std::string(sanitize_text(p.name, scratch)) + "|";
      command += sanitize_text(p.args, scratch);
      lines.push_back(std::move(command));
    } else {
      lines.emplace_back(sanitize_text(p.text, scratch));
    }
    return true;
  }
  bool on_overlong() {
    lines.emplace_back("<too long>");
    return true;
  }
};

// Connection::on_read and Session::handle without the network: `sent` in reads of
// `read_size` bytes, each telnet-filtered in place and framed at `limit`.
Lines replay(std::string_view sent, std::size_t read_size, std::size_t limit = 4096) {
  reactor::TelnetFilter telnet;
  reactor::LineFramer framer;
  Recorder sink;
  for (std::size_t pos = 0; pos < sent.size(); pos += read_size) {
    std::string read(sent.substr(pos, read_size));
    const std::size_t kept = telnet.filter(read.data(), read.size());
    EXPECT_EQ(framer.feed(read.data(), kept, limit, sink), kept);
  }
  return sink.lines;
}

// Seed telnet_ip_ayt_break: inetutils telnet in line mode, typing a line with UTF-8,
// then Ctrl-C (IAC IP, IAC DO TIMING-MARK), "send ayt" (IAC AYT), a line, "send brk"
// (IAC BRK) and /who.
constexpr std::string_view kTelnetControls =
    "hi \xC3\xA9t\xC3\xA9 \xE2\x82\xAC\r\n"
    "\xFF\xF4\xFF\xFD\x06\xFF\xF6"
    "after\r\n"
    "\xFF\xF3/who\r\n"sv;

TEST(FuzzRegression, RealTelnetControlsAreRemovedForEveryReadSize) {
  const Lines expected = {"hi \xC3\xA9t\xC3\xA9 \xE2\x82\xAC", "after", "/who|"};
  for (std::size_t size = 1; size <= kTelnetControls.size(); ++size) {
    EXPECT_EQ(replay(kTelnetControls, size), expected) << "reads of " << size;
  }
}

// An IAC command in the middle of a UTF-8 sequence is removed before sanitising, so
// the two halves join into one valid character instead of two U+FFFD.
TEST(FuzzRegression, TelnetCommandInsideAUtf8SequenceLeavesTheCharacterWhole) {
  constexpr std::string_view kSent =
      "caf\xC3\xFF\xF1\xA9 \xE2\xFF\xFB\x18\x82\xAC\r\n"
      "/me \xF0\x9F\xFF\xFA\x1F\x00\x50\xFF\xF0\x98\x80\n"sv;
  const Lines expected = {"caf\xC3\xA9 \xE2\x82\xAC", "/me|\xF0\x9F\x98\x80"};
  for (std::size_t size = 1; size <= kSent.size(); ++size) {
    EXPECT_EQ(replay(kSent, size), expected) << "reads of " << size;
  }
}

// Seed tls_client_hello, cut to its record header and first bytes: binary junk gives
// the same lines for every read size, and only clean text comes out of any of them.
TEST(FuzzRegression, TlsClientHelloGivesOnlyCleanTextForEveryReadSize) {
  constexpr std::string_view kHello =
      "\x16\x03\x01\x01\x3d\x01\x00\x01\x39\x03\x03\x97\x51\x99\x0a\xb0\x98\xac\x17\xad"
      "\x0c\xaa\x0f\xdc\x27\x75\xa2\xc5\xfb\xd2\xe9\xf1\xc0\xfd\xea\x7c\xa5\x32\x6c\x88"
      "\x6f\x03\x60\x20\x85\x1e\xf2\xa5\x50\x19\x88\xb4\x31\xbb\x2f\x74\x69\xbd\x25\xd5"
      "\xb0\x39\x28\xb4\x67\xf3\x7b\xd9\x95\x6c\x89\x3a\x79\x2a\x89\x7c\x00\x3e\x13\x02"
      "\r\n"sv;
  const Lines whole = replay(kHello, kHello.size(), 64);
  ASSERT_FALSE(whole.empty());
  for (const std::string& line : whole) {
    EXPECT_TRUE(is_clean_text(line));
  }
  for (std::size_t size = 1; size < kHello.size(); ++size) {
    EXPECT_EQ(replay(kHello, size, 64), whole) << "reads of " << size;
  }
}

}  // namespace
}  // namespace chatd::test
