// Specs for OutputQueue: byte accounting through push, fill and partial consumes, buffers
// that point at the shared messages themselves, and the release of every sent message.
#include "reactor/output_queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "reactor/message.h"

namespace chatd::test {
namespace {

using reactor::make_line;
using reactor::MessageRef;
using reactor::OutputQueue;

std::string_view as_view(const uv_buf_t& b) {
  return {b.base, b.len};
}

// Every unsent byte, in order, as fill() exposes it.
std::string pending(const OutputQueue& q) {
  std::vector<uv_buf_t> bufs(4096);
  std::string out;
  const std::size_t n = q.fill(bufs.data(), bufs.size());
  for (std::size_t i = 0; i < n; ++i)
    out += as_view(bufs[i]);
  return out;
}

TEST(OutputQueue, StartsEmpty) {
  OutputQueue q;
  uv_buf_t buf;
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.bytes(), 0u);
  EXPECT_FALSE(q.mid_message());
  EXPECT_EQ(q.fill(&buf, 1), 0u);
}

TEST(OutputQueue, CountsBytesThroughPushFillAndPartialConsumes) {
  OutputQueue q;
  q.push(make_line("abc"));      // 5 bytes
  q.push(make_line("defgh"));    // 7 bytes
  q.push(make_line("ijklmno"));  // 9 bytes
  EXPECT_EQ(q.bytes(), 21u);
  EXPECT_EQ(pending(q), "abc\r\ndefgh\r\nijklmno\r\n");

  q.consume(3);  // into the middle of the first message
  EXPECT_EQ(q.bytes(), 18u);
  EXPECT_TRUE(q.mid_message());
  uv_buf_t bufs[3];
  ASSERT_EQ(q.fill(bufs, 3), 3u);
  EXPECT_EQ(as_view(bufs[0]), "\r\n");
  EXPECT_EQ(as_view(bufs[1]), "defgh\r\n");
  EXPECT_EQ(as_view(bufs[2]), "ijklmno\r\n");

  q.consume(2);  // exactly to the end of the first
  EXPECT_EQ(q.bytes(), 16u);
  EXPECT_FALSE(q.mid_message());
  EXPECT_EQ(pending(q), "defgh\r\nijklmno\r\n");

  q.consume(10);  // all of the second and 3 bytes of the third
  EXPECT_EQ(q.bytes(), 6u);
  EXPECT_TRUE(q.mid_message());
  EXPECT_EQ(pending(q), "lmno\r\n");

  q.consume(6);
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.bytes(), 0u);
  EXPECT_FALSE(q.mid_message());
  EXPECT_EQ(q.fill(bufs, 3), 0u);
}

TEST(OutputQueue, FillPointsAtTheMessagesOwnBytes) {
  const MessageRef a = make_line("first");
  const MessageRef b = make_line("second");
  OutputQueue q;
  q.push(a);
  q.push(b);
  uv_buf_t bufs[2];
  ASSERT_EQ(q.fill(bufs, 2), 2u);
  EXPECT_EQ(bufs[0].base, a.data());
  EXPECT_EQ(bufs[0].len, a.size());
  EXPECT_EQ(bufs[1].base, b.data());
  EXPECT_EQ(bufs[1].len, b.size());
  q.consume(2);
  ASSERT_EQ(q.fill(bufs, 2), 2u);
  EXPECT_EQ(bufs[0].base, a.data() + 2) << "a partly sent message continues in place";
  EXPECT_EQ(bufs[0].len, a.size() - 2);
}

TEST(OutputQueue, FillsAtMostMaxBuffersFromTheFront) {
  OutputQueue q;
  for (int i = 0; i < 5; ++i)
    q.push(make_line(std::to_string(i)));
  uv_buf_t bufs[5];
  EXPECT_EQ(q.fill(bufs, 0), 0u);
  ASSERT_EQ(q.fill(bufs, 2), 2u);
  EXPECT_EQ(as_view(bufs[0]), "0\r\n");
  EXPECT_EQ(as_view(bufs[1]), "1\r\n");
  q.consume(4);  // "0\r\n" and one byte of "1\r\n"
  ASSERT_EQ(q.fill(bufs, 2), 2u);
  EXPECT_EQ(as_view(bufs[0]), "\r\n");
  EXPECT_EQ(as_view(bufs[1]), "2\r\n");
  EXPECT_EQ(q.fill(bufs, 5), 4u);
}

TEST(OutputQueue, ReleasesEachMessageAsSoonAsItIsFullySent) {
  const MessageRef a = make_line("aa");  // 4 bytes
  const MessageRef b = make_line("bb");
  OutputQueue q;
  q.push(a);
  q.push(b);
  EXPECT_EQ(a.get()->refs(), 2u);
  EXPECT_EQ(b.get()->refs(), 2u);
  q.consume(3);
  EXPECT_EQ(a.get()->refs(), 2u) << "still owed one byte";
  q.consume(1);
  EXPECT_EQ(a.get()->refs(), 1u);
  EXPECT_EQ(b.get()->refs(), 2u);
  q.consume(4);
  EXPECT_EQ(b.get()->refs(), 1u);
}

TEST(OutputQueue, KeepsOrderAndCountsWhenPushingWhileMidMessage) {
  OutputQueue q;
  q.push(make_line("one"));
  q.consume(1);
  q.push(make_line("two"));
  EXPECT_EQ(q.bytes(), 9u);
  EXPECT_TRUE(q.mid_message());
  EXPECT_EQ(pending(q), "ne\r\ntwo\r\n");
}

TEST(OutputQueue, StaysCorrectOverLongRunsOfSmallConsumes) {
  // Enough traffic to make the queue compact its sent prefix several times.
  OutputQueue q;
  std::string expected;
  for (int i = 0; i < 300; ++i) {
    q.push(make_line("m" + std::to_string(i)));
    expected += "m" + std::to_string(i) + "\r\n";
  }
  std::string sent;
  while (!q.empty()) {
    uv_buf_t buf;
    ASSERT_EQ(q.fill(&buf, 1), 1u);
    const std::size_t n = std::min<std::size_t>(buf.len, 3);  // partial writes of 3 bytes
    sent.append(buf.base, n);
    q.consume(n);
    EXPECT_EQ(q.bytes(), expected.size() - sent.size());
    if (sent.size() % 500 < 3) {  // more output arrives while the queue drains
      q.push(make_line("late"));
      expected += "late\r\n";
    }
  }
  EXPECT_EQ(sent, expected);
}

TEST(OutputQueue, ClearDropsEverythingAndReleasesTheReferences) {
  const MessageRef a = make_line("kept by the test");
  OutputQueue q;
  q.push(a);
  q.push(a);
  q.consume(5);
  EXPECT_EQ(a.get()->refs(), 3u);
  q.clear();
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.bytes(), 0u);
  EXPECT_FALSE(q.mid_message());
  EXPECT_EQ(a.get()->refs(), 1u);
  uv_buf_t buf;
  EXPECT_EQ(q.fill(&buf, 1), 0u);
  // Usable again afterwards.
  q.push(a);
  EXPECT_EQ(pending(q), "kept by the test\r\n");
}

TEST(OutputQueue, ReleasesEverythingWhenDestroyed) {
  const MessageRef a = make_line("x");
  {
    OutputQueue q;
    for (int i = 0; i < 100; ++i)
      q.push(a);
    q.consume(7);
    EXPECT_EQ(a.get()->refs(), 99u);
  }
  EXPECT_EQ(a.get()->refs(), 1u);
}

}  // namespace
}  // namespace chatd::test
