// In-process specs for Loop's own lifecycle: stopping a run, walking connections, and a
// destructor that closes what is left and leaves libuv with no handle (uv_loop_close == 0).
#include "reactor/loop.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>

#include "reactor/connection.h"
#include "reactor/message.h"
#include "reactor/timer.h"
#include "tests/reactor/harness.h"
#include "tests/support/pump.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;
using reactor::CloseReason;
using reactor::make_line;

using LoopTest = ListeningReactorTest;

TEST_F(LoopTest, RunReturnsWhenACallbackCallsStop) {
  bool stopped_by_test = false;
  reactor::Timer stop(loop(), [&] {
    stopped_by_test = true;
    loop().stop();
  });
  reactor::Timer safety(loop(), [&] { loop().stop(); });
  stop.start(10);
  safety.start(5000);
  loop().run();
  EXPECT_TRUE(stopped_by_test);
}

TEST_F(LoopTest, CountsOpenAndDrainingConnectionsButNotClosedOnes) {
  RawClient* c1 = nullptr;
  RawClient* c2 = nullptr;
  RawClient* c3 = nullptr;
  RecordingHandler* p1 = nullptr;
  RecordingHandler* p2 = nullptr;
  RecordingHandler* p3 = nullptr;
  ASSERT_TRUE(open_link(c1, p1));
  ASSERT_TRUE(open_link(c2, p2));
  ASSERT_TRUE(open_tight_link(c3, p3));
  EXPECT_EQ(loop().connection_count(), 3u);
  p1->conn->close(CloseReason::kByServer);
  EXPECT_EQ(loop().connection_count(), 2u);
  // Enough queued that the graceful close has to wait for the client to read.
  for (int i = 0; i < 1000; ++i)
    p3->conn->send(make_line(std::string(1000, 'd')));
  p3->conn->close_when_drained();
  pump_for(loop(), 10ms);
  EXPECT_EQ(p3->closes, 0);
  EXPECT_EQ(loop().connection_count(), 2u) << "a draining connection is still open";
}

TEST_F(LoopTest, ForEachConnectionVisitsEachOpenOneAndMayCloseIt) {
  constexpr int kLinks = 5;
  for (int i = 0; i < kLinks; ++i) {
    RawClient* client = nullptr;
    RecordingHandler* peer = nullptr;
    ASSERT_TRUE(open_link(client, peer));
  }
  server().accepted[0]->conn->close_when_drained();           // draining ones are visited too
  server().accepted[1]->conn->close(CloseReason::kByServer);  // closed ones are not
  int visited = 0;
  loop().for_each_connection([&](reactor::Connection& c) {
    ++visited;
    c.close(CloseReason::kByServer);
  });
  EXPECT_EQ(visited, kLinks - 1);
  EXPECT_EQ(loop().connection_count(), 0u);
  for (const auto& h : server().accepted)
    EXPECT_EQ(h->closes, 1);
}

TEST_F(LoopTest, DestructionClosesConnectionsLeftOpenWithoutCallingTheirHandlers) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  peer->conn->send(make_line("never flushed"));
  server().stop_listening();
  loop_.reset();  // asserts uv_loop_close() == 0 in debug builds
  EXPECT_EQ(peer->closes, 0) << "a handler was called from ~Loop";
  peer->conn = nullptr;  // freed by the Loop
  ASSERT_TRUE(client->await_bytes(1, 2s) || client->closed_by_peer());
  EXPECT_TRUE(client->closed_by_peer());
}

// Death tests run the scenario in a child process, so a crash fails one test, not the run.
// Each builds its own Loop there: the parent's epoll set must not be touched.

// Loop::stop() outside run() leaves libuv's stop flag set; ~Loop must still finish every
// close (its single UV_RUN_NOWAIT pass returns at once while the flag is set).
TEST(LoopDeathTest, DestroyingALoopStoppedOutsideRunStillClosesEveryHandle) {
  EXPECT_EXIT(
      {
        {
          reactor::Loop loop;
          loop.stop();
        }
        std::exit(0);
      },
      ::testing::ExitedWithCode(0), "");
}

int close_in_on_line_too_long() {
  auto loop = std::make_unique<reactor::Loop>();
  reactor::ConnectionLimits limits;
  limits.max_line_bytes = 8;
  loop->set_limits(limits);
  auto server = std::make_unique<TestServer>(*loop, "127.0.0.1:0");
  server->accept_hook = [](RecordingHandler& h) {
    h.too_long_hook = [](RecordingHandler& r) { r.conn->close(CloseReason::kByServer); };
  };
  auto client = std::make_unique<RawClient>("127.0.0.1", server->port());
  client->write_all("this line is too long\nafter\n");
  pump_until(
      *loop, [&] { return !server->accepted.empty() && server->accepted[0]->closes != 0; }, 2s);
  pump_for(*loop, 20ms);
  const bool ok = server->accepted.size() == 1 && server->accepted[0]->closes == 1 &&
                  server->accepted[0]->lines.empty() && server->accepted[0]->calls_after_close == 0;
  client.reset();
  server.reset();
  loop.reset();
  return ok ? 0 : 1;
}

// A handler may close the connection when told a line was too long, as it may in on_line;
// the rest of that read must then not be handed to it (nor to a null handler).
TEST(ConnectionDeathTest, ClosingInOnLineTooLongStopsTheRestOfThatRead) {
  EXPECT_EXIT(std::exit(close_in_on_line_too_long()), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace chatd::test
