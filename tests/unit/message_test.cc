// Specs for Message and MessageRef: one-allocation CRLF lines, reference counting, and the
// zero-copy fan-out: one broadcast to 1000 queues costs exactly one allocation, its payload.
#include "reactor/message.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "reactor/output_queue.h"
#include "tests/unit/allocation_counter.h"

namespace chatd::test {
namespace {

using reactor::format_line;
using reactor::make_line;
using reactor::Message;
using reactor::MessageRef;
using reactor::OutputQueue;

constexpr std::size_t kRecipients = 1000;

TEST(Message, FormatLineAppendsCrlf) {
  const MessageRef m = format_line("<{}> {} {}", "alice", "hello", 42);
  EXPECT_EQ(m.view(), "<alice> hello 42\r\n");
  EXPECT_EQ(m.size(), 18u);
}

TEST(Message, MakeLineAppendsCrlf) {
  EXPECT_EQ(make_line("plain").view(), "plain\r\n");
  EXPECT_EQ(make_line("").view(), "\r\n");
}

TEST(Message, CreateCopiesBytesThenSuffixIntoOneBlock) {
  const MessageRef m(Message::create("head", "tail"));
  EXPECT_EQ(m.view(), "headtail");
  EXPECT_EQ(m.get()->refs(), 1u);
  // The bytes sit right after the 8-byte header, in the same block.
  EXPECT_EQ(m.data(), reinterpret_cast<const char*>(m.get()) + sizeof(Message));
}

TEST(Message, ReferenceIsEightBytes) {
  EXPECT_EQ(sizeof(MessageRef), 8u);
}

TEST(Message, CopiesRetainAndDestructionReleases) {
  MessageRef a = make_line("x");
  const Message* m = a.get();
  EXPECT_EQ(m->refs(), 1u);
  {
    const MessageRef b = a;  // NOLINT(performance-unnecessary-copy-initialization)
    EXPECT_EQ(m->refs(), 2u);
    MessageRef c;
    c = b;
    EXPECT_EQ(m->refs(), 3u);
    EXPECT_EQ(c.get(), m);
  }
  EXPECT_EQ(m->refs(), 1u);
}

TEST(Message, MovesTransferTheReferenceWithoutCounting) {
  MessageRef a = make_line("x");
  const Message* m = a.get();
  MessageRef b = std::move(a);
  EXPECT_FALSE(a);  // NOLINT(bugprone-use-after-move): moved-from is documented empty
  EXPECT_EQ(b.get(), m);
  EXPECT_EQ(m->refs(), 1u);
  MessageRef c;
  c = std::move(b);
  EXPECT_FALSE(b);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(m->refs(), 1u);
  const MessageRef& same = c;
  c = same;  // self-assignment keeps the reference
  EXPECT_EQ(c.get(), m);
  EXPECT_EQ(m->refs(), 1u);
}

TEST(Message, AssigningOverAReferenceReleasesTheOldMessage) {
  MessageRef a = make_line("old");
  watch_block(a.get());
  a = make_line("new");
  EXPECT_TRUE(block_freed());
  EXPECT_EQ(a.view(), "new\r\n");
}

TEST(Message, IsFreedOnlyWhenTheLastQueueHasSentIt) {
  std::vector<OutputQueue> queues(kRecipients);
  MessageRef m = make_line("broadcast");
  for (auto& q : queues)
    q.push(m);
  EXPECT_EQ(m.get()->refs(), kRecipients + 1);
  watch_block(m.get());
  const std::size_t size = m.size();
  m = MessageRef();  // the sender lets go
  EXPECT_FALSE(block_freed());
  for (std::size_t i = 0; i + 1 < queues.size(); ++i) {
    queues[i].consume(size);
    EXPECT_FALSE(block_freed()) << "freed while queue " << i + 1 << " still holds it";
  }
  queues.back().consume(size - 1);
  EXPECT_FALSE(block_freed()) << "freed while its last byte is unsent";
  queues.back().consume(1);
  EXPECT_TRUE(block_freed());
}

// The key measurement. Queues that have carried traffic before keep a little capacity, so
// fanning a line out to them is pure reference counting: the only allocation is the one
// block holding header and payload, and every queue points at those same bytes.
TEST(Message, BroadcastToAThousandQueuesAllocatesOnlyThePayload) {
  std::vector<OutputQueue> queues(kRecipients);
  {
    const MessageRef warm_up = make_line("warm-up");
    for (auto& q : queues)
      q.push(warm_up);
    for (auto& q : queues)
      q.consume(q.bytes());
  }

  MessageRef m;
  AllocationStats stats;
  {
    AllocationCounter counter;
    m = format_line("<{}> {}", "alice", "hello, everyone in this room");
    for (auto& q : queues)
      q.push(m);
    stats = counter.stats();
  }
  EXPECT_EQ(stats.allocations, 1u);
  EXPECT_EQ(stats.bytes, sizeof(Message) + m.size());
  EXPECT_EQ(stats.deallocations, 0u);
  EXPECT_EQ(m.get()->refs(), kRecipients + 1);
  for (const auto& q : queues) {
    uv_buf_t buf;
    ASSERT_EQ(q.fill(&buf, 1), 1u);
    EXPECT_EQ(buf.base, m.data()) << "a recipient got a copy";
    EXPECT_EQ(buf.len, m.size());
  }
  std::printf(
      "[ measured ] broadcast of one %u-byte line to %zu queues: %zu allocation(s), "
      "%zu bytes\n",
      m.size(), kRecipients, stats.allocations, stats.bytes);
}

// Sending the queued line costs no allocation either: consume only drops references, and
// the payload goes back to the heap once, with the last one.
TEST(Message, DrainingTheBroadcastFreesOnceAndAllocatesNothing) {
  std::vector<OutputQueue> queues(kRecipients);
  for (auto& q : queues)
    q.push(make_line("warm-up"));
  for (auto& q : queues)
    q.consume(q.bytes());
  MessageRef m = make_line("to everyone");
  for (auto& q : queues)
    q.push(m);
  const std::size_t size = m.size();
  m = MessageRef();

  AllocationCounter counter;
  for (auto& q : queues)
    q.consume(size);
  EXPECT_EQ(counter.stats().allocations, 0u);
  EXPECT_EQ(counter.stats().deallocations, 1u);
}

}  // namespace
}  // namespace chatd::test
