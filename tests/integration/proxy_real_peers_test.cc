// chatd behind a real HAProxy (Debian's haproxy 2.6) on loopback: the address IRC users see
// is the client's, not the proxy's, with send-proxy-v2; and with HAProxy terminating TLS and
// sending send-proxy-v2-ssl, WHOIS says the user is on a secure connection.
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <string>

#include "tests/support/free_port.h"
#include "tests/support/irc_client.h"
#include "tests/support/line_client.h"
#include "tests/support/proxy_chatd.h"
#include "tests/support/real_clients.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_certs.h"
#include "tests/support/tls_client.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

// HAProxy in the foreground (-db) with one TCP frontend on `port` and `backend_line` as its
// only server; stopped (SIGKILL, by pid) with the object.
class Haproxy {
 public:
  Haproxy(const TempDir& dir, std::uint16_t port, const std::string& bind_options,
          const std::string& server_line)
      : config_(dir.write("haproxy.cfg",
                          "defaults\n"
                          "  mode tcp\n"
                          "  timeout connect 5s\n"
                          "  timeout client 60s\n"
                          "  timeout server 60s\n"
                          "frontend chat\n"
                          "  bind 127.0.0.1:" +
                              std::to_string(port) + bind_options +
                              "\n"
                              "  default_backend chatd\n"
                              "backend chatd\n"
                              "  " +
                              server_line + "\n")),
        process_(options(config_)) {}
  std::string output() const { return process_.output(); }

 private:
  static SubprocessOptions options(const std::string& config) {
    SubprocessOptions o;
    o.argv = {"haproxy", "-db", "-f", config};
    return o;
  }

  std::string config_;
  Subprocess process_;
};

// Connects through the proxy until it answers with a line, or the deadline: HAProxy binds
// its port a moment after it starts.
template <class Connect>
auto first_connection(Connect connect, Deadline deadline) -> std::optional<decltype(connect())> {
  while (Clock::now() < deadline) {
    try {
      return connect();
    } catch (const std::runtime_error&) {
      std::this_thread::sleep_for(50ms);
    }
  }
  return std::nullopt;
}

// The 311 (WHOIS user) line `asker` gets for `nick`.
std::string whois_user(IrcClient& asker, const std::string& nick) {
  EXPECT_TRUE(asker.send("WHOIS " + nick));
  auto line = asker.lines().expect_line(irc_command("311"));
  return line.value_or("");
}

TEST(ProxyRealPeers, BehindHaproxySendProxyV2UsersHaveTheirOwnAddress) {
  REQUIRE_PROGRAM("haproxy");
  ProxyChatd chatd;
  TempDir dir;
  const std::uint16_t port = free_port();
  Haproxy haproxy(
      dir, port, "",
      "server chatd 127.0.0.1:" + std::to_string(chatd.proxy_port()) + " send-proxy-v2");
  ClientOptions from_two;
  from_two.source = "127.0.0.2";
  auto bob = first_connection([&] { return LineClient(port, from_two); }, within(10s));
  ASSERT_TRUE(bob) << "HAProxy did not come up:\n" << haproxy.output();
  ASSERT_TRUE(bob->expect_line(starts_with("*** welcome to chatd"))) << bob->diagnostics();
  ASSERT_TRUE(bob->send_line("/nick bob"));
  ASSERT_TRUE(bob->expect_line(contains("is now known as bob"))) << bob->diagnostics();

  IrcClient alice(chatd.irc_port());
  alice.register_as("alice");
  const std::string seen = whois_user(alice, "bob");
  EXPECT_NE(seen.find(" 127.0.0.2 "), std::string::npos) << seen;
  EXPECT_EQ(seen.find(" 127.0.0.1 "), std::string::npos) << "the proxy's address: " << seen;
}

TEST(ProxyRealPeers, HaproxyTerminatingTlsMarksTheUserSecureThroughTheSslTlv) {
  REQUIRE_PROGRAM("haproxy");
  ProxyChatd chatd;
  TestCerts certs;
  TempDir dir;
  // HAProxy wants the certificate and its key in one file.
  std::ifstream cert(certs.server().cert), key(certs.server().key);
  const std::string pem = std::string(std::istreambuf_iterator<char>(cert), {}) +
                          std::string(std::istreambuf_iterator<char>(key), {});
  const std::string combined = dir.write("chatd.pem", pem);
  const std::uint16_t port = free_port();
  Haproxy haproxy(
      dir, port, " ssl crt " + combined,
      "server chatd 127.0.0.1:" + std::to_string(chatd.irc_proxy_port()) + " send-proxy-v2-ssl");
  auto carol =
      first_connection([&] { return TlsLineClient(port, trusting(certs.ca_cert())); }, within(10s));
  ASSERT_TRUE(carol) << "HAProxy did not come up:\n" << haproxy.output();
  ASSERT_TRUE(carol->send_raw("NICK carol\r\nUSER carol 0 * :Carol\r\n"));
  ASSERT_TRUE(carol->expect_line(irc_command("001"))) << carol->diagnostics();

  IrcClient alice(chatd.irc_port());
  alice.register_as("alice");
  for (const char* nick : {"carol", "alice"}) {
    ASSERT_TRUE(alice.send(std::string("WHOIS ") + nick));
    auto line = alice.lines().expect_line(satisfies(
        [](std::string_view l) { return l.find(" 671 ") != l.npos || l.find(" 318 ") != l.npos; },
        "671 or 318"));
    ASSERT_TRUE(line) << alice.lines().diagnostics();
    EXPECT_EQ(line->find(" 671 ") != std::string::npos, std::string(nick) == "carol") << *line;
    if (line->find(" 671 ") != std::string::npos) {
      ASSERT_TRUE(alice.lines().expect_line(irc_command("318")));
    }
  }
}

}  // namespace
}  // namespace chatd::test
