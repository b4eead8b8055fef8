// In-process specs for Connection on real loopback sockets: lines in, lines out, the
// flush before sleep, graceful and abrupt closes from either side, and idle timeouts.
#include "reactor/connection.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "reactor/message.h"
#include "tests/reactor/harness.h"
#include "tests/support/pump.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;
using reactor::CloseReason;
using reactor::format_line;
using reactor::make_line;
using Lines = std::vector<std::string>;

using ConnectionTest = ListeningReactorTest;

TEST_F(ConnectionTest, HandsLinesToTheHandlerInOrderAcrossSplitWrites) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  client->write_all("hel");
  pump_for(loop(), 20ms);
  EXPECT_TRUE(peer->lines.empty()) << "a partial line was handed out";
  client->write_all("lo\r\nsecond\n\r\nthi");
  ASSERT_TRUE(pump([&] { return peer->lines.size() == 3; }));
  client->write_all("rd\n");
  ASSERT_TRUE(pump([&] { return peer->lines.size() == 4; }));
  EXPECT_EQ(peer->lines, (Lines{"hello", "second", "", "third"}));
  EXPECT_EQ(peer->closes, 0);
}

TEST_F(ConnectionTest, HandsEveryLineOfOneLargeWriteInOrder) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  std::string text;
  Lines expected;
  for (int i = 0; i < 5000; ++i) {
    expected.push_back("line " + std::to_string(i));
    text += expected.back() + (i % 2 == 0 ? "\r\n" : "\n");
  }
  std::size_t written = 0;
  ASSERT_TRUE(pump([&] {
    written += client->write_some(std::string_view(text).substr(written));
    return peer->lines.size() == expected.size();
  }));
  EXPECT_EQ(peer->lines, expected);
}

TEST_F(ConnectionTest, SendNeverWritesAndTheLineLeavesInTheNextIteration) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  peer->conn->send(make_line("hello"));
  EXPECT_EQ(peer->conn->queued_bytes(), 7u);
  EXPECT_FALSE(client->await_bytes(1, 50ms)) << "send() wrote by itself";

  run_once(loop());  // one iteration: its before-sleep flush writes the line
  EXPECT_EQ(peer->conn->queued_bytes(), 0u);
  ASSERT_TRUE(client->await_bytes(7, 2s)) << "not written by that iteration";
  EXPECT_EQ(client->received(), "hello\r\n");
}

TEST_F(ConnectionTest, SeveralSendsAllLeaveInOneIteration) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  std::string expected;
  for (int i = 0; i < 100; ++i) {
    peer->conn->send(format_line("message {}", i));
    expected += "message " + std::to_string(i) + "\r\n";
  }
  run_once(loop());
  EXPECT_EQ(peer->conn->queued_bytes(), 0u);
  ASSERT_TRUE(client->await_bytes(expected.size(), 2s));
  EXPECT_EQ(client->received(), expected);
}

TEST_F(ConnectionTest, RepliesFromOnLineReachTheClient) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  peer->line_hook = [](RecordingHandler& h, std::string_view line) {
    h.conn->send(format_line("echo: {}", line));
  };
  client->write_all("one\ntwo\n");
  ASSERT_TRUE(pump([&] {
    client->read_available();
    return client->received().size() >= 22;
  }));
  EXPECT_EQ(client->received(), "echo: one\r\necho: two\r\n");
}

TEST_F(ConnectionTest, CloseWhenDrainedDeliversQueuedLinesThenEof) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  peer->line_hook = [](RecordingHandler& h, std::string_view line) {
    if (line != "quit") return;
    for (int i = 0; i < 3; ++i)
      h.conn->send(format_line("bye {}", i));
    h.conn->close_when_drained();
    EXPECT_TRUE(h.conn->is_draining());
  };
  client->write_all("quit\nnever handled\n");
  ASSERT_TRUE(pump([&] {
    client->read_available();
    return client->closed_by_peer();
  }));
  EXPECT_TRUE(client->eof()) << "reset instead of EOF, errno " << client->error();
  EXPECT_EQ(client->received(), "bye 0\r\nbye 1\r\nbye 2\r\n");
  EXPECT_EQ(peer->lines, (Lines{"quit"}));
  // The server sent its FIN and waits for ours, as nc sends it after EOF.
  client->close();
  ASSERT_TRUE(pump([&] { return peer->closes != 0; }));
  EXPECT_EQ(peer->closes, 1);
  EXPECT_EQ(peer->reason, CloseReason::kByServer);
  EXPECT_EQ(loop().connection_count(), 0u);
}

TEST_F(ConnectionTest, ClosingInOnLineStopsTheRestOfThatRead) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  peer->line_hook = [](RecordingHandler& h, std::string_view line) {
    if (line == "quit") h.conn->close(CloseReason::kByServer);
  };
  client->write_all("a\nquit\nb\nc\n");
  ASSERT_TRUE(pump([&] { return peer->closes != 0; }));
  pump_for(loop(), 20ms);
  EXPECT_EQ(peer->lines, (Lines{"a", "quit"}));
  EXPECT_EQ(peer->closes, 1);
  EXPECT_EQ(peer->calls_after_close, 0);
  EXPECT_EQ(peer->reason, CloseReason::kByServer);
  ASSERT_TRUE(pump([&] {
    client->read_available();
    return client->closed_by_peer();
  }));
}

TEST_F(ConnectionTest, ReportsAnOverlongLineOnceAndKeepsTheConnection) {
  set_limits([](reactor::ConnectionLimits& l) { l.max_line_bytes = 64; });
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  const std::string junk(1000, 'j');
  client->write_all("before\n" + junk);
  ASSERT_TRUE(pump([&] { return peer->too_long == 1; }));
  client->write_all(junk + junk + "\r\n" + std::string(64, 'k') + "\r\nafter\n");
  ASSERT_TRUE(pump([&] { return peer->lines.size() == 3; }));
  EXPECT_EQ(peer->lines, (Lines{"before", std::string(64, 'k'), "after"}));
  EXPECT_EQ(peer->too_long, 1);
  EXPECT_EQ(peer->closes, 0);
}

TEST_F(ConnectionTest, TelnetNegotiationNeverReachesTheHandler) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  client->write_all("\xff\xfd\x03\xff\xfb\x01he");
  pump_for(loop(), 10ms);
  client->write_all("llo\xff\xfa\x18\x01\xff");
  pump_for(loop(), 10ms);
  client->write_all("\xf0 there\r\n");
  ASSERT_TRUE(pump([&] { return peer->lines.size() == 1; }));
  EXPECT_EQ(peer->lines, (Lines{"hello there"}));
}

TEST_F(ConnectionTest, PeerEofClosesWithPeerClosedExactlyOnce) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  client->write_all("last words\n");
  client->close();
  ASSERT_TRUE(pump([&] { return peer->closes != 0; }));
  pump_for(loop(), 20ms);
  EXPECT_EQ(peer->lines, (Lines{"last words"}));
  EXPECT_EQ(peer->closes, 1);
  EXPECT_EQ(peer->reason, CloseReason::kPeerClosed);
  EXPECT_EQ(loop().connection_count(), 0u);
}

TEST_F(ConnectionTest, HalfCloseByThePeerIsTreatedAsItsEnd) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  client->shutdown_write();
  ASSERT_TRUE(pump([&] { return peer->closes != 0; }));
  EXPECT_EQ(peer->reason, CloseReason::kPeerClosed);
  ASSERT_TRUE(pump([&] {
    client->read_available();
    return client->closed_by_peer();
  }));
}

TEST_F(ConnectionTest, PeerResetClosesWithPeerClosedExactlyOnce) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  peer->conn->send(make_line("queued when the reset comes"));
  client->reset();
  ASSERT_TRUE(pump([&] { return peer->closes != 0; }));
  pump_for(loop(), 20ms);
  EXPECT_EQ(peer->closes, 1);
  // The queued line may be written first and fail (a write error), or the reset may be
  // read first; either way the connection ends once and nothing is left behind.
  EXPECT_TRUE(peer->reason == CloseReason::kPeerClosed || peer->reason == CloseReason::kWriteError)
      << reactor::to_string(*peer->reason);
  EXPECT_EQ(loop().connection_count(), 0u);
}

TEST_F(ConnectionTest, PeerResetWhileIdleIsPeerClosed) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  client->reset();
  ASSERT_TRUE(pump([&] { return peer->closes != 0; }));
  pump_for(loop(), 20ms);
  EXPECT_EQ(peer->closes, 1);
  EXPECT_EQ(peer->reason, CloseReason::kPeerClosed);
}

TEST_F(ConnectionTest, ClosesAnIdleConnectionButNotAnActiveOne) {
  set_limits([](reactor::ConnectionLimits& l) { l.idle_timeout_ms = 300; });
  RawClient* idle_client = nullptr;
  RawClient* busy_client = nullptr;
  RecordingHandler* idle = nullptr;
  RecordingHandler* busy = nullptr;
  ASSERT_TRUE(open_link(idle_client, idle));
  ASSERT_TRUE(open_link(busy_client, busy));
  auto last_line = std::chrono::steady_clock::now();
  int sent = 0;
  // The sweep runs once a second, so the idle one goes within about 1.3 s.
  ASSERT_TRUE(pump(
      [&] {
        if (std::chrono::steady_clock::now() - last_line > 100ms) {
          busy_client->write_all("still here\n");
          last_line = std::chrono::steady_clock::now();
          ++sent;
        }
        return idle->closes != 0;
      },
      4s));
  EXPECT_EQ(idle->reason, CloseReason::kIdleTimeout);
  EXPECT_EQ(busy->closes, 0) << "a connection sending lines was timed out";
  ASSERT_TRUE(pump([&] {
    idle_client->read_available();
    return idle_client->closed_by_peer();
  }));
  ASSERT_TRUE(pump([&] { return static_cast<int>(busy->lines.size()) == sent; }));
}

TEST_F(ConnectionTest, NeverTimesOutWhenIdleTimeoutIsZero) {
  set_limits([](reactor::ConnectionLimits& l) { l.idle_timeout_ms = 0; });
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  pump_for(loop(), 1200ms);  // past one sweep
  EXPECT_EQ(peer->closes, 0);
}

TEST_F(ConnectionTest, ServerCloseEndsTheClientAndIsReportedOnce) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  peer->conn->close(CloseReason::kByServer);
  EXPECT_EQ(peer->closes, 1);
  EXPECT_EQ(peer->conn, nullptr);
  ASSERT_TRUE(pump([&] {
    client->read_available();
    return client->closed_by_peer();
  }));
  EXPECT_EQ(peer->closes, 1);
}

TEST_F(ConnectionTest, ReportsThePeerAddress) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  EXPECT_EQ(peer->conn->peer().to_string(), "127.0.0.1:" + std::to_string(client->local_port()));
  EXPECT_FALSE(peer->conn->peer().is_ipv6());
  EXPECT_EQ(peer->conn->peer().port(), client->local_port());
}

// A handler may end a connection when told a line was too long, as it may from on_line:
// what follows in the same read must then not be handed over.
TEST_F(ConnectionTest, GracefulCloseInOnLineTooLongStopsTheRestOfThatRead) {
  set_limits([](reactor::ConnectionLimits& l) { l.max_line_bytes = 8; });
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  peer->too_long_hook = [](RecordingHandler& h) {
    h.conn->send(make_line("line too long, goodbye"));
    h.conn->close_when_drained();
  };
  client->write_all("this line is too long\nafter\n");
  ASSERT_TRUE(pump([&] {
    client->read_available();
    return client->closed_by_peer();
  }));
  EXPECT_EQ(client->received(), "line too long, goodbye\r\n");
  EXPECT_EQ(peer->too_long, 1);
  EXPECT_EQ(peer->lines, Lines{}) << "a line was handed over after close_when_drained()";
}

TEST_F(ConnectionTest, PauseInOnLineTooLongHoldsTheRestOfThatRead) {
  set_limits([](reactor::ConnectionLimits& l) { l.max_line_bytes = 8; });
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  peer->too_long_hook = [](RecordingHandler& h) { h.conn->pause_reading(); };
  client->write_all("this line is too long\nafter\n");
  ASSERT_TRUE(pump([&] { return peer->too_long == 1; }));
  pump_for(loop(), 20ms);
  EXPECT_EQ(peer->lines, Lines{}) << "a line was handed over while reading was paused";
  peer->conn->resume_reading();
  ASSERT_TRUE(pump([&] { return !peer->lines.empty(); }));
  EXPECT_EQ(peer->lines, (Lines{"after"}));
}

}  // namespace
}  // namespace chatd::test
