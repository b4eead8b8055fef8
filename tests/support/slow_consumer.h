// The slow-consumer scenario plain and TLS tests share: `slow` never reads while `sender`
// floods the room with numbered lines; `fast` must get every one in order, then everyone sees
// `slow` cut as too slow to receive and its connection closed. `Slow` and `Fast` are
// LineClient or TlsLineClient, all three already in one room with their nicks.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "tests/support/line_client.h"

namespace chatd::test {

// "msg 000042 ppp…": 391 bytes, so 20,000 of them are ~8 MB.
inline std::string numbered_line(int i) {
  char head[32];
  std::snprintf(head, sizeof head, "msg %06d ", i);
  return head + std::string(380, 'p');
}

template <class Slow, class Fast>
void expect_slow_cut_while_fast_gets_everything(Slow& slow, Fast& fast, LineClient& sender) {
  const auto ten_seconds = std::chrono::seconds(10);
  // Settle `fast`: its /who reply comes after every join and rename line queued before it.
  ASSERT_TRUE(fast.send_line("/who"));
  ASSERT_TRUE(fast.expect_line(starts_with("*** 3 users in #lobby"))) << fast.diagnostics();
  // From here on `slow` never reads. ~8 MB for it overflows any kernel buffering plus 64 KiB.
  constexpr int kMessages = 20000;
  constexpr int kBatch = 100;  // ~40 KiB: what `fast` may lag behind, well under the limit
  const std::string quit_line = "*** slow quit (too slow to receive)";

  bool fast_saw_quit = false;
  int received = 0;
  for (int sent = 0; sent < kMessages;) {
    std::string batch;
    for (int i = 0; i < kBatch; ++i, ++sent)
      batch += numbered_line(sent) + "\n";
    ASSERT_TRUE(sender.send_raw(batch, within(ten_seconds))) << sender.diagnostics();
    while (received < sent) {
      auto line = fast.read_line(within(ten_seconds));
      ASSERT_TRUE(line) << "fast reader stalled at message " << received << ": "
                        << fast.diagnostics();
      if (*line == quit_line && !fast_saw_quit) {
        fast_saw_quit = true;
        ::testing::Test::RecordProperty("slow_dropped_after_message", received);
        continue;
      }
      if (*line != "<sender> " + numbered_line(received)) {
        FAIL() << "fast reader expected message " << received << ", got: " << line->substr(0, 60);
      }
      ++received;
    }
  }
  EXPECT_EQ(received, kMessages);
  if (!fast_saw_quit) {
    EXPECT_TRUE(fast.expect_line(equals(quit_line))) << fast.diagnostics();
  }
  EXPECT_TRUE(sender.expect_line(equals(quit_line))) << sender.diagnostics();
  EXPECT_TRUE(slow.read_until_closed(within(ten_seconds)))
      << "chatd should have closed the slow consumer: " << slow.diagnostics();
}

}  // namespace chatd::test
