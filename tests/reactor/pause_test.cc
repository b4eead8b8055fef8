// In-process specs for flood-control pausing: while a connection's reading is paused no
// line reaches its handler, and after resume_reading() every line arrives, in order.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "reactor/connection.h"
#include "tests/reactor/harness.h"
#include "tests/support/pump.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;
using Lines = std::vector<std::string>;

using PauseTest = ListeningReactorTest;

TEST_F(PauseTest, LinesSentWhilePausedArriveAfterResumeInOrder) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  peer->conn->pause_reading();
  EXPECT_TRUE(peer->conn->is_reading_paused());
  client->write_all("one\ntwo\n");
  pump_for(loop(), 30ms);
  client->write_all("three\nfo");
  pump_for(loop(), 30ms);
  EXPECT_EQ(peer->lines, Lines{}) << "a line arrived while paused";

  peer->conn->resume_reading();
  EXPECT_FALSE(peer->conn->is_reading_paused());
  ASSERT_TRUE(pump([&] { return peer->lines.size() == 3; }));
  client->write_all("ur\n");
  ASSERT_TRUE(pump([&] { return peer->lines.size() == 4; }));
  EXPECT_EQ(peer->lines, (Lines{"one", "two", "three", "four"}));
}

TEST_F(PauseTest, PauseAfterTheFirstOfSeveralLinesInOneReadHoldsTheRest) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  peer->line_hook = [](RecordingHandler& h, std::string_view line) {
    if (line == "1") h.conn->pause_reading();
  };
  client->write_all("1\n2\n3\npart");
  ASSERT_TRUE(pump([&] { return !peer->lines.empty(); }));
  pump_for(loop(), 30ms);
  EXPECT_EQ(peer->lines, (Lines{"1"}));
  EXPECT_TRUE(peer->conn->is_reading_paused());

  // The held lines are handed over by resume_reading() itself, before it returns.
  peer->conn->resume_reading();
  EXPECT_EQ(peer->lines, (Lines{"1", "2", "3"}));
  client->write_all("ial\n");
  ASSERT_TRUE(pump([&] { return peer->lines.size() == 4; }));
  EXPECT_EQ(peer->lines, (Lines{"1", "2", "3", "partial"}));
}

TEST_F(PauseTest, PausingAgainWhileHeldLinesAreReplayedHoldsTheRemainder) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  // Every line uses up the "budget": reading pauses after each one.
  peer->line_hook = [](RecordingHandler& h, std::string_view) { h.conn->pause_reading(); };
  client->write_all("a\nb\nc\nd\n");
  ASSERT_TRUE(pump([&] { return !peer->lines.empty(); }));
  Lines expected{"a"};
  for (const char* next : {"b", "c", "d"}) {
    pump_for(loop(), 10ms);
    EXPECT_EQ(peer->lines, expected);
    peer->conn->resume_reading();
    expected.emplace_back(next);
    EXPECT_EQ(peer->lines, expected);
  }
  peer->line_hook = nullptr;
  peer->conn->resume_reading();
  client->write_all("e\n");
  ASSERT_TRUE(pump([&] { return peer->lines.size() == 5; }));
  EXPECT_EQ(peer->lines, (Lines{"a", "b", "c", "d", "e"}));
}

TEST_F(PauseTest, APausedPeerIsPushedBackByTcpAndLosesNothing) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  peer->line_hook = [](RecordingHandler& h, std::string_view line) {
    if (line.starts_with("00000000")) h.conn->pause_reading();
  };
  std::string text;
  Lines expected;
  for (int i = 0; text.size() < (std::size_t{16} << 20); ++i) {
    char prefix[16];
    std::snprintf(prefix, sizeof prefix, "%08d ", i);
    expected.push_back(prefix + std::string(91, 'p'));
    text += expected.back() + "\n";
  }
  // Write until the kernel refuses more: the server has stopped reading.
  std::size_t written = 0;
  ASSERT_TRUE(pump([&] {
    const std::size_t n = client->write_some(std::string_view(text).substr(written));
    written += n;
    return n == 0 && written > 0 && written < text.size();
  }));
  pump_for(loop(), 20ms);
  EXPECT_EQ(peer->lines.size(), 1u) << "lines were handed over while paused";

  peer->conn->resume_reading();
  ASSERT_TRUE(pump(
      [&] {
        written += client->write_some(std::string_view(text).substr(written));
        return peer->lines.size() == expected.size();
      },
      20s));
  EXPECT_EQ(peer->lines, expected);
}

TEST_F(PauseTest, PeerEofWhilePausedIsSeenAfterResume) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  peer->conn->pause_reading();
  client->write_all("held\n");
  client->shutdown_write();
  pump_for(loop(), 30ms);
  EXPECT_EQ(peer->closes, 0);
  peer->conn->resume_reading();
  ASSERT_TRUE(pump([&] { return peer->closes != 0; }));
  EXPECT_EQ(peer->lines, (Lines{"held"}));
  EXPECT_EQ(peer->reason, reactor::CloseReason::kPeerClosed);
}

// A server may hold a new connection's input (e.g. to rate-limit an address) by pausing
// it in on_accept; the listener must not start reading it anyway.
TEST_F(PauseTest, PausingInOnAcceptHoldsLinesUntilResume) {
  server().accept_hook = [](RecordingHandler& h) { h.conn->pause_reading(); };
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  EXPECT_TRUE(peer->conn->is_reading_paused());
  client->write_all("first\n");
  pump_for(loop(), 30ms);
  client->write_all("second\n");
  pump_for(loop(), 30ms);
  EXPECT_EQ(peer->lines, Lines{}) << "lines were handed over while paused";
  peer->conn->resume_reading();
  ASSERT_TRUE(pump([&] { return peer->lines.size() >= 2; }));
  pump_for(loop(), 20ms);
  EXPECT_EQ(peer->lines, (Lines{"first", "second"}));
}

}  // namespace
}  // namespace chatd::test
