// Specs for LineFramer: the same lines whatever way the stream is split into reads, CR/LF
// handling, over-long lines reported once and discarded to their LF, early stops, and a
// carry buffer that stays within the limit.
#include "reactor/line_framer.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "tests/unit/allocation_counter.h"

namespace chatd::test {
namespace {

using reactor::LineFramer;

constexpr std::string_view kTooLong = "<too long>";

// Records lines and over-long reports, in order, into one list; can stop after N lines.
struct Recorder {
  std::vector<std::string> events;
  std::size_t stop_after = 0;  // 0: never stop
  std::size_t lines = 0;

  bool on_line(std::string_view line) {
    events.emplace_back(line);
    ++lines;
    return stop_after == 0 || lines < stop_after;
  }
  bool on_overlong() {
    events.emplace_back(kTooLong);
    return true;
  }
};

std::vector<std::string> frame_in_pieces(std::string_view text,
                                         const std::vector<std::size_t>& cuts, std::size_t limit) {
  LineFramer framer;
  Recorder sink;
  std::size_t from = 0;
  for (std::size_t cut : cuts) {
    EXPECT_EQ(framer.feed(text.data() + from, cut - from, limit, sink), cut - from);
    from = cut;
  }
  EXPECT_EQ(framer.feed(text.data() + from, text.size() - from, limit, sink), text.size() - from);
  return sink.events;
}

std::vector<std::string> frame(std::string_view text, std::size_t limit = 4096) {
  return frame_in_pieces(text, {}, limit);
}

using Lines = std::vector<std::string>;

TEST(LineFramer, SplitsOnLfAndStripsTheCrBeforeIt) {
  EXPECT_EQ(frame("one\ntwo\r\nthree\n"), (Lines{"one", "two", "three"}));
}

TEST(LineFramer, KeepsPartialLineUntilNewline) {
  LineFramer framer;
  Recorder sink;
  framer.feed("hel", 3, 100, sink);
  EXPECT_TRUE(sink.events.empty());
  EXPECT_TRUE(framer.has_partial_line());
  framer.feed("lo\r", 3, 100, sink);
  EXPECT_TRUE(sink.events.empty());
  framer.feed("\nnext", 5, 100, sink);
  EXPECT_EQ(sink.events, (Lines{"hello"}));
  EXPECT_TRUE(framer.has_partial_line());
}

TEST(LineFramer, StripsOnlyTheOneCrThatPrecedesTheLf) {
  EXPECT_EQ(frame("a\rb\n\rlead\ntwo\r\r\nlone\r"), (Lines{"a\rb", "\rlead", "two\r"}));
}

TEST(LineFramer, DeliversEmptyLines) {
  EXPECT_EQ(frame("\n\r\n\nx\n\n"), (Lines{"", "", "", "x", ""}));
}

TEST(LineFramer, GivesTheSameLinesForEverySplitIntoTwoReads) {
  const std::string text = "alpha\r\nbeta\n\n\r\ngamma \r\r\nd\rx\nlast\r\n";
  const Lines expected{"alpha", "beta", "", "", "gamma \r", "d\rx", "last"};
  ASSERT_EQ(frame(text), expected);
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    EXPECT_EQ(frame_in_pieces(text, {cut}, 4096), expected) << "split at " << cut;
  }
}

TEST(LineFramer, GivesTheSameLinesWhenFedByteByByte) {
  const std::string text = "alpha\r\nbeta\n\n\r\ngamma \r\r\nd\rx\nlast\r\n";
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < text.size(); ++i)
    cuts.push_back(i);
  EXPECT_EQ(frame_in_pieces(text, cuts, 4096),
            (Lines{"alpha", "beta", "", "", "gamma \r", "d\rx", "last"}));
}

TEST(LineFramer, GivesTheSameEventsForEverySplitWhenALineIsTooLong) {
  const std::string text = "ok\n" + std::string(9, 'x') + "\r\nfine\r\n12345678\r\n";
  const Lines expected{"ok", std::string(kTooLong), "fine", "12345678"};
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    EXPECT_EQ(frame_in_pieces(text, {cut}, 8), expected) << "split at " << cut;
  }
}

TEST(LineFramer, HandsCompleteLinesOutAsViewsIntoTheInput) {
  struct PointerSink {
    std::vector<const char*> starts;
    bool on_line(std::string_view line) {
      starts.push_back(line.data());
      return true;
    }
    bool on_overlong() { return true; }
  } sink;
  sink.starts.reserve(4);
  const std::string text = "first\r\nsecond\n";
  LineFramer framer;
  {
    AllocationCounter counter;
    framer.feed(text.data(), text.size(), 4096, sink);
    EXPECT_EQ(counter.stats().allocations, 0u) << "a complete line was copied";
  }
  EXPECT_EQ(sink.starts, (std::vector<const char*>{text.data(), text.data() + 7}));
}

TEST(LineFramer, AcceptsALineOfExactlyTheLimitWithOrWithoutCr) {
  const std::string line(16, 'a');
  EXPECT_EQ(frame(line + "\n", 16), (Lines{line}));
  EXPECT_EQ(frame(line + "\r\n", 16), (Lines{line}));
  // The same, arriving in pieces so the line goes through the carry buffer.
  EXPECT_EQ(frame_in_pieces(line + "\r\n", {5, 16, 17}, 16), (Lines{line}));
  EXPECT_EQ(frame_in_pieces(line + "\n", {1, 16}, 16), (Lines{line}));
}

TEST(LineFramer, ReportsALineOneByteOverTheLimit) {
  const std::string line(17, 'a');
  EXPECT_EQ(frame(line + "\n", 16), (Lines{std::string(kTooLong)}));
  EXPECT_EQ(frame(line + "\r\n", 16), (Lines{std::string(kTooLong)}));
  EXPECT_EQ(frame_in_pieces(line + "\n", {17}, 16), (Lines{std::string(kTooLong)}));
  EXPECT_EQ(frame_in_pieces(line + "\r\n", {9, 18}, 16), (Lines{std::string(kTooLong)}));
}

TEST(LineFramer, ReportsAnOverlongLineOnceAndDiscardsItToItsLfAcrossManyReads) {
  constexpr std::size_t kLimit = 4096;
  LineFramer framer;
  Recorder sink;
  const std::string chunk(4096, 'z');
  for (std::size_t sent = 0; sent < (std::size_t{1} << 20); sent += chunk.size()) {
    EXPECT_EQ(framer.feed(chunk.data(), chunk.size(), kLimit, sink), chunk.size());
  }
  EXPECT_EQ(sink.events, (Lines{std::string(kTooLong)}));
  EXPECT_FALSE(framer.has_partial_line()) << "the discarded line is not kept";
  const std::string end = "zzz\r\nnext line\r\n";
  framer.feed(end.data(), end.size(), kLimit, sink);
  EXPECT_EQ(sink.events, (Lines{std::string(kTooLong), "next line"}));
}

TEST(LineFramer, ReportsOverlongAsSoonAsTheCarryWouldPassLimitPlusOne) {
  LineFramer framer;
  Recorder sink;
  // limit + 1 bytes may be a full line plus its CR: carried, not yet reported.
  framer.feed("12345", 5, 4, sink);
  EXPECT_TRUE(sink.events.empty());
  EXPECT_TRUE(framer.has_partial_line());
  // One more byte cannot be part of an acceptable line.
  framer.feed("6", 1, 4, sink);
  EXPECT_EQ(sink.events, (Lines{std::string(kTooLong)}));
  EXPECT_FALSE(framer.has_partial_line());
  framer.feed("78\nok\n", 6, 4, sink);
  EXPECT_EQ(sink.events, (Lines{std::string(kTooLong), "ok"}));
}

TEST(LineFramer, CarriedLineEndingInCrThenNonLfIsOverlong) {
  // "abcd\r" fits (limit + 1), but the CR turns out not to precede the LF.
  EXPECT_EQ(frame_in_pieces("abcd\rx\nok\n", {5}, 4), (Lines{std::string(kTooLong), "ok"}));
}

TEST(LineFramer, StopsWhenTheSinkSaysSoAndReturnsTheBytesConsumed) {
  LineFramer framer;
  Recorder sink;
  sink.stop_after = 2;
  const std::string text = "a\nbb\nccc\ntail";
  EXPECT_EQ(framer.feed(text.data(), text.size(), 100, sink), 5u);
  EXPECT_EQ(sink.events, (Lines{"a", "bb"}));
  EXPECT_FALSE(framer.has_partial_line());
  // The caller feeds the unconsumed tail later; nothing is lost or repeated.
  sink.stop_after = 0;
  EXPECT_EQ(framer.feed(text.data() + 5, text.size() - 5, 100, sink), text.size() - 5);
  framer.feed("!\n", 2, 100, sink);
  EXPECT_EQ(sink.events, (Lines{"a", "bb", "ccc", "tail!"}));
}

TEST(LineFramer, StopsOnALineCompletedFromTheCarry) {
  LineFramer framer;
  Recorder sink;
  sink.stop_after = 1;
  framer.feed("par", 3, 100, sink);
  EXPECT_EQ(framer.feed("tial\r\nnext\n", 11, 100, sink), 6u);
  EXPECT_EQ(sink.events, (Lines{"partial"}));
  EXPECT_FALSE(framer.has_partial_line());
}

// The carry holds at most limit + 1 bytes; std::string may round its capacity up to twice
// what it held, so no allocation while framing may exceed 2 * (limit + 1) bytes.
TEST(LineFramer, CarryNeverGrowsPastTheLimitWhileDiscardingAMegabyte) {
  constexpr std::size_t kLimit = 100;
  LineFramer framer;
  Recorder sink;
  sink.events.reserve(4);
  const std::string chunk(4096, 'q');
  AllocationCounter counter;
  for (std::size_t sent = 0; sent < (std::size_t{1} << 20); sent += chunk.size()) {
    framer.feed(chunk.data(), chunk.size(), kLimit, sink);
  }
  EXPECT_LE(counter.stats().largest, 2 * (kLimit + 1));
  EXPECT_EQ(sink.events.size(), 1u);
}

TEST(LineFramer, CarryNeverGrowsPastTheLimitWhenAnOverlongLineEndsInTheSameRead) {
  constexpr std::size_t kLimit = 100;
  LineFramer framer;
  Recorder sink;
  sink.events.reserve(4);
  const std::string start(60, 's');  // a partial line, carried
  const std::string rest = std::string(60000, 'r') + "\nok\n";
  AllocationCounter counter;
  framer.feed(start.data(), start.size(), kLimit, sink);
  framer.feed(rest.data(), rest.size(), kLimit, sink);
  EXPECT_EQ(sink.events, (Lines{std::string(kTooLong), "ok"}));
  EXPECT_LE(counter.stats().largest, 2 * (kLimit + 1))
      << "the rest of an over-long line was copied into the carry buffer";
}

}  // namespace
}  // namespace chatd::test
