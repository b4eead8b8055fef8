// Specs for a Connection after upgrade_to_websocket(), on real loopback sockets:
// text messages reach the handler as lines, blocks leave as unmasked text
// frames, pings are answered, a broken frame is closed with its code (only that
// connection), a Close is echoed, and a quiet peer is pinged then dropped.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "reactor/message.h"
#include "tests/reactor/harness.h"
#include "tests/support/websocket_frames.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;
using Lines = std::vector<std::string>;

class WebSocketConnectionTest : public ListeningReactorTest {
 protected:
  void SetUp() override {
    ListeningReactorTest::SetUp();
    server().accept_hook = [](RecordingHandler& h) { h.conn->upgrade_to_websocket(); };
  }
  // The next whole frame the client receives, within the deadline.
  std::optional<ServerFrame> next_frame(RawClient& client) {
    std::optional<ServerFrame> f;
    pump([&] {
      client.read_available();
      f = take_server_frame(client.received());
      return f.has_value();
    });
    return f;
  }
};

TEST_F(WebSocketConnectionTest, TextMessagesAreLinesAndBlocksLeaveAsUnmaskedTextFrames) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  client->write_all(text_frame("hello") + text_frame("two\nlines"));
  ASSERT_TRUE(pump([&] { return peer->lines.size() == 3; }));
  EXPECT_EQ(peer->lines, (Lines{"hello", "two", "lines"}));

  peer->conn->send(reactor::make_line("<alice> hi"));
  const std::optional<ServerFrame> f = next_frame(*client);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->first_byte, 0x81) << "FIN, text";
  EXPECT_FALSE(f->masked);
  EXPECT_EQ(f->payload, "<alice> hi");
}

TEST_F(WebSocketConnectionTest, APingIsAnsweredWithItsPayload) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  client->write_all(encode_client_frame({.opcode = 0x9, .payload = "are you there"}));
  const std::optional<ServerFrame> f = next_frame(*client);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->opcode(), 0xA);
  EXPECT_EQ(f->payload, "are you there");
  EXPECT_TRUE(peer->lines.empty());
}

TEST_F(WebSocketConnectionTest, ABrokenFrameClosesOnlyItsConnectionWithTheCode) {
  RawClient* bad = nullptr;
  RawClient* good = nullptr;
  RecordingHandler* bad_peer = nullptr;
  RecordingHandler* good_peer = nullptr;
  ASSERT_TRUE(open_link(bad, bad_peer));
  ASSERT_TRUE(open_link(good, good_peer));
  bad->write_all(encode_client_frame({.opcode = 0x1, .payload = "Hello", .masked = false}));
  const std::optional<ServerFrame> f = next_frame(*bad);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->close_code(), 1002);
  ASSERT_TRUE(pump([&] { return bad_peer->closes == 1; }));
  EXPECT_EQ(bad_peer->reason, reactor::CloseReason::kProtocolError);

  good->write_all(text_frame("still here"));
  ASSERT_TRUE(pump([&] { return good_peer->lines.size() == 1; }));
  EXPECT_EQ(good_peer->closes, 0);
}

TEST_F(WebSocketConnectionTest, APeersCloseIsEchoedThenTheServerCloses) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  client->write_all(close_frame(1000, "bye"));
  const std::optional<ServerFrame> f = next_frame(*client);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->close_code(), 1000);
  ASSERT_TRUE(pump([&] { return peer->closes == 1; }));
  EXPECT_EQ(peer->reason, reactor::CloseReason::kPeerClosed);
}

TEST_F(WebSocketConnectionTest, AGracefulCloseEndsWithACloseFrameOfTheGivenCode) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  peer->conn->send(reactor::make_line("*** server shutting down"));
  peer->conn->close_when_drained(reactor::WsClose::kGoingAway);
  std::optional<ServerFrame> f = next_frame(*client);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->payload, "*** server shutting down");
  f = next_frame(*client);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->close_code(), 1001);
  ASSERT_TRUE(pump([&] { return client->read_available() == 0 && client->eof(); }));
}

TEST_F(WebSocketConnectionTest, AQuietPeerIsPingedThenClosedIfItStaysQuiet) {
  set_limits([](reactor::ConnectionLimits& l) {
    l.websocket_ping_ms = 0;
    l.websocket_pong_timeout_ms = 1;
  });
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  const std::optional<ServerFrame> ping = next_frame(*client);
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->opcode(), 0x9);
  ASSERT_TRUE(pump([&] { return peer->closes == 1; }, 5s));
  EXPECT_EQ(peer->reason, reactor::CloseReason::kPingTimeout);
  EXPECT_EQ(loop().stats().websocket_pong_timeouts, 1u);
}

TEST_F(WebSocketConnectionTest, TheBytesAfterTheUpgradingLineAreFrames) {
  server().accept_hook = [](RecordingHandler& h) {
    h.line_hook = [](RecordingHandler& r, std::string_view line) {
      if (line.empty()) r.conn->upgrade_to_websocket();
    };
  };
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  client->write_all("GET /ws HTTP/1.1\r\n\r\n" + text_frame("hello") + text_frame("again"));
  ASSERT_TRUE(pump([&] { return peer->lines.size() == 4; }));
  EXPECT_EQ(peer->lines, (Lines{"GET /ws HTTP/1.1", "", "hello", "again"}));
}

TEST_F(WebSocketConnectionTest, NoPingFollowsTheServersClose) {
  set_limits([](reactor::ConnectionLimits& l) {
    l.websocket_ping_ms = 0;
    l.websocket_pong_timeout_ms = 60000;
  });
  RawClient* leaving = nullptr;
  RawClient* quiet = nullptr;
  RecordingHandler* leaving_peer = nullptr;
  RecordingHandler* quiet_peer = nullptr;
  ASSERT_TRUE(open_tight_link(leaving, leaving_peer));
  ASSERT_TRUE(open_link(quiet, quiet_peer));
  // Enough output that the drain outlasts a sweep while the client reads nothing.
  const std::string block(1000, 'x');
  for (int i = 0; i < 200; ++i)
    leaving_peer->conn->send(reactor::make_line(block));
  leaving_peer->conn->close_when_drained(reactor::WsClose::kGoingAway);
  // The sweep pings the other, quiet connection: it has run.
  ASSERT_TRUE(pump([&] { return loop().stats().websocket_pings >= 1; }, 5s));
  EXPECT_EQ(loop().stats().websocket_pings, 1u) << "only the connection still open is pinged";

  ASSERT_TRUE(pump([&] {
    leaving->read_available();
    return leaving->eof();
  }));
  std::vector<ServerFrame> frames;
  while (std::optional<ServerFrame> f = take_server_frame(leaving->received())) {
    frames.push_back(*f);
  }
  ASSERT_EQ(frames.size(), 201u);
  EXPECT_EQ(frames.back().close_code(), 1001);
  EXPECT_TRUE(leaving->received().empty());
}

TEST_F(WebSocketConnectionTest, ASlowConsumersCloseFrameNeverFollowsAPartFrame) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_tight_link(client, peer));
  // Far more than the socket buffers hold: the kernel takes a part of it.
  peer->close_hook = [](reactor::Connection& c, reactor::CloseReason) {
    c.try_write_now(reactor::make_line(std::string(60000, 'y')));
  };
  peer->conn->close(reactor::CloseReason::kSlowConsumer);
  ASSERT_TRUE(pump([&] {
    client->read_available();
    return client->eof();
  }));
  ASSERT_FALSE(client->received().empty());
  std::string& bytes = client->received();
  EXPECT_FALSE(take_server_frame(bytes)) << "the text frame is cut short";
  EXPECT_LT(bytes.size(), 60000u);
  EXPECT_EQ(bytes.find("too slow to receive"), std::string::npos);
}

}  // namespace
}  // namespace chatd::test
