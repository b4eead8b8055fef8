// In-process specs for the write path under pressure: partial writes with tiny socket
// buffers, slow consumers cut off at output_limit without holding anyone else up, and
// graceful closes that wait for (or give up on) a large queue.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "reactor/connection.h"
#include "reactor/message.h"
#include "tests/reactor/harness.h"
#include "tests/support/pump.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;
using reactor::CloseReason;
using reactor::format_line;
using reactor::make_line;
using reactor::MessageRef;

using BackpressureTest = ListeningReactorTest;

// Numbered lines of about 110 bytes, so any loss, duplication or reordering shows.
MessageRef numbered(int i) {
  return format_line("{:08} {}", i, std::string(100, 'w'));
}

TEST_F(BackpressureTest, PartialWritesDeliverEveryByteInOrder) {
  set_limits([](reactor::ConnectionLimits& l) { l.output_limit = std::size_t{64} << 20; });
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_tight_link(client, peer));

  std::string expected;
  int next = 0;
  auto queue_batch = [&] {
    for (const std::size_t end = expected.size() + (std::size_t{512} << 10);
         expected.size() < end;) {
      const MessageRef m = numbered(next++);
      expected += m.view();
      peer->conn->send(m);
    }
  };
  queue_batch();
  run_once(loop());
  EXPECT_GT(peer->conn->queued_bytes(), 0u) << "the kernel took everything: no partial write";

  // Read slowly, and keep queueing while writes are in flight.
  int batches = 1;
  ASSERT_TRUE(pump(
      [&] {
        if (batches < 4 && client->received().size() > expected.size() / 2) {
          queue_batch();
          ++batches;
        }
        client->read_available(8192);
        return batches == 4 && client->received().size() >= expected.size();
      },
      30s));
  EXPECT_GT(expected.size(), std::size_t{2} << 20);
  EXPECT_TRUE(client->received() == expected) << "bytes lost, duplicated or out of order";
  EXPECT_EQ(peer->conn->queued_bytes(), 0u);
  EXPECT_EQ(peer->closes, 0);
}

TEST_F(BackpressureTest, SlowConsumerIsClosedWhileOthersReceiveEverything) {
  constexpr std::size_t kLimit = 256 << 10;
  set_limits([&](reactor::ConnectionLimits& l) { l.output_limit = kLimit; });
  RawClient* slow_client = nullptr;
  RecordingHandler* slow = nullptr;
  ASSERT_TRUE(open_tight_link(slow_client, slow));
  RawClient* fast_client = nullptr;
  RecordingHandler* fast = nullptr;
  ASSERT_TRUE(open_link(fast_client, fast));

  std::string expected;
  int next = 0;
  auto broadcast = [&](int n) {
    for (int i = 0; i < n; ++i) {
      const MessageRef m = numbered(next++);
      expected += m.view();
      if (slow->conn != nullptr) slow->conn->send(m);
      fast->conn->send(m);
    }
  };
  ASSERT_TRUE(pump(
      [&] {
        if (slow->closes == 0) broadcast(16);
        fast_client->read_available();
        return slow->closes != 0;
      },
      10s));
  EXPECT_EQ(slow->reason, CloseReason::kSlowConsumer);
  EXPECT_EQ(slow->closes, 1);
  EXPECT_GT(slow->queued_at_close, kLimit);
  EXPECT_LT(slow->queued_at_close, kLimit + std::size_t{16} * 120)
      << "not closed soon after the limit";
  EXPECT_EQ(fast->closes, 0);

  broadcast(10);  // the others carry on as if nothing happened
  ASSERT_TRUE(pump([&] {
    fast_client->read_available();
    return fast_client->received().size() >= expected.size();
  }));
  EXPECT_TRUE(fast_client->received() == expected) << "the fast reader lost or reordered bytes";

  // What the slow one did get before being cut off is an intact prefix of the stream.
  ASSERT_TRUE(pump([&] {
    slow_client->read_available();
    return slow_client->closed_by_peer();
  }));
  EXPECT_TRUE(expected.starts_with(slow_client->received()));
}

TEST_F(BackpressureTest, CloseWhenDrainedWaitsForALargeQueueThenEndsWithEof) {
  set_limits([](reactor::ConnectionLimits& l) { l.output_limit = std::size_t{64} << 20; });
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_tight_link(client, peer));
  std::string expected;
  for (int i = 0; expected.size() < (std::size_t{1} << 20); ++i) {
    const MessageRef m = numbered(i);
    expected += m.view();
    peer->conn->send(m);
  }
  peer->conn->close_when_drained();
  ASSERT_TRUE(pump(
      [&] {
        client->read_available(16384);
        return client->closed_by_peer();
      },
      30s));
  EXPECT_TRUE(client->eof()) << "reset instead of EOF, errno " << client->error();
  EXPECT_TRUE(client->received() == expected) << "the graceful close cut the queue short";
  client->close();
  ASSERT_TRUE(pump([&] { return peer->closes != 0; }));
  EXPECT_EQ(peer->closes, 1);
  EXPECT_EQ(peer->reason, CloseReason::kByServer);
}

// Lines stop reaching the handler at close_when_drained(), but what the peer sends after
// that point must still be read. Closing a socket with unread input makes the kernel send a reset
// and drop what it still holds for the peer: the end of the farewell would be lost. The graceful
// close must deliver it all and end with EOF even when the peer keeps typing.
TEST_F(BackpressureTest, GracefulCloseDeliversEverythingEvenIfThePeerKeepsSending) {
  set_limits([](reactor::ConnectionLimits& l) { l.output_limit = std::size_t{64} << 20; });
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_tight_link(client, peer));
  std::string expected;
  for (int i = 0; i < 2000; ++i) {
    const MessageRef m = numbered(i);
    expected += m.view();
    peer->conn->send(m);
  }
  peer->conn->close_when_drained();
  client->write_all("still typing\n");  // arrives while the server drains
  // Read most of it, then stop as a slow reader would: the server's queue empties into the
  // kernel while the kernel still holds the last bytes for us.
  ASSERT_TRUE(pump(
      [&] {
        client->read_available(4096);
        return client->received().size() + 16384 >= expected.size();
      },
      30s));
  ASSERT_TRUE(pump([&] { return peer->conn == nullptr || peer->conn->queued_bytes() == 0; }));
  pump_for(loop(), 20ms);  // whatever the server does once drained, it has done now
  ASSERT_TRUE(pump([&] {
    client->read_available();
    return client->closed_by_peer();
  }));
  EXPECT_TRUE(client->eof()) << "reset instead of EOF, errno " << client->error();
  EXPECT_EQ(client->received().size(), expected.size()) << "the end of the farewell was lost";
  EXPECT_TRUE(client->received() == expected);
  client->close();
  ASSERT_TRUE(pump([&] { return peer->closes != 0; }));
  EXPECT_EQ(peer->reason, CloseReason::kByServer);
}

TEST_F(BackpressureTest, DrainTimeoutClosesAPeerThatNeverReads) {
  set_limits([](reactor::ConnectionLimits& l) {
    l.output_limit = std::size_t{64} << 20;
    l.drain_timeout_ms = 200;
  });
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_tight_link(client, peer));
  for (int i = 0; i < 20000; ++i)
    peer->conn->send(numbered(i));  // about 2 MiB
  const auto start = std::chrono::steady_clock::now();
  peer->conn->close_when_drained();
  // The deadline is checked by the sweep, which runs once a second.
  ASSERT_TRUE(pump([&] { return peer->closes != 0; }, 4s));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
  EXPECT_EQ(peer->reason, CloseReason::kByServer);
  EXPECT_GT(peer->queued_at_close, 0u);
  EXPECT_EQ(loop().connection_count(), 0u);
}

TEST_F(BackpressureTest, RefusalLineThenGracefulCloseFromOnAccept) {
  server().accept_hook = [](RecordingHandler& h) {
    h.conn->send(make_line("server full"));
    h.conn->close_when_drained();
  };
  RawClient& client = connect();
  ASSERT_TRUE(pump([&] {
    client.read_available();
    return client.closed_by_peer();
  }));
  EXPECT_TRUE(client.eof());
  EXPECT_EQ(client.received(), "server full\r\n");
  client.close();
  ASSERT_TRUE(
      pump([&] { return !server().accepted.empty() && server().accepted[0]->closes != 0; }));
  ASSERT_EQ(server().accepted.size(), 1u);
  EXPECT_EQ(server().accepted[0]->closes, 1);
  EXPECT_EQ(server().accepted[0]->reason, CloseReason::kByServer);
}

TEST_F(BackpressureTest, LastWordFromOnCloseReachesAPeerWithNothingQueued) {
  set_limits([](reactor::ConnectionLimits& l) { l.idle_timeout_ms = 100; });
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  peer->close_hook = [](reactor::Connection& c, CloseReason) {
    c.try_write_now(make_line("idle too long"));
  };
  ASSERT_TRUE(pump(
      [&] {
        client->read_available();
        return client->closed_by_peer();
      },
      4s));
  EXPECT_EQ(peer->reason, CloseReason::kIdleTimeout);
  EXPECT_EQ(client->received(), "idle too long\r\n");
}

TEST_F(BackpressureTest, LastWordIsDroppedRatherThanSplittingAPartlySentLine) {
  set_limits([](reactor::ConnectionLimits& l) { l.output_limit = std::size_t{64} << 20; });
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_tight_link(client, peer));
  std::string expected;
  for (int i = 0; i < 2000; ++i) {
    const MessageRef m = numbered(i);
    expected += m.view();
    peer->conn->send(m);
  }
  run_once(loop());
  ASSERT_GT(peer->conn->queued_bytes(), 0u);
  peer->close_hook = [](reactor::Connection& c, CloseReason) {
    c.try_write_now(make_line("LAST WORD"));
  };
  peer->conn->close(CloseReason::kByServer);
  ASSERT_TRUE(pump([&] {
    client->read_available();
    return client->closed_by_peer();
  }));
  EXPECT_EQ(client->received().find("LAST WORD"), std::string::npos);
  EXPECT_TRUE(expected.starts_with(client->received()));
}

}  // namespace
}  // namespace chatd::test
