// Integration tests of chatd under load: a broadcast reaching 1000 concurrent clients, and a
// slow consumer being dropped while a fast reader in the same room gets everything in order.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/support/chatd_process.h"
#include "tests/support/fd_budget.h"
#include "tests/support/line_client.h"
#include "tests/support/slow_consumer.h"

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

TEST(SlowConsumer, IsDroppedWhileAFastReaderGetsEveryMessageInOrder) {
  ChatdProcess chatd({"--output-limit", "65536"});
  ClientOptions tiny;
  tiny.recv_buffer = 4096;
  LineClient slow = connect_as(chatd.port(), "slow", default_deadline(), tiny);
  LineClient fast = connect_as(chatd.port(), "fast");
  LineClient sender = connect_as(chatd.port(), "sender");
  expect_slow_cut_while_fast_gets_everything(slow, fast, sender);
}

}  // namespace
}  // namespace chatd::test
