// Socket activation by hand (LISTEN_FDS/LISTEN_PID, fd 3): chatd serves the
// inherited socket and binds nothing; foreign LISTEN_PIDs are ignored with a
// warning; fds that are not listening TCP sockets are refused with a clear error.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <string>
#include <utility>

#include "tests/support/chatd_process.h"
#include "tests/support/http_get.h"
#include "tests/support/irc_client.h"
#include "tests/support/line_client.h"
#include "tests/support/notify_socket.h"
#include "tests/support/websocket_client.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

// An fd the test owns and closes.
struct Fd {
  int fd;
  explicit Fd(int f) : fd(f) {}
  Fd(Fd&& other) noexcept : fd(std::exchange(other.fd, -1)) {}
  Fd(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

// A loopback TCP socket bound to a free port, listening if `listen_too`.
Fd tcp_socket(bool listen_too, std::uint16_t& port) {
  Fd s(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  EXPECT_EQ(bind(s.fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  EXPECT_EQ(getsockname(s.fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  if (listen_too) {
    EXPECT_EQ(listen(s.fd, 16), 0);
  }
  port = ntohs(a.sin_port);
  return s;
}

// Runs chatd with `fd` as its fd 3 and LISTEN_FDS=1 naming it; it must refuse to start.
RunResult refused_with(int fd) {
  ChatdOptions o;
  o.inherit_listen_fd = fd;
  return run_chatd(o, within(10s));
}

TEST(SystemdListenFds, ServesTheInheritedSocketAndBindsNothingItself) {
  SKIP_WITHOUT_LIBSYSTEMD();
  std::uint16_t inherited = 0;
  std::uint16_t held = 0;
  Fd listening = tcp_socket(true, inherited);
  Fd occupied = tcp_socket(false, held);  // binding this configured address would fail
  ChatdOptions o;
  o.inherit_listen_fd = listening.fd;
  o.args = {"--listen", "127.0.0.1:" + std::to_string(held)};
  ChatdProcess chatd(o);
  EXPECT_EQ(chatd.port(), inherited);
  EXPECT_EQ(chatd.ports().size(), 1u) << chatd.log_text();
  EXPECT_TRUE(chatd.wait_for_log("(socket activation)", within(1s))) << chatd.log_text();
  LineClient ann = connect_as(inherited, "ann");
  LineClient bob = connect_as(inherited, "bob");
  ASSERT_TRUE(ann.send_line("over the inherited socket"));
  EXPECT_TRUE(bob.expect_line(equals("<ann> over the inherited socket"))) << bob.diagnostics();
}

TEST(SystemdListenFds, ASocketNamedIrcSpeaksIrc) {
  SKIP_WITHOUT_LIBSYSTEMD();
  std::uint16_t port = 0;
  Fd listening = tcp_socket(true, port);
  ChatdOptions o;
  o.inherit_listen_fd = listening.fd;
  o.env = {"LISTEN_FDNAMES=irc"};
  ChatdProcess chatd(o);
  EXPECT_TRUE(chatd.wait_for_log(
      "listening on irc://127.0.0.1:" + std::to_string(port) + " (socket activation)", within(5s)))
      << chatd.log_text();
  IrcClient c = connect_irc(port, "alice");
  c.join("#lobby");
}

TEST(SystemdListenFds, ASocketNamedWebServesThePageAndItsWebSocket) {
  SKIP_WITHOUT_LIBSYSTEMD();
  std::uint16_t port = 0;
  Fd listening = tcp_socket(true, port);
  ChatdOptions o;
  o.inherit_listen_fd = listening.fd;
  o.env = {"LISTEN_FDNAMES=web"};
  ChatdProcess chatd(o);
  EXPECT_TRUE(chatd.wait_for_log(
      "listening on web://127.0.0.1:" + std::to_string(port) + " (socket activation)", within(5s)))
      << chatd.log_text();
  const std::optional<HttpReply> page = http_get(port, "/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  WebSocketClient browser(port);
  EXPECT_TRUE(browser.expect_line(starts_with("*** welcome to chatd"))) << browser.diagnostics();
}

TEST(SystemdListenFds, ASocketWithAnUnknownNameIsRefusedClearly) {
  SKIP_WITHOUT_LIBSYSTEMD();
  std::uint16_t port = 0;
  Fd listening = tcp_socket(true, port);
  ChatdOptions o;
  o.inherit_listen_fd = listening.fd;
  o.env = {"LISTEN_FDNAMES=gopher"};
  const RunResult r = run_chatd(o, within(10s));
  EXPECT_EQ(r.exit_code(), 1) << r.describe();
  EXPECT_NE(r.err.find("inherited fd 3 is named 'gopher' (FileDescriptorName=)"), std::string::npos)
      << r.describe();
}

TEST(SystemdListenFds, ListenFdsForAnotherProcessAreIgnoredWithAWarning) {
  ChatdOptions o;
  o.env = {"LISTEN_FDS=1", "LISTEN_PID=1"};
  ChatdProcess chatd(o);  // binds its own --listen 127.0.0.1:0
  EXPECT_TRUE(chatd.wait_for_log("ignoring LISTEN_FDS=1: LISTEN_PID=1 does not name this process",
                                 within(1s)))
      << chatd.log_text();
  LineClient c(chatd.port());
  EXPECT_TRUE(c.expect_line("welcome to chatd")) << c.diagnostics();
}

TEST(SystemdListenFds, RefusesAFileOrPipe) {
  SKIP_WITHOUT_LIBSYSTEMD();
  Fd devnull(open("/dev/null", O_RDONLY | O_CLOEXEC));
  RunResult r = refused_with(devnull.fd);
  EXPECT_EQ(r.exit_code(), 1) << r.describe();
  EXPECT_NE(r.err.find("inherited fd 3 is a character device"), std::string::npos) << r.describe();

  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  Fd read_end(p[0]), write_end(p[1]);
  r = refused_with(read_end.fd);
  EXPECT_EQ(r.exit_code(), 1) << r.describe();
  EXPECT_NE(r.err.find("inherited fd 3 is a pipe"), std::string::npos) << r.describe();
}

TEST(SystemdListenFds, RefusesUdpAndUnixSockets) {
  SKIP_WITHOUT_LIBSYSTEMD();
  Fd udp(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  RunResult r = refused_with(udp.fd);
  EXPECT_EQ(r.exit_code(), 1) << r.describe();
  EXPECT_NE(r.err.find("a datagram socket, not TCP"), std::string::npos) << r.describe();

  Fd unix_socket(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un autobind{};
  autobind.sun_family = AF_UNIX;  // an address of just the family: the kernel picks one
  ASSERT_EQ(bind(unix_socket.fd, reinterpret_cast<sockaddr*>(&autobind), sizeof(sa_family_t)), 0);
  ASSERT_EQ(listen(unix_socket.fd, 1), 0);
  r = refused_with(unix_socket.fd);
  EXPECT_EQ(r.exit_code(), 1) << r.describe();
  EXPECT_NE(r.err.find("a unix-domain socket, not TCP"), std::string::npos) << r.describe();
}

// Accept=yes would hand chatd one connected socket per client.
TEST(SystemdListenFds, RefusesAConnectedSocketAsFromAcceptYes) {
  SKIP_WITHOUT_LIBSYSTEMD();
  std::uint16_t port = 0;
  Fd listening = tcp_socket(true, port);
  Fd connected(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  ASSERT_EQ(connect(connected.fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  RunResult r = refused_with(connected.fd);
  EXPECT_EQ(r.exit_code(), 1) << r.describe();
  EXPECT_NE(r.err.find("not listening (chatd.socket must use Accept=no)"), std::string::npos)
      << r.describe();
}

TEST(SystemdListenFds, WithoutLibsystemdSocketActivationIsRefusedClearly) {
  if (kChatdHasLibsystemd) GTEST_SKIP() << "chatd has libsystemd";
  std::uint16_t port = 0;
  Fd listening = tcp_socket(true, port);
  const RunResult r = refused_with(listening.fd);
  EXPECT_EQ(r.exit_code(), 1) << r.describe();
  EXPECT_NE(r.err.find("needs chatd built with libsystemd"), std::string::npos) << r.describe();
}

}  // namespace
}  // namespace chatd::test
