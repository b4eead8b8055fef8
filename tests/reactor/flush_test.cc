// In-process specs for the flush before sleep, counted in syscalls: this file interposes
// write()/writev() for the reactor_tests binary (libuv calls them through the PLT) and
// counts the calls on one chosen fd, so "many sends, one writev" is measured, not assumed.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "reactor/connection.h"
#include "reactor/message.h"
#include "reactor/timer.h"
#include "tests/reactor/harness.h"
#include "tests/support/pump.h"

namespace {

int g_counted_fd = -1;  // the fd whose writes are counted; -1 counts nothing
int g_write_calls = 0;

void note_write(int fd) {
  if (fd == g_counted_fd) ++g_write_calls;
}

}  // namespace

extern "C" ssize_t write(int fd, const void* buf, size_t n) {
  note_write(fd);
  return syscall(SYS_write, fd, buf, n);
}

extern "C" ssize_t writev(int fd, const struct iovec* iov, int iovcnt) {
  note_write(fd);
  return syscall(SYS_writev, fd, iov, iovcnt);
}

namespace chatd::test {
namespace {

using namespace std::chrono_literals;
using reactor::CloseReason;
using reactor::format_line;
using reactor::make_line;

// Counts the write syscalls made on one fd while it is alive.
class WriteCounter {
 public:
  explicit WriteCounter(int fd) {
    g_counted_fd = fd;
    g_write_calls = 0;
  }
  WriteCounter(const WriteCounter&) = delete;
  WriteCounter& operator=(const WriteCounter&) = delete;
  ~WriteCounter() { g_counted_fd = -1; }
  int calls() const { return g_write_calls; }
};

using FlushTest = ListeningReactorTest;

TEST_F(FlushTest, ManySendsLeaveInOneWriteSyscall) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  const int fd = find_accepted_fd(*client);
  ASSERT_GE(fd, 0);
  std::string expected;
  for (int i = 0; i < 100; ++i) {
    peer->conn->send(format_line("line {}", i));
    expected += "line " + std::to_string(i) + "\r\n";
  }
  WriteCounter writes(fd);
  run_once(loop());
  EXPECT_EQ(writes.calls(), 1);
  ASSERT_TRUE(client->await_bytes(expected.size(), 2s));
  EXPECT_EQ(client->received(), expected);
}

TEST_F(FlushTest, MoreMessagesThanIovMaxLeaveInIovMaxSizedWrites) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  const int fd = find_accepted_fd(*client);
  ASSERT_GE(fd, 0);
  const reactor::MessageRef tick = make_line("x");
  for (int i = 0; i < 2000; ++i)
    peer->conn->send(tick);
  WriteCounter writes(fd);
  run_once(loop());
  EXPECT_EQ(writes.calls(), 2) << "2000 buffers should take two writevs of at most 1024";
  ASSERT_TRUE(client->await_bytes(std::size_t{2000} * 3, 2s));
  std::string expected;
  for (int i = 0; i < 2000; ++i)
    expected += "x\r\n";
  EXPECT_EQ(client->received(), expected);
}

TEST_F(FlushTest, NothingIsWrittenForAConnectionWithNothingQueued) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  const int fd = find_accepted_fd(*client);
  ASSERT_GE(fd, 0);
  WriteCounter writes(fd);
  pump_for(loop(), 20ms);
  EXPECT_EQ(writes.calls(), 0);
}

TEST_F(FlushTest, OutputFromATimerLeavesInTheSameIteration) {
  RawClient* client = nullptr;
  RecordingHandler* peer = nullptr;
  ASSERT_TRUE(open_link(client, peer));
  const int fd = find_accepted_fd(*client);
  ASSERT_GE(fd, 0);
  reactor::Timer timer(loop(), [&] { peer->conn->send(make_line("from a timer")); });
  timer.start(0);
  WriteCounter writes(fd);
  run_once(loop());  // runs the due timer, then the flush before sleep
  EXPECT_EQ(writes.calls(), 1);
  ASSERT_TRUE(client->await_bytes(14, 2s));
  EXPECT_EQ(client->received(), "from a timer\r\n");
}

// Deferred closes run before the flush, so a notice that one connection's close produces
// for another leaves in the same pass.
TEST_F(FlushTest, NoticesFromADeferredCloseLeaveInTheSameIteration) {
  set_limits([](reactor::ConnectionLimits& l) { l.output_limit = 64; });
  RawClient* slow_client = nullptr;
  RecordingHandler* slow = nullptr;
  ASSERT_TRUE(open_link(slow_client, slow));
  RawClient* other_client = nullptr;
  RecordingHandler* other = nullptr;
  ASSERT_TRUE(open_link(other_client, other));
  const int other_fd = find_accepted_fd(*other_client);
  ASSERT_GE(other_fd, 0);
  slow->close_hook = [&](reactor::Connection&, CloseReason why) {
    other->conn->send(format_line("*** slow left ({})", reactor::to_string(why)));
  };
  slow->conn->send(make_line(std::string(100, 'o')));  // over output_limit: closed later
  EXPECT_EQ(slow->closes, 0) << "send() closed the connection itself";

  WriteCounter writes(other_fd);
  run_once(loop());
  EXPECT_EQ(slow->closes, 1);
  EXPECT_EQ(slow->reason, CloseReason::kSlowConsumer);
  EXPECT_EQ(writes.calls(), 1);
  const std::string notice = "*** slow left (slow consumer)\r\n";
  ASSERT_TRUE(other_client->await_bytes(notice.size(), 2s));
  EXPECT_EQ(other_client->received(), notice);
}

}  // namespace
}  // namespace chatd::test
