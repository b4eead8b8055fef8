// Integration tests of connection and process life cycle: abrupt and orderly disconnects as
// the room sees them, and graceful shutdown of the real chatd on SIGTERM / SIGINT.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <string>

#include "tests/support/chatd_process.h"
#include "tests/support/line_client.h"
#include "tests/support/stuck_reader.h"

namespace chatd::test {
namespace {

constexpr auto kExitWait = std::chrono::seconds(10);

TEST(Disconnect, ResetIsAnnouncedAsConnectionClosed) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  alice.close_with_reset();
  EXPECT_TRUE(bob.expect_line(equals("*** alice quit (connection closed)"))) << bob.diagnostics();
}

TEST(Disconnect, ResetWithUnreadOutputIsAnnouncedAsConnectionClosed) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  ASSERT_TRUE(alice.send_line("/help"));  // output alice never reads
  ASSERT_TRUE(alice.send_line("/who"));
  ASSERT_TRUE(alice.expect_line(starts_with("*** 2 users in"))) << alice.diagnostics();
  ASSERT_TRUE(alice.send_line("/help"));
  alice.close_with_reset();
  EXPECT_TRUE(bob.expect_line(equals("*** alice quit (connection closed)"))) << bob.diagnostics();
}

TEST(Disconnect, OrderlyCloseIsAnnouncedAsConnectionClosed) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  alice.close();
  EXPECT_TRUE(bob.expect_line(equals("*** alice quit (connection closed)"))) << bob.diagnostics();
}

TEST(Disconnect, NickIsFreeAgainOnceItsOwnerIsGone) {
  ChatdProcess chatd;
  LineClient alice = connect_as(chatd.port(), "alice");
  LineClient bob = connect_as(chatd.port(), "bob");
  alice.close_with_reset();
  ASSERT_TRUE(bob.expect_line(equals("*** alice quit (connection closed)"))) << bob.diagnostics();
  LineClient again = connect_as(chatd.port(), "alice");  // throws if the nick were still taken
  ASSERT_TRUE(again.send_line("back"));
  EXPECT_TRUE(bob.expect_line(equals("<alice> back"))) << bob.diagnostics();
}

// Every client gets the shutdown line and then EOF, with no quit announcements in between,
// and chatd exits 0.
void expect_graceful_shutdown(int sig) {
  ChatdProcess chatd;
  std::vector<LineClient> clients;
  clients.push_back(connect_as(chatd.port(), "alice"));
  clients.push_back(connect_as(chatd.port(), "bob"));
  clients.push_back(connect_as(chatd.port(), "carol"));
  ASSERT_TRUE(clients[2].send_line("/join #dev"));
  ASSERT_TRUE(clients[2].expect_line(equals("*** carol joined #dev"))) << clients[2].diagnostics();

  ASSERT_TRUE(chatd.send_signal(sig));
  for (auto& c : clients) {
    EXPECT_TRUE(c.expect_line(equals("*** server shutting down"))) << c.diagnostics();
    EXPECT_TRUE(c.read_until_closed()) << c.diagnostics();
    for (const auto& line : c.skipped()) {
      EXPECT_EQ(line.find(" quit ("), std::string::npos) << "after shutdown: " << line;
    }
  }
  auto status = chatd.wait_exit(within(kExitWait));
  ASSERT_TRUE(status) << "chatd still running " << kExitWait.count() << " s after the signal";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe_wait_status(*status);
}

TEST(Shutdown, SigtermTellsEveryClientAndExitsZero) {
  expect_graceful_shutdown(SIGTERM);
}

TEST(Shutdown, SigintTellsEveryClientAndExitsZero) {
  expect_graceful_shutdown(SIGINT);
}

TEST(Shutdown, SigtermWithNoClientsExitsZero) {
  ChatdProcess chatd;
  ASSERT_TRUE(chatd.send_signal(SIGTERM));
  auto status = chatd.wait_exit(within(kExitWait));
  ASSERT_TRUE(status) << "chatd still running " << kExitWait.count() << " s after SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe_wait_status(*status);
}

TEST(Shutdown, ClientThatNeverReadsDoesNotHoldUpTheExit) {
  ChatdProcess chatd;
  const StuckReader stuck = stuck_reader(chatd.port(), 200, 1000);
  ASSERT_TRUE(chatd.send_signal(SIGTERM));
  auto status = chatd.wait_exit(within(kExitWait));
  ASSERT_TRUE(status) << "chatd still running " << kExitWait.count() << " s after SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe_wait_status(*status);
}

// nc keeps its socket open after chatd's FIN, and reads nothing until the user types: chatd
// exits once the client's kernel has the goodbye, not at the end of the drain deadline.
TEST(Shutdown, APassiveClientGetsTheGoodbyeAndDoesNotHoldUpTheExit) {
  ChatdProcess chatd;
  LineClient passive = connect_as(chatd.port(), "passive");
  ASSERT_TRUE(chatd.send_signal(SIGTERM));
  auto status = chatd.wait_exit(within(std::chrono::seconds(1)));
  ASSERT_TRUE(status) << "chatd still running 1 s after SIGTERM with a passive client";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe_wait_status(*status);
  EXPECT_TRUE(passive.expect_line(equals("*** server shutting down"))) << passive.diagnostics();
  EXPECT_TRUE(passive.read_until_closed()) << passive.diagnostics();
  EXPECT_FALSE(passive.was_reset()) << "a reset instead of EOF";
}

// Closing a socket with unread input resets it, and a reset can overtake what the peer has not
// read yet. A client still typing during the drain must read the goodbye first.
TEST(Shutdown, AClientTypingDuringTheDrainReadsTheGoodbyeBeforeAnyReset) {
  ChatdProcess chatd;
  LineClient typist = connect_as(chatd.port(), "typist");
  ASSERT_TRUE(chatd.send_signal(SIGTERM));
  for (int i = 0; i < 20; ++i) {
    if (!typist.send_line("still typing " + std::to_string(i))) break;  // chatd may be gone
  }
  EXPECT_TRUE(typist.expect_line(equals("*** server shutting down"))) << typist.diagnostics();
  auto status = chatd.wait_exit(within(kExitWait));
  ASSERT_TRUE(status) << "chatd still running " << kExitWait.count() << " s after SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe_wait_status(*status);
}

// Connections the kernel has queued while chatd was stopped, when the shutdown
// comes with them: each is told, none reset by the listener's close (libuv
// usually takes them before it sees the signal; Listener::drain takes what it
// has not, and ListenerTest.DrainAccepts... tests that part alone).
TEST(Shutdown, ConnectionsWaitingInTheAcceptQueueAreToldNotReset) {
  ChatdProcess chatd;
  ASSERT_TRUE(chatd.send_signal(SIGSTOP));
  std::vector<LineClient> queued;
  for (int i = 0; i < 20; ++i)
    queued.emplace_back(chatd.port());
  ASSERT_TRUE(chatd.send_signal(SIGTERM));
  ASSERT_TRUE(chatd.send_signal(SIGCONT));
  for (auto& c : queued) {
    EXPECT_TRUE(c.expect_line(contains("server shutting down"))) << c.diagnostics();
    EXPECT_TRUE(c.read_until_closed()) << c.diagnostics();
    EXPECT_FALSE(c.was_reset()) << c.diagnostics();
  }
  auto status = chatd.wait_exit(within(kExitWait));
  ASSERT_TRUE(status) << "chatd still running " << kExitWait.count() << " s after SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe_wait_status(*status);
}

}  // namespace
}  // namespace chatd::test
