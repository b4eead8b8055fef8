// In-process specs for the clean end of a connection: a graceful close sends FIN once the
// queue is written and waits (bounded) for the peer's; a peer that half-closes still gets
// every reply to what it sent before its EOF.
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

TEST_F(DrainTest, AGracefulCloseWaitsForThePeersEofOnlyUntilTheDrainDeadline) {
  set_limits([](reactor::ConnectionLimits& l) { l.drain_timeout_ms = 200; });
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  peer->conn->send(make_line("goodbye"));
  peer->conn->close_when_drained();
  ASSERT_TRUE(pump([&] {
    client->read_available();
    return client->closed_by_peer();
  }));
  EXPECT_TRUE(client->eof());
  EXPECT_EQ(client->received(), "goodbye\r\n");
  // The client never closes its side; the sweep (once a second) ends the wait.
  EXPECT_EQ(peer->closes, 0) << "closed before the peer's EOF or the deadline";
  ASSERT_TRUE(pump([&] { return peer->closes != 0; }, 4s));
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
