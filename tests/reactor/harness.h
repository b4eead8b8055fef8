// Shared by the in-process reactor tests: a listener and connection handlers that record
// every callback, and a fixture that ends each test by closing everything, checking that
// only the loop's own handles are left, and destroying the Loop (which asserts the rest).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reactor/connection.h"
#include "reactor/connection_handler.h"
#include "reactor/listener.h"
#include "reactor/loop.h"
#include "tests/support/pump.h"

namespace chatd::test {

// One accepted connection as the test sees it. Hooks run after the call is recorded and
// may do what a real handler does (send, pause, close...).
class RecordingHandler final : public reactor::ConnectionHandler {
 public:
  explicit RecordingHandler(reactor::Connection& c) : conn(&c) {}

  void on_line(reactor::Connection& c, std::string_view line) override;
  void on_line_too_long(reactor::Connection& c) override;
  void on_close(reactor::Connection& c, reactor::CloseReason why) override;

  reactor::Connection* conn;  // nullptr once on_close has run
  std::vector<std::string> lines;
  int too_long = 0;
  int closes = 0;
  int calls_after_close = 0;  // any callback after on_close: a contract violation
  std::optional<reactor::CloseReason> reason;
  std::size_t queued_at_close = 0;  // Connection::queued_bytes() when on_close ran
  std::function<void(RecordingHandler&, std::string_view)> line_hook;
  std::function<void(RecordingHandler&)> too_long_hook;
  // Runs inside on_close, where the connection may still be given a last word.
  std::function<void(reactor::Connection&, reactor::CloseReason)> close_hook;
};

// A listener whose every accepted connection gets a RecordingHandler.
class TestServer final : public reactor::ListenerHandler {
 public:
  TestServer(reactor::Loop& loop, const std::string& at, int backlog = 128);
  TestServer(reactor::Loop& loop, int fd, int backlog = 128);
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;
  // Closes the connections still open (kByServer), then the listener.
  ~TestServer();

  void on_accept(reactor::Connection& c) override;
  void on_accept_error(int uv_error) override;

  std::string local_address() const { return listener_->local_address(); }
  // Serves TLS with `context` from the next connection on.
  void set_tls(std::shared_ptr<const reactor::TlsContext> context) {
    listener_->set_tls(std::move(context));
  }
  // Accepts the connections waiting in the listen queue now (Listener::drain).
  std::size_t drain() { return listener_->drain(); }
  // Closes the listener; accepted connections stay as they are.
  void stop_listening() { listener_.reset(); }
  std::uint16_t port() const;
  std::size_t open_count() const;

  std::vector<std::unique_ptr<RecordingHandler>> accepted;
  std::vector<int> accept_errors;
  // Runs for each new connection once its handler is attached.
  std::function<void(RecordingHandler&)> accept_hook;

 private:
  std::unique_ptr<reactor::Listener> listener_;
};

// The handles on `loop`, by type name ("tcp", "timer", ...), after letting pending closes
// finish. Once a test has closed everything, only the loop's own may be left.
std::vector<std::string> loop_handles(reactor::Loop& loop);
// The handshake-turn hook, the flush hook, and the sweep, farewell-poll and lag timers.
inline const std::vector<std::string> kLoopOwnHandles = {"idle", "prepare", "timer", "timer",
                                                         "timer"};

class ReactorTest : public ::testing::Test {
 protected:
  ReactorTest() : loop_(std::make_unique<reactor::Loop>()) {}
  // Closes clients and server, checks for leaked handles and destroys the Loop, inside the
  // test, so a leak shows up as this test's failure (or its assert in debug builds).
  void TearDown() override;

  reactor::Loop& loop() { return *loop_; }
  TestServer& listen(const std::string& at = "127.0.0.1:0");
  TestServer& server() { return *server_; }
  // A client of server(), owned by the fixture.
  RawClient& connect(int rcvbuf = 0);
  // Connects and waits until the server has accepted this connection: `client` is the
  // client end and `peer` the server's handler of it. False (and the test has failed) if
  // it was not accepted within the deadline.
  bool open_link(RawClient*& client, RecordingHandler*& peer, int rcvbuf = 0);
  // The same with both socket buffers tiny (client SO_RCVBUF, server SO_SNDBUF), so the
  // kernel takes little at a time and writes are partial.
  bool open_tight_link(RawClient*& client, RecordingHandler*& peer);
  // The general case: the client's SO_RCVBUF and the server's SO_SNDBUF as given.
  bool open_link_with_buffers(RawClient*& client, RecordingHandler*& peer, int client_rcvbuf,
                              int server_sndbuf);
  bool pump(const std::function<bool()>& done,
            std::chrono::milliseconds deadline = std::chrono::seconds(3)) {
    return pump_until(*loop_, done, deadline);
  }
  void set_limits(const std::function<void(reactor::ConnectionLimits&)>& edit);

  std::unique_ptr<reactor::Loop> loop_;
  std::unique_ptr<TestServer> server_;
  std::vector<std::unique_ptr<RawClient>> clients_;
};

// A ReactorTest whose server is already listening on 127.0.0.1:0.
class ListeningReactorTest : public ReactorTest {
 protected:
  void SetUp() override { listen(); }
};

}  // namespace chatd::test
