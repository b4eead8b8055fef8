// The real systemd-socket-activate starts chatd on the first connection with two
// inherited sockets (IPv4 and IPv6); a chat session then runs over them.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "tests/support/chatd_process.h"
#include "tests/support/free_port.h"
#include "tests/support/line_client.h"
#include "tests/support/notify_socket.h"
#include "tests/support/subprocess.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

// The first line chatd sends on a connection to [::1]:port (LineClient speaks IPv4 only).
std::string ipv6_greeting(std::uint16_t port) {
  const int s = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  a.sin6_port = htons(port);
  std::string got;
  if (connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    pollfd p{s, POLLIN, 0};
    char buf[512];
    while (got.find('\n') == std::string::npos && poll(&p, 1, 5000) == 1) {
      const ssize_t n = read(s, buf, sizeof buf);
      if (n <= 0) break;
      got.append(buf, static_cast<std::size_t>(n));
    }
  }
  close(s);
  return got.substr(0, got.find('\r'));
}

std::vector<std::string> activate_argv(std::uint16_t port, const NotifySocket& ns) {
  const std::string p = std::to_string(port);
  std::vector<std::string> argv = {
      "systemd-socket-activate", "-l", "127.0.0.1:" + p, "-l", "[::1]:" + p, "-E", ns.env()};
  // The tool passes on only the variables it is told to.
  for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
    if (const char* v = std::getenv(name))
      argv.insert(argv.end(), {"-E", name + ("=" + std::string(v))});
  }
  argv.push_back(chatd_binary());
  return argv;
}

TEST(SystemdSocketActivate, StartsChatdOnFirstConnectionAndChatsOverInheritedSockets) {
  SKIP_WITHOUT_LIBSYSTEMD();
  if (!have_program("systemd-socket-activate")) GTEST_SKIP() << "systemd-socket-activate missing";
  NotifySocket ns;
  std::uint16_t port = 0;
  std::unique_ptr<Subprocess> tool;
  for (int attempt = 0; attempt < 5 && !tool; ++attempt) {
    port = free_port();
    tool = std::make_unique<Subprocess>(SubprocessOptions{activate_argv(port, ns), {}, false});
    if (!tool->wait_for_output("Listening on [::1]:" + std::to_string(port), within(5s))) {
      tool.reset();  // lost the port to someone else: try another
    }
  }
  ASSERT_TRUE(tool) << "systemd-socket-activate never listened";
  EXPECT_FALSE(tool->wait_for_output("chatd", within(200ms))) << "chatd ran before any client";

  LineClient ann = connect_as(port, "ann", within(10s));  // waits in the backlog meanwhile
  EXPECT_TRUE(tool->wait_for_output(
      "listening on plain://127.0.0.1:" + std::to_string(port) + " (socket activation)",
      within(5s)))
      << tool->output();
  EXPECT_TRUE(
      tool->wait_for_output("listening on plain://[::1]:" + std::to_string(port), within(5s)));
  const auto ready = ns.wait_for("READY=1", within(5s));
  ASSERT_TRUE(ready) << ns.describe();
  EXPECT_EQ(ready->sender, tool->pid()) << "the tool execs chatd in its own process";

  EXPECT_NE(ipv6_greeting(port).find("welcome to chatd"), std::string::npos);
  LineClient bob = connect_as(port, "bob");
  ASSERT_TRUE(ann.send_line("hello over socket activation"));
  EXPECT_TRUE(bob.expect_line(equals("<ann> hello over socket activation"))) << bob.diagnostics();

  ASSERT_TRUE(tool->send_signal(SIGTERM));
  const auto status = tool->wait_exit(within(10s));
  ASSERT_TRUE(status) << tool->output();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << tool->output();
}

}  // namespace
}  // namespace chatd::test
