// Integration tests of admission limits: --max-per-ip (IPv6 per /64), the per-address and the
// overall connect rate. Each refusal is one line, then EOF, and one `refused ...` log entry.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "tests/support/chatd_process.h"
#include "tests/support/line_client.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

constexpr char kTooMany[] = "! too many connections from your address, try again later";
constexpr char kTooFast[] =
    "! too many new connections from your address, try again in a few seconds";
constexpr char kBusy[] = "! server busy, try again in a few seconds";

// The local port of a client's socket: the PORT in chatd's `refused 127.0.0.1:PORT` log.
int local_port(const LineClient& c) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getsockname(c.fd(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) return -1;
  return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

// Connects and reads the first line; nullopt (and a test failure) if there is none.
std::optional<std::string> first_line(LineClient& c) {
  auto line = c.read_line();
  if (!line) ADD_FAILURE() << "no first line: " << c.diagnostics();
  return line;
}

// Asserts that `c` got exactly the refusal `why` and was then closed, and that chatd logged it.
void expect_refused(ChatdProcess& chatd, LineClient& c, const std::string& why,
                    const std::string& log_reason) {
  auto line = first_line(c);
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, why);
  EXPECT_TRUE(c.read_until_closed()) << c.diagnostics();
  EXPECT_TRUE(c.skipped().empty()) << "more after the refusal: " << c.skipped().front();
  const std::string logged = "refused 127.0.0.1:" + std::to_string(local_port(c)) + ": ";
  EXPECT_TRUE(chatd.wait_for_log(logged + log_reason, default_deadline()))
      << "no log entry `" << logged << log_reason << "`";
}

void expect_admitted(LineClient& c) {
  auto line = first_line(c);
  ASSERT_TRUE(line);
  EXPECT_TRUE(greeting_nick(*line)) << "not a greeting: " << *line;
}

TEST(AbuseMaxPerIp, ThirdConnectionFromOneAddressIsRefusedWithOneLineThenEof) {
  ChatdProcess chatd({"--max-per-ip", "2"});
  LineClient first = connect_as(chatd.port(), "first");
  LineClient second = connect_as(chatd.port(), "second");
  LineClient third(chatd.port());
  expect_refused(chatd, third, kTooMany, "per-address limit");
}

TEST(AbuseMaxPerIp, ClosingOneConnectionLetsTheNextOneIn) {
  ChatdProcess chatd({"--max-per-ip", "2"});
  LineClient first = connect_as(chatd.port(), "first");
  LineClient second = connect_as(chatd.port(), "second");
  LineClient refused(chatd.port());
  expect_refused(chatd, refused, kTooMany, "per-address limit");
  first.close();
  ASSERT_TRUE(second.expect_line(equals("*** first quit (connection closed)")))
      << second.diagnostics();
  LineClient next(chatd.port());
  expect_admitted(next);
}

bool ipv6_loopback_available() {
  const int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in6 addr{};
  addr.sin6_family = AF_INET6;
  addr.sin6_addr = in6addr_loopback;
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// A minimal IPv6 client (LineClient speaks IPv4 only), connected to [::1]:port.
struct Ipv6Client {
  int fd = -1;
  explicit Ipv6Client(std::uint16_t port) {
    fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in6 addr{};
    addr.sin6_family = AF_INET6;
    addr.sin6_addr = in6addr_loopback;
    addr.sin6_port = htons(port);
    if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      close(fd);
      fd = -1;
    }
  }
  ~Ipv6Client() {
    if (fd >= 0) close(fd);
  }
  // Bytes received until the deadline or (if `until_eof`) EOF, whichever comes first.
  std::string receive(Deadline deadline, bool until_eof, bool* eof) {
    std::string got;
    *eof = false;
    while (!*eof && (until_eof || got.find('\n') == std::string::npos)) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, poll_timeout_ms(deadline)) <= 0) break;
      char buf[4096];
      const ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) *eof = true;
      if (n > 0) got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
  }
};

TEST(AbuseMaxPerIp, Ipv6ConnectionsFromOneSlash64CountTogether) {
  if (!ipv6_loopback_available()) GTEST_SKIP() << "no IPv6 loopback here";
  ChatdProcess chatd({"--listen", "[::1]:0", "--max-per-ip", "1"});
  Ipv6Client first(chatd.port());
  ASSERT_GE(first.fd, 0);
  bool eof = false;
  const std::string greeting = first.receive(default_deadline(), false, &eof);
  ASSERT_TRUE(greeting.starts_with("*** welcome to chatd")) << greeting;
  Ipv6Client second(chatd.port());
  ASSERT_GE(second.fd, 0);
  const std::string refusal = second.receive(default_deadline(), true, &eof);
  EXPECT_EQ(refusal, std::string(kTooMany) + "\r\n");
  EXPECT_TRUE(eof) << "still open after the refusal";
  EXPECT_TRUE(chatd.wait_for_log("refused [::1]:", default_deadline()));
}

TEST(AbuseConnectRate, ConnectionBeyondTheBurstFromOneAddressIsRefused) {
  ChatdProcess chatd({"--connect-rate", "1", "--connect-burst", "3"});
  LineClient a(chatd.port()), b(chatd.port()), c(chatd.port());
  for (LineClient* admitted : {&a, &b, &c})
    expect_admitted(*admitted);
  LineClient fourth(chatd.port());
  expect_refused(chatd, fourth, kTooFast, "connect rate per address");
}

// Re-checks `ok` every 100 ms until it holds or the deadline passes.
template <class Check>
bool eventually(Check ok, Deadline deadline) {
  for (;;) {
    if (ok()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::min<Clock::duration>(100ms, deadline - Clock::now()));
  }
}

TEST(AbuseConnectRate, AddressIsAdmittedAgainOnceItsBucketRefills) {
  ChatdProcess chatd({"--connect-rate", "1", "--connect-burst", "3"});
  const auto start = Clock::now();
  LineClient a(chatd.port()), b(chatd.port()), c(chatd.port());
  for (LineClient* admitted : {&a, &b, &c})
    expect_admitted(*admitted);
  LineClient fourth(chatd.port());
  expect_refused(chatd, fourth, kTooFast, "connect rate per address");
  std::optional<LineClient> again;
  const bool admitted = eventually(
      [&] {
        LineClient attempt(chatd.port());
        auto line = attempt.read_line();
        if (!line || !greeting_nick(*line)) return false;
        again = std::move(attempt);
        return true;
      },
      within(5s));
  ASSERT_TRUE(admitted) << "still refused 5 s later";
  // One token at 1/s: not before most of a second has passed since the burst.
  EXPECT_GE(Clock::now() - start, 700ms) << "admitted again without waiting for a refill";
}

TEST(AbuseConnectRate, ConnectionBeyondTheOverallBurstIsToldTheServerIsBusy) {
  ChatdProcess chatd({"--total-connect-rate", "1", "--total-connect-burst", "2"});
  LineClient a(chatd.port()), b(chatd.port());
  expect_admitted(a);
  expect_admitted(b);
  LineClient third(chatd.port());
  expect_refused(chatd, third, kBusy, "total connect rate");
}

}  // namespace
}  // namespace chatd::test
