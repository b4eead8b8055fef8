// Integration tests of chatd under load: a broadcast reaching 1000 concurrent clients, and a
// slow consumer being dropped while a fast reader in the same room gets everything in order.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "tests/support/chatd_process.h"
#include "tests/support/fd_budget.h"
#include "tests/support/line_client.h"

namespace chatd::test {
namespace {

constexpr std::size_t kWantedClients = 1000;

TEST(Load, ThousandConcurrentClientsAllReceiveOneBroadcast) {
  const std::size_t n = affordable_clients(kWantedClients);
  ASSERT_GT(n, 10u) << "too few file descriptors to test anything";
  RecordProperty("clients", static_cast<int>(n));

  ChatdProcess chatd;
  std::vector<LineClient> clients;
  clients.reserve(n);
  Deadline connect_deadline = within(std::chrono::seconds(20));
  for (std::size_t i = 0; i < n; ++i)
    clients.emplace_back(chatd.port(), ClientOptions{}, connect_deadline);
  auto ungreeted = expect_line_on_all(clients, starts_with("*** welcome to chatd, you are "),
                                      within(std::chrono::seconds(20)));
  ASSERT_TRUE(ungreeted.empty()) << ungreeted.size() << " of " << n
                                 << " clients got no greeting, e.g. #" << ungreeted.front();

  LineClient sender = connect_as(chatd.port(), "sender");
  ASSERT_TRUE(sender.send_line("one line for everyone"));
  auto missing = expect_line_on_all(clients, equals("<sender> one line for everyone"),
                                    within(std::chrono::seconds(20)), 100000);
  EXPECT_TRUE(missing.empty()) << missing.size() << " of " << n
                               << " clients did not get the broadcast, e.g. #" << missing.front()
                               << ": " << clients[missing.front()].diagnostics();
}

std::string numbered(int i) {
  char head[32];
  std::snprintf(head, sizeof head, "msg %06d ", i);
  return head + std::string(380, 'p');
}

TEST(SlowConsumer, IsDroppedWhileAFastReaderGetsEveryMessageInOrder) {
  ChatdProcess chatd({"--output-limit", "65536"});
  ClientOptions tiny;
  tiny.recv_buffer = 4096;
  LineClient slow = connect_as(chatd.port(), "slow", default_deadline(), tiny);
  LineClient fast = connect_as(chatd.port(), "fast");
  LineClient sender = connect_as(chatd.port(), "sender");
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
      batch += numbered(sent) + "\n";
    ASSERT_TRUE(sender.send_raw(batch, within(std::chrono::seconds(10)))) << sender.diagnostics();
    while (received < sent) {
      auto line = fast.read_line(within(std::chrono::seconds(10)));
      ASSERT_TRUE(line) << "fast reader stalled at message " << received << ": "
                        << fast.diagnostics();
      if (*line == quit_line && !fast_saw_quit) {
        fast_saw_quit = true;
        RecordProperty("slow_dropped_after_message", received);
        continue;
      }
      if (*line != "<sender> " + numbered(received)) {
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
  EXPECT_TRUE(slow.read_until_closed(within(std::chrono::seconds(10))))
      << "chatd should have closed the slow consumer: " << slow.diagnostics();
}

}  // namespace
}  // namespace chatd::test
