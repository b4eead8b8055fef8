// In-process specs for the clean end of a connection: a graceful close sends FIN once the
// queue is written and closes when the peer's kernel has acknowledged it all or the peer closes
// too (bounded by the drain deadline); a peer that half-closes still gets every reply to what it
// sent before its EOF.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

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

using DrainTest = ListeningReactorTest;

// `printf 'request\n' | nc host port`: the request, then EOF at once. The replies, larger
// than the socket buffers, still all arrive before the server closes.
TEST_F(DrainTest, HalfClosedPeerStillGetsEveryReplyToWhatItSent) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_tight_link(client, peer));
  std::string expected;
  peer->line_hook = [&](RecordingHandler& h, std::string_view line) {
    for (int i = 0; i < 2000; ++i) {
      const MessageRef m = format_line("{} {:05} {}", line, i, std::string(80, 'r'));
      expected += m.view();
      h.conn->send(m);
    }
  };
  client->write_all("request\n");
  client->shutdown_write();
  ASSERT_TRUE(pump(
      [&] {
        client->read_available(8192);
        return client->closed_by_peer();
      },
      30s));
  EXPECT_TRUE(client->eof()) << "reset instead of EOF, errno " << client->error();
  EXPECT_EQ(client->received().size(), expected.size());
  EXPECT_TRUE(client->received() == expected);
  ASSERT_TRUE(pump([&] { return peer->closes != 0; }));
  EXPECT_EQ(peer->closes, 1);
  EXPECT_EQ(peer->reason, CloseReason::kPeerClosed);
}

// nc keeps its socket open after the server's FIN. Once its kernel has acknowledged the
// farewell, nothing is left to protect: the connection closes at once, not at the deadline.
TEST_F(DrainTest, AGracefulCloseEndsOnceThePeerHasTheFarewellThoughItKeepsItsSocketOpen) {
  set_limits([](reactor::ConnectionLimits& l) { l.drain_timeout_ms = 60000; });
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  peer->conn->send(make_line("goodbye"));
  peer->conn->close_when_drained();
  ASSERT_TRUE(pump([&] { return peer->closes != 0; }, 2s))
      << "still waiting for a peer that has everything";
  EXPECT_EQ(peer->reason, CloseReason::kByServer);
  ASSERT_TRUE(pump([&] {
    client->read_available();
    return client->closed_by_peer();
  }));
  EXPECT_TRUE(client->eof()) << "reset instead of EOF, errno " << client->error();
  EXPECT_EQ(client->received(), "goodbye\r\n");
}

// A peer that reads nothing leaves the farewell unacknowledged in our kernel: the connection
// waits for it, but only until the drain deadline.
TEST_F(DrainTest, APeerThatDoesNotReadHoldsAGracefulCloseOnlyUntilTheDrainDeadline) {
  set_limits([](reactor::ConnectionLimits& l) {
    l.drain_timeout_ms = 1500;
    l.output_limit = std::size_t{64} << 20;
  });
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  // The client's window fills at once; the server's kernel can hold all the rest.
  ASSERT_TRUE(open_link_with_buffers(client, peer, 4096, 1 << 20));
  for (int i = 0; i < 100; ++i)
    peer->conn->send(format_line("{:05} {}", i, std::string(1000, 'f')));
  peer->conn->close_when_drained();
  ASSERT_TRUE(pump([&] { return peer->conn == nullptr || peer->conn->queued_bytes() == 0; }, 2s))
      << "the kernel should take the farewell while the peer does not read";
  pump_for(loop(), 200ms);
  EXPECT_EQ(peer->closes, 0) << "closed while the farewell was unacknowledged";
  ASSERT_TRUE(pump([&] { return peer->closes != 0; }, 5s));
  EXPECT_EQ(peer->reason, CloseReason::kByServer);
}

TEST_F(DrainTest, InputArrivingWhileDrainingIsReadButNeverHandedOver) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  peer->conn->send(make_line("bye"));
  peer->conn->close_when_drained();
  client->write_all("late line\n");
  ASSERT_TRUE(pump([&] {
    client->read_available();
    return client->closed_by_peer();
  }));
  client->write_all("later still\n");
  client->close();
  ASSERT_TRUE(pump([&] { return peer->closes != 0; }));
  EXPECT_TRUE(peer->lines.empty());
  EXPECT_EQ(peer->reason, CloseReason::kByServer);
}

TEST_F(DrainTest, SendAfterTheFarewellIsDroppedOnceFinIsSent) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  peer->conn->send(make_line("last"));
  peer->conn->close_when_drained();
  ASSERT_TRUE(pump([&] {
    client->read_available();
    return client->eof();
  }));
  ASSERT_NE(peer->conn, nullptr) << "waiting for the peer's EOF";
  peer->conn->send(make_line("too late"));  // e.g. a broadcast reaching a leaving user
  EXPECT_EQ(peer->conn->queued_bytes(), 0u);
  pump_for(loop(), 20ms);
  EXPECT_EQ(client->received(), "last\r\n");
}

}  // namespace
}  // namespace chatd::test
