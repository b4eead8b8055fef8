// The real chatd against a fake NOTIFY_SOCKET: READY only once every listener is
// bound, STATUS with the true counts, WATCHDOG pings, RELOADING/READY, STOPPING,
// and EXTEND_TIMEOUT_USEC while a long shutdown drain runs.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "daemon/systemd.h"
#include "tests/support/chatd_process.h"
#include "tests/support/line_client.h"
#include "tests/support/notify_socket.h"
#include "tests/support/stuck_reader.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

ChatdOptions notified(const NotifySocket& ns, std::vector<std::string> env = {}) {
  ChatdOptions o;
  o.env = std::move(env);
  o.env.push_back(ns.env());
  return o;
}

auto status_contains(std::string text) {
  return
      [text](const Notification& n) { return n.value("STATUS")->find(text) != std::string::npos; };
}

// A TCP port held (bound, not listening) by the test for as long as it lives.
struct HeldPort {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  std::uint16_t port = 0;
  HeldPort() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
      port = ntohs(a.sin_port);
    }
  }
  ~HeldPort() { close(fd); }
};

TEST(SystemdNotify, ReadyOnceListeningWithStatusFromTheSameProcess) {
  SKIP_WITHOUT_LIBSYSTEMD();
  NotifySocket ns;
  ChatdProcess chatd(notified(ns));
  const auto ready = ns.wait_for("READY=1", within(5s));
  ASSERT_TRUE(ready) << ns.describe();
  EXPECT_EQ(ready->sender, chatd.pid());
  EXPECT_EQ(ready->value("STATUS"), "0 clients, 0 rooms, 0.0 messages/s");
  LineClient c(chatd.port());  // ready means ready: the port accepts
  EXPECT_TRUE(c.expect_line("welcome to chatd")) << c.diagnostics();
}

TEST(SystemdNotify, NoReadyButAFailureStatusWhenALaterListenerFails) {
  SKIP_WITHOUT_LIBSYSTEMD();
  NotifySocket ns;
  HeldPort taken;
  ASSERT_NE(taken.port, 0);
  ChatdOptions o = notified(ns);
  o.args = {"--listen", "127.0.0.1:0", "--listen", "127.0.0.1:" + std::to_string(taken.port)};
  const RunResult r = run_chatd(o, within(10s));
  EXPECT_EQ(r.exit_code(), 1) << r.describe();
  ns.collect_until(within(200ms));
  for (const Notification& n : ns.history())
    EXPECT_FALSE(n.has("READY=1")) << ns.describe();
  // `systemctl status` shows why it failed.
  ASSERT_FALSE(ns.history().empty());
  EXPECT_TRUE(has_line_prefix(ns.history().back(), "STATUS=failed to start: cannot listen on"))
      << ns.describe();
}

TEST(SystemdNotify, StatusShowsTheClientsThatJoinedAndTheMessageRate) {
  SKIP_WITHOUT_LIBSYSTEMD();
  NotifySocket ns;
  ChatdProcess chatd(notified(ns));
  ASSERT_TRUE(ns.wait_for("READY=1", within(5s))) << ns.describe();
  std::vector<LineClient> clients;
  for (const char* nick : {"ann", "ben", "cat"})
    clients.push_back(connect_as(chatd.port(), nick));
  EXPECT_TRUE(ns.wait_for("STATUS=", status_contains("3 clients, 1 room,"), within(6s)))
      << ns.describe();
  for (int i = 0; i < 20; ++i)
    ASSERT_TRUE(clients[0].send_line("line " + std::to_string(i)));
  EXPECT_TRUE(clients[1].expect_line("<ann> line 19")) << clients[1].diagnostics();
  auto moving = [](const Notification& n) {
    return n.value("STATUS")->find(" 0.0 ") == std::string::npos;
  };
  EXPECT_TRUE(ns.wait_for("STATUS=", moving, within(6s))) << ns.describe();
  clients.pop_back();
  EXPECT_TRUE(ns.wait_for("STATUS=", status_contains("2 clients"), within(6s))) << ns.describe();
}

TEST(SystemdNotify, WatchdogPingsAtHalfTheInterval) {
  SKIP_WITHOUT_LIBSYSTEMD();
  NotifySocket ns;
  ChatdProcess chatd(notified(ns, {"WATCHDOG_USEC=400000"}));
  ASSERT_TRUE(ns.wait_for("READY=1", within(5s))) << ns.describe();
  EXPECT_TRUE(chatd.wait_for_log("watchdog of 400 ms: pinging every 200 ms", within(1s)));
  ns.collect_until(within(1500ms));
  std::vector<Clock::time_point> pings;
  for (const Notification& n : ns.history()) {
    if (n.has("WATCHDOG=1")) pings.push_back(n.at);
  }
  ASSERT_GE(pings.size(), 5u) << ns.describe();
  for (std::size_t i = 1; i < pings.size(); ++i) {
    EXPECT_LT(pings[i] - pings[i - 1], 400ms) << "a gap the watchdog would have fired on";
  }
}

TEST(SystemdNotify, NoWatchdogPingsWhenTheWatchdogIsOffOrForAnotherProcess) {
  SKIP_WITHOUT_LIBSYSTEMD();
  for (std::vector<std::string> env :
       {std::vector<std::string>{}, {"WATCHDOG_USEC=200000", "WATCHDOG_PID=1"}}) {
    NotifySocket ns;
    ChatdProcess chatd(notified(ns, env));
    ASSERT_TRUE(ns.wait_for("READY=1", within(5s))) << ns.describe();
    ns.collect_until(within(700ms));
    for (const Notification& n : ns.history())
      EXPECT_FALSE(n.has("WATCHDOG=1")) << ns.describe();
  }
}

TEST(SystemdNotify, SighupSendsReloadingWithMonotonicTimeThenReady) {
  SKIP_WITHOUT_LIBSYSTEMD();
  NotifySocket ns;
  ChatdProcess chatd(notified(ns));
  ASSERT_TRUE(ns.wait_for("READY=1", within(5s))) << ns.describe();
  const std::uint64_t before = systemd::monotonic_usec();
  ASSERT_TRUE(chatd.send_signal(SIGHUP));
  const auto reloading = ns.wait_for("RELOADING=1", within(5s));
  ASSERT_TRUE(reloading) << ns.describe();
  const std::uint64_t stamp = std::stoull(reloading->value("MONOTONIC_USEC").value_or("0"));
  EXPECT_GE(stamp, before);
  EXPECT_LE(stamp, systemd::monotonic_usec());
  EXPECT_TRUE(ns.wait_for("READY=1", within(5s))) << ns.describe();
  EXPECT_TRUE(chatd.wait_for_log("configuration reloaded", within(1s)));
}

TEST(SystemdNotify, SigtermSendsStoppingAndExitsCleanly) {
  SKIP_WITHOUT_LIBSYSTEMD();
  NotifySocket ns;
  ChatdProcess chatd(notified(ns));
  ASSERT_TRUE(ns.wait_for("READY=1", within(5s))) << ns.describe();
  ASSERT_TRUE(chatd.send_signal(SIGTERM));
  EXPECT_TRUE(ns.wait_for("STOPPING=1", within(5s))) << ns.describe();
  const auto status = chatd.wait_exit(within(10s));
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe_wait_status(*status);
}

// A client that does not read holds the shutdown drain open: chatd must keep
// pushing systemd's stop timeout out, and finish once the client reads.
TEST(SystemdNotify, LongShutdownDrainExtendsTheStopTimeout) {
  SKIP_WITHOUT_LIBSYSTEMD();
  NotifySocket ns;
  ChatdOptions o = notified(ns);
  o.args = {"--output-limit", "16777216"};
  ChatdProcess chatd(o);
  ASSERT_TRUE(ns.wait_for("READY=1", within(5s))) << ns.describe();
  StuckReader stuck = stuck_reader(chatd.port(), 1000, 4000);
  LineClient& talker = stuck.talker;
  LineClient& sleeper = stuck.sleeper;
  ASSERT_TRUE(chatd.send_signal(SIGTERM));
  // The talker reads its goodbye and hangs up, as nc does; the sleeper does not.
  ASSERT_TRUE(talker.expect_line("*** server shutting down")) << talker.diagnostics();
  ASSERT_TRUE(talker.read_until_closed());
  talker.close();
  const auto extend = ns.wait_for(
      "EXTEND_TIMEOUT_USEC=",
      [](const Notification& n) {
        return has_line_prefix(n, "STATUS=shutting down, 1 client still draining");
      },
      within(4s));
  ASSERT_TRUE(extend) << ns.describe();
  EXPECT_GE(std::stoull(*extend->value("EXTEND_TIMEOUT_USEC")), 2000000u);
  EXPECT_TRUE(has_line_prefix(*extend, "STATUS=shutting down, 1 client still draining"))
      << ns.describe();
  EXPECT_TRUE(sleeper.read_until_closed(within(10s)));
  EXPECT_TRUE(chatd.wait_exit(within(10s)));
}

}  // namespace
}  // namespace chatd::test
