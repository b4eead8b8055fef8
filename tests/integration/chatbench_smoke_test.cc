// Smoke runs of every chatbench mode (accept; broadcast closed loop, as a sweep; broadcast
// open loop) against the real chatd, in its plain protocol, IRC, a mixed room and over
// WebSocket, and against
// chatbench_relay, about two seconds each. They prove the tools work end to end and lose
// nothing; no performance figure is asserted.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/chatd_process.h"
#include "tests/support/cluster.h"
#include "tests/support/irc_client.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_certs.h"
#include "tests/support/tls_chatd.h"

extern char** environ;

namespace chatd::test {
namespace {

std::string chatbench_binary() {
  if (const char* env = std::getenv("CHATBENCH_BINARY"); env != nullptr && *env != '\0') {
    return env;
  }
#ifdef CHATBENCH_BINARY
  return CHATBENCH_BINARY;
#else
  return {};
#endif
}

std::string relay_binary() {
#ifdef CHATBENCH_RELAY_BINARY
  return CHATBENCH_RELAY_BINARY;
#else
  return {};
#endif
}

struct ToolRun {
  std::optional<int> status;  // nullopt: killed at the deadline
  std::string out, err;
  std::string describe() const {
    return (status ? describe_wait_status(*status) : std::string("timed out")) +
           "\n---- stdout ----\n" + out + "\n---- stderr ----\n" + err;
  }
};

// Starts chatbench with `args`, its stdout and stderr on the pipes' write ends. -1 on failure.
pid_t spawn_chatbench(const std::vector<std::string>& args, int out_w, int err_w) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_w, 1);
  posix_spawn_file_actions_adddup2(&actions, err_w, 2);
  std::vector<std::string> storage{chatbench_binary()};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : storage)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int r = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return r == 0 ? pid : -1;
}

// Reads both pipes until both reach EOF or the deadline passes, then closes them.
void collect(int out_r, int err_r, ToolRun& run, Deadline deadline) {
  pollfd fds[2] = {{out_r, POLLIN, 0}, {err_r, POLLIN, 0}};
  std::string* sinks[2] = {&run.out, &run.err};
  char buf[8192];
  while ((fds[0].fd >= 0 || fds[1].fd >= 0) && Clock::now() < deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (poll(fds, 2, static_cast<int>(left.count()) + 1) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;  // poll ignores negative fds
      }
    }
  }
  for (const auto& f : fds) {
    if (f.fd >= 0) close(f.fd);
  }
}

// Runs chatbench with `args`, capturing both streams; SIGKILLed if still running at the deadline.
ToolRun run_chatbench(const std::vector<std::string>& args, Deadline deadline) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
  if (pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
  const pid_t pid = spawn_chatbench(args, out[1], err[1]);
  close(out[1]);
  close(err[1]);
  ToolRun run;
  collect(out[0], err[0], run, deadline);
  if (pid < 0) {
    run.err += "posix_spawn of " + chatbench_binary() + " failed";
    return run;
  }
  int status = 0;
  if (waitpid(pid, &status, WNOHANG) == pid) {
    run.status = status;
  } else if (Clock::now() < deadline && waitpid(pid, &status, 0) == pid) {
    run.status = status;  // both pipes reached EOF: it is exiting
  } else {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  return run;
}

// The number after the first `"key": ` in `json` at or after `from`, or nullopt.
std::optional<double> json_number(const std::string& json, std::string_view key,
                                  std::size_t from = 0) {
  const std::string needle = "\"" + std::string(key) + "\": ";
  const auto at = json.find(needle, from);
  if (at == std::string::npos) return std::nullopt;
  const char* start = json.c_str() + at + needle.size();
  char* end = nullptr;
  const double v = std::strtod(start, &end);
  if (end == start) return std::nullopt;
  return v;
}

std::size_t count_of(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

// Whether every `"key": N` in `json` (per run and per sender) has N == 0; false if none.
bool all_zero(const std::string& json, std::string_view key) {
  const std::string needle = "\"" + std::string(key) + "\": ";
  std::size_t seen = 0;
  for (auto at = json.find(needle); at != std::string::npos; at = json.find(needle, at + 1)) {
    ++seen;
    if (json_number(json, key, at) != 0) return false;
  }
  return seen > 0;
}

class ChatbenchSmoke : public ::testing::Test {
 protected:
  void SetUp() override {
    if (chatbench_binary().empty() || access(chatbench_binary().c_str(), X_OK) != 0) {
      GTEST_SKIP() << "chatbench is not built here (CHATD_BUILD_BENCH=OFF)";
    }
  }
  std::vector<std::string> args(ChatdProcess& chatd, std::vector<std::string> mode) {
    mode.insert(mode.end(),
                {"--target", "127.0.0.1:" + std::to_string(chatd.port()), "--server-pid",
                 std::to_string(chatd.pid()), "--threads", "2", "--json", "--no-progress"});
    return mode;
  }
};

TEST_F(ChatbenchSmoke, AcceptOpensGreetsAndHoldsEveryConnection) {
  ChatdProcess chatd;
  const ToolRun run = run_chatbench(
      args(chatd, {"accept", "--connections", "200", "--window", "32", "--hold", "0.5"}),
      within(std::chrono::seconds(30)));
  ASSERT_TRUE(run.status && WIFEXITED(*run.status) && WEXITSTATUS(*run.status) == 0)
      << run.describe();
  EXPECT_EQ(json_number(run.out, "greeted"), 200) << run.out;
  EXPECT_GT(json_number(run.out, "greetings_per_s").value_or(0), 0) << run.out;
  EXPECT_NE(run.out.find("\"failures\": {}"), std::string::npos) << run.out;
  EXPECT_TRUE(json_number(run.out, "server_rss_per_connection_bytes")) << run.out;
}

TEST_F(ChatbenchSmoke, ClosedLoopSweepDeliversEverythingInOrder) {
  ChatdProcess chatd({"--announce-limit", "5"});
  const ToolRun run = run_chatbench(args(chatd, {"broadcast", "--sweep", "10,40", "--senders", "3",
                                                 "--duration", "0.7", "--warmup", "0.3"}),
                                    within(std::chrono::seconds(30)));
  ASSERT_TRUE(run.status && WIFEXITED(*run.status) && WEXITSTATUS(*run.status) == 0)
      << run.describe();
  EXPECT_EQ(count_of(run.out, "\"loop\": \"closed\""), 2u) << run.out;
  EXPECT_TRUE(all_zero(run.out, "lost")) << run.out;
  EXPECT_TRUE(all_zero(run.out, "reordered")) << run.out;
  EXPECT_EQ(count_of(run.out, "\"sent\": "), 2u + 2u * 3u) << run.out;  // per run, per sender
  EXPECT_EQ(count_of(run.out, "\"drained\": true"), 2u) << run.out;
  EXPECT_GT(json_number(run.out, "deliveries_per_s").value_or(0), 0) << run.out;
  const auto second = run.out.find("\"receivers\": 40");
  ASSERT_NE(second, std::string::npos) << run.out;
  EXPECT_GT(json_number(run.out, "delivered_measured", second).value_or(0), 0) << run.out;
}

TEST_F(ChatbenchSmoke, OpenLoopKeepsItsRateAndReportsBothLatencies) {
  ChatdProcess chatd;
  const ToolRun run =
      run_chatbench(args(chatd, {"broadcast", "--receivers", "20", "--senders", "2", "--rate",
                                 "400", "--duration", "1.5", "--warmup", "0.5"}),
                    within(std::chrono::seconds(30)));
  ASSERT_TRUE(run.status && WIFEXITED(*run.status) && WEXITSTATUS(*run.status) == 0)
      << run.describe();
  EXPECT_NE(run.out.find("\"loop\": \"open\""), std::string::npos) << run.out;
  EXPECT_TRUE(all_zero(run.out, "lost")) << run.out;
  EXPECT_TRUE(all_zero(run.out, "reordered")) << run.out;
  // 400 messages/s for 1.5 s, within the schedule's rounding at the interval's edges.
  EXPECT_NEAR(json_number(run.out, "sent_measured").value_or(0), 600, 4) << run.out;
  const auto uncorrected = run.out.find("\"latency_uncorrected_ns\"");
  ASSERT_NE(uncorrected, std::string::npos) << run.out;
  EXPECT_GT(json_number(run.out, "count", uncorrected).value_or(0), 0) << run.out;
}

// Two nodes of one chat: receivers and senders alternate between them, every
// sender's lines reach every receiver on both in order, and latency is told
// apart by whether the two share a node.
TEST_F(ChatbenchSmoke, SeveralTargetsSpreadOneRoomOverTheNodesOfACluster) {
  Cluster cluster(2, {"--announce-limit", "5"});
  const ToolRun run = run_chatbench(
      {"broadcast", "--target", "127.0.0.1:" + std::to_string(cluster.node(0).plain_port()),
       "--target", "127.0.0.1:" + std::to_string(cluster.node(1).plain_port()), "--receivers", "20",
       "--senders", "2", "--rate", "200", "--duration", "1.5", "--warmup", "0.5", "--threads", "2",
       "--json", "--no-progress"},
      within(std::chrono::seconds(30)));
  ASSERT_TRUE(run.status && WIFEXITED(*run.status) && WEXITSTATUS(*run.status) == 0)
      << run.describe();
  EXPECT_NE(run.out.find("\"targets\": ["), std::string::npos) << run.out;
  EXPECT_TRUE(all_zero(run.out, "lost")) << run.out;
  EXPECT_TRUE(all_zero(run.out, "reordered")) << run.out;
  EXPECT_EQ(count_of(run.out, "\"drained\": true"), 1u) << run.out;
  for (const char* which : {"\"latency_same_node_ns\"", "\"latency_cross_node_ns\""}) {
    const auto at = run.out.find(which);
    ASSERT_NE(at, std::string::npos) << which << " missing: " << run.out;
    EXPECT_GT(json_number(run.out, "count", at).value_or(0), 0) << which << ": " << run.out;
  }
}

TEST_F(ChatbenchSmoke, IrcAcceptRegistersEveryConnection) {
  MixedChatd chatd;
  const ToolRun run = run_chatbench(
      {"accept", "--proto", "irc", "--target", "127.0.0.1:" + std::to_string(chatd.irc_port()),
       "--connections", "200", "--window", "32", "--hold", "0.5", "--threads", "2", "--json",
       "--no-progress", "--server-pid", std::to_string(chatd.process().pid())},
      within(std::chrono::seconds(30)));
  ASSERT_TRUE(run.status && WIFEXITED(*run.status) && WEXITSTATUS(*run.status) == 0)
      << run.describe();
  EXPECT_EQ(json_number(run.out, "greeted"), 200) << run.out;
  EXPECT_NE(run.out.find("\"failures\": {}"), std::string::npos) << run.out;
}

TEST_F(ChatbenchSmoke, IrcAndMixedRoomsDeliverEverythingInOrder) {
  MixedChatd chatd({"--announce-limit", "5"});
  for (const char* proto : {"irc", "mix"}) {
    const std::string port =
        std::to_string(std::string(proto) == "irc" ? chatd.irc_port() : chatd.plain_port());
    const ToolRun run = run_chatbench({"broadcast",
                                       "--proto",
                                       proto,
                                       "--target",
                                       "127.0.0.1:" + port,
                                       "--irc-target",
                                       "127.0.0.1:" + std::to_string(chatd.irc_port()),
                                       "--room",
                                       proto,
                                       "--receivers",
                                       "30",
                                       "--senders",
                                       "3",
                                       "--duration",
                                       "0.7",
                                       "--warmup",
                                       "0.3",
                                       "--threads",
                                       "2",
                                       "--json",
                                       "--no-progress"},
                                      within(std::chrono::seconds(30)));
    ASSERT_TRUE(run.status && WIFEXITED(*run.status) && WEXITSTATUS(*run.status) == 0)
        << proto << ": " << run.describe();
    EXPECT_TRUE(all_zero(run.out, "lost")) << proto << ": " << run.out;
    EXPECT_TRUE(all_zero(run.out, "reordered")) << proto << ": " << run.out;
    EXPECT_EQ(count_of(run.out, "\"drained\": true"), 1u) << proto << ": " << run.out;
    EXPECT_GT(json_number(run.out, "delivered_measured").value_or(0), 0)
        << proto << ": " << run.out;
  }
}

// --proto ws: every connection upgrades on a web listener, and is greeted and
// fed lines in text frames.
TEST_F(ChatbenchSmoke, OverWebSocketAcceptAndBroadcastDeliverEverything) {
  ChatdOptions o;
  o.default_listen = false;
  o.args = {"--listen", "web://127.0.0.1:0", "--announce-limit", "5"};
  ChatdProcess chatd(o);
  const std::string target = "127.0.0.1:" + std::to_string(chatd.port_of("web"));
  const ToolRun accept =
      run_chatbench({"accept", "--proto", "ws", "--target", target, "--connections", "200",
                     "--window", "32", "--hold", "0.5", "--threads", "2", "--json", "--no-progress",
                     "--server-pid", std::to_string(chatd.pid())},
                    within(std::chrono::seconds(30)));
  ASSERT_TRUE(accept.status && WIFEXITED(*accept.status) && WEXITSTATUS(*accept.status) == 0)
      << accept.describe();
  EXPECT_EQ(json_number(accept.out, "greeted"), 200) << accept.out;
  EXPECT_NE(accept.out.find("\"failures\": {}"), std::string::npos) << accept.out;

  const ToolRun broadcast = run_chatbench(
      {"broadcast", "--proto", "ws", "--target", target, "--receivers", "30", "--senders", "3",
       "--duration", "0.7", "--warmup", "0.3", "--threads", "2", "--json", "--no-progress"},
      within(std::chrono::seconds(30)));
  ASSERT_TRUE(broadcast.status && WIFEXITED(*broadcast.status) &&
              WEXITSTATUS(*broadcast.status) == 0)
      << broadcast.describe();
  EXPECT_TRUE(all_zero(broadcast.out, "lost")) << broadcast.out;
  EXPECT_TRUE(all_zero(broadcast.out, "reordered")) << broadcast.out;
  EXPECT_EQ(count_of(broadcast.out, "\"drained\": true"), 1u) << broadcast.out;
  EXPECT_GT(json_number(broadcast.out, "delivered_measured").value_or(0), 0) << broadcast.out;
}

// --proto ws --tls: the upgrade follows the TLS handshake, on a web+tls listener.
TEST_F(ChatbenchSmoke, OverWebSocketWithTlsEveryConnectionUpgradesAndIsGreeted) {
  TestCerts certs;
  ChatdOptions o;
  o.default_listen = false;
  o.args = tls_flags(certs.server());
  o.args.insert(o.args.end(), {"--listen", "web+tls://127.0.0.1:0"});
  ChatdProcess chatd(o);
  const ToolRun run = run_chatbench(
      {"accept", "--proto", "ws", "--tls", "--ca", certs.ca_cert(), "--target",
       "127.0.0.1:" + std::to_string(chatd.port_of("web+tls")), "--connections", "50", "--window",
       "16", "--hold", "0.3", "--threads", "2", "--json", "--no-progress"},
      within(std::chrono::seconds(30)));
  ASSERT_TRUE(run.status && WIFEXITED(*run.status) && WEXITSTATUS(*run.status) == 0)
      << run.describe();
  EXPECT_EQ(json_number(run.out, "greeted"), 50) << run.out;
  EXPECT_NE(run.out.find("\"failures\": {}"), std::string::npos) << run.out;
}

// --tls: accept counts a connection greeted once its handshake and the greeting are done,
// and a broadcast over plain+tls and irc+tls loses and reorders nothing.
TEST_F(ChatbenchSmoke, OverTlsAcceptAndBroadcastDeliverEverything) {
  TestCerts certs;
  TlsChatd chatd(certs.server(), {"--announce-limit", "5"});
  const ToolRun accept = run_chatbench(
      {"accept", "--tls", "--ca", certs.ca_cert(), "--target",
       "127.0.0.1:" + std::to_string(chatd.tls_port()), "--connections", "100", "--window", "32",
       "--hold", "0.3", "--threads", "2", "--json", "--no-progress"},
      within(std::chrono::seconds(30)));
  ASSERT_TRUE(accept.status && WIFEXITED(*accept.status) && WEXITSTATUS(*accept.status) == 0)
      << accept.describe();
  EXPECT_EQ(json_number(accept.out, "greeted"), 100) << accept.out;
  EXPECT_NE(accept.out.find("\"tls\": true"), std::string::npos) << accept.out;
  for (const auto& [proto, port] :
       {std::pair<std::string, std::uint16_t>{"chatd", chatd.tls_port()},
        {"irc", chatd.irc_tls_port()}}) {
    const ToolRun run = run_chatbench({"broadcast",   "--tls",
                                       "--ca",        certs.ca_cert(),
                                       "--proto",     proto,
                                       "--target",    "127.0.0.1:" + std::to_string(port),
                                       "--room",      proto == "irc" ? "irc" : "tls",
                                       "--receivers", "30",
                                       "--senders",   "3",
                                       "--duration",  "0.7",
                                       "--warmup",    "0.3",
                                       "--threads",   "2",
                                       "--json",      "--no-progress"},
                                      within(std::chrono::seconds(30)));
    ASSERT_TRUE(run.status && WIFEXITED(*run.status) && WEXITSTATUS(*run.status) == 0)
        << proto << ": " << run.describe();
    EXPECT_TRUE(all_zero(run.out, "lost")) << proto << ": " << run.out;
    EXPECT_TRUE(all_zero(run.out, "reordered")) << proto << ": " << run.out;
    EXPECT_GT(json_number(run.out, "delivered_measured").value_or(0), 0)
        << proto << ": " << run.out;
  }
}

TEST_F(ChatbenchSmoke, TheRelayRelaysEveryLineToEveryone) {
  Subprocess relay({{relay_binary(), "--listen", "127.0.0.1:0"}, {}, false});
  ASSERT_TRUE(relay.wait_for_output("listening on ", within(std::chrono::seconds(10))))
      << relay.output();
  const auto port = parse_listening_port(relay.lines().front());
  ASSERT_TRUE(port) << relay.output();
  const ToolRun run = run_chatbench(
      {"broadcast", "--proto", "relay", "--target", "127.0.0.1:" + std::to_string(*port),
       "--receivers", "30", "--senders", "3", "--duration", "0.7", "--warmup", "0.3", "--threads",
       "2", "--json", "--no-progress", "--server-pid", std::to_string(relay.pid())},
      within(std::chrono::seconds(30)));
  ASSERT_TRUE(run.status && WIFEXITED(*run.status) && WEXITSTATUS(*run.status) == 0)
      << run.describe();
  EXPECT_TRUE(all_zero(run.out, "lost")) << run.out;
  EXPECT_TRUE(all_zero(run.out, "reordered")) << run.out;
  EXPECT_GT(json_number(run.out, "delivered_measured").value_or(0), 0) << run.out;
  relay.send_signal(SIGTERM);
  EXPECT_TRUE(relay.wait_exit(within(std::chrono::seconds(10)))) << relay.output();
}

TEST_F(ChatbenchSmoke, RefusesAServerThatIsNotThere) {
  ChatdProcess chatd;
  const std::string port = std::to_string(chatd.port());
  chatd.send_signal(SIGKILL);
  chatd.wait_exit(within(std::chrono::seconds(5)));
  const ToolRun run = run_chatbench({"broadcast", "--target", "127.0.0.1:" + port, "--receivers",
                                     "3", "--duration", "0.2", "--no-progress"},
                                    within(std::chrono::seconds(30)));
  ASSERT_TRUE(run.status && WIFEXITED(*run.status)) << run.describe();
  EXPECT_EQ(WEXITSTATUS(*run.status), 1) << run.describe();
  EXPECT_NE(run.err.find("ECONNREFUSED"), std::string::npos) << run.describe();
}

}  // namespace
}  // namespace chatd::test
