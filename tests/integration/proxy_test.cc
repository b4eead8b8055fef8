// Integration tests of +proxy listeners (plain+proxy://, irc+proxy://, irc+tls+proxy://)
// against the real chatd: --proxy-from and its TOML key, a PROXY header (v1 or v2) naming the
// client everywhere (IRC hosts, per-address limits, refusal logs), and headers that are
// missing, malformed, too long, late or from an untrusted source closing only that connection.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cctype>
#include <chrono>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/chatd_process.h"
#include "tests/support/irc_client.h"
#include "tests/support/line_client.h"
#include "tests/support/proxy_chatd.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_certs.h"
#include "tests/support/tls_chatd.h"
#include "tests/support/tls_client.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;

constexpr char kGreeting[] = "*** welcome to chatd, you are ";
constexpr char kTooMany[] = "! too many connections from your address, try again later";
const std::string kHeader = "PROXY TCP4 203.0.113.7 127.0.0.1 55555 6667\r\n";

// Connects to a +proxy port, sends `header`, and take_nick()s to `nick`.
LineClient proxied_as(std::uint16_t port, const std::string& header, std::string_view nick) {
  LineClient c(port);
  if (!c.send_raw(header)) throw std::runtime_error("send PROXY header: " + c.diagnostics());
  take_nick(c, nick, default_deadline());
  return c;
}

// Connects to an irc+proxy port, sends `header`, and registers as `nick`.
IrcClient proxied_irc(std::uint16_t port, const std::string& header, std::string_view nick) {
  IrcClient c(port);
  if (!c.lines().send_raw(header)) throw std::runtime_error("send header: " + c.diagnostics());
  c.register_as(nick);
  return c;
}

// The host WHOIS shows for `nick`, asked by `asker`; "" (and a test failure) if none.
std::string whois_host(IrcClient& asker, const std::string& nick) {
  if (!asker.send("WHOIS " + nick)) {
    ADD_FAILURE() << "send WHOIS: " << asker.diagnostics();
    return "";
  }
  auto user = asker.expect(irc_command_param("311", 1, nick));
  if (!user) {
    ADD_FAILURE() << "no 311 for " << nick << ": " << asker.diagnostics();
    return "";
  }
  EXPECT_TRUE(asker.expect(irc_command_param("318", 1, nick))) << asker.diagnostics();
  return parse_irc_line(*user).param(3);
}

// ---- --proxy-from, proxy_from and --check-config ----------------------------------------------

// The ranges of the `proxy_from = [...]` line --check-config prints with `args` (TOML: each
// in single or double quotes), or {"no proxy_from line"} if there is none.
std::vector<std::string> shown_proxy_from(std::vector<std::string> args) {
  args.insert(args.begin(), "--check-config");
  const RunResult r = run_chatd(args);
  EXPECT_EQ(r.exit_code(), 0) << r.describe();
  std::istringstream out(r.out + "\n" + r.err);
  for (std::string line; std::getline(out, line);) {
    if (!line.starts_with("proxy_from = [")) continue;
    std::vector<std::string> ranges;
    const std::regex quoted(R"(["']([^"']*)["'])");
    for (auto m = std::sregex_iterator(line.begin(), line.end(), quoted);
         m != std::sregex_iterator(); ++m)
      ranges.push_back((*m)[1]);
    return ranges;
  }
  ADD_FAILURE() << r.describe();
  return {"no proxy_from line"};
}

using Ranges = std::vector<std::string>;

TEST(ProxyConfig, CheckConfigShowsTheLoopbackRangesByDefault) {
  EXPECT_EQ(shown_proxy_from({}), (Ranges{"127.0.0.0/8", "::1/128"}));
}

TEST(ProxyConfig, ProxyFromIsRepeatableAndReplacesTheDefault) {
  EXPECT_EQ(shown_proxy_from({"--proxy-from", "10.0.0.0/8", "--proxy-from", "2001:db8::/32"}),
            (Ranges{"10.0.0.0/8", "2001:db8::/32"}));
  EXPECT_EQ(shown_proxy_from({"--proxy-from", "192.0.2.1"}), (Ranges{"192.0.2.1/32"}));
}

TEST(ProxyConfig, TheTomlKeyIsReadAndShown) {
  TempDir dir("proxy-toml");
  const std::string file = dir.write("chatd.toml", "proxy_from = [\"10.0.0.0/8\"]\n");
  EXPECT_EQ(shown_proxy_from({"--config", file}), (Ranges{"10.0.0.0/8"}));
}

TEST(ProxyConfig, ABadRangeIsAStartupErrorNamingIt) {
  for (const char* bad : {"10.0.0.0/33", "::/129", "host.example", "10.0.0.0/"}) {
    const RunResult r = run_chatd({"--listen", "plain+proxy://127.0.0.1:0", "--proxy-from", bad});
    ASSERT_TRUE(r.exited()) << bad << ": " << r.describe();
    EXPECT_NE(r.exit_code(), 0) << bad << ": " << r.describe();
    EXPECT_NE(r.err.find(bad), std::string::npos) << "stderr should name " << bad << "\n"
                                                  << r.describe();
  }
}

// ---- the header's source is the client's address ----------------------------------------------

TEST(ProxyPlain, AV1HeaderMakesItsSourceTheHostIrcSees) {
  ProxyChatd chatd;
  LineClient carol = proxied_as(chatd.proxy_port(), kHeader, "carol");
  IrcClient watcher = connect_irc(chatd.irc_port(), "watcher");
  EXPECT_EQ(whois_host(watcher, "carol"), "203.0.113.7");
  EXPECT_EQ(whois_host(watcher, "watcher"), "127.0.0.1") << "the control: no header";
}

TEST(ProxyPlain, TheV2ExampleFromTheNotesNamesItsSource) {
  ProxyChatd chatd;
  LineClient carol = proxied_as(chatd.proxy_port(), proxy_v2_example(), "carol");
  IrcClient watcher = connect_irc(chatd.irc_port(), "watcher");
  EXPECT_EQ(whois_host(watcher, "carol"), "203.0.113.7");
}

TEST(ProxyPlain, ATcp6HeaderNamesAnIpv6Host) {
  ProxyChatd chatd;
  LineClient carol = proxied_as(chatd.proxy_port(), proxy_v1("2001:db8::1", 4242), "carol");
  IrcClient watcher = connect_irc(chatd.irc_port(), "watcher");
  EXPECT_EQ(whois_host(watcher, "carol"), "2001:db8::1");
}

TEST(ProxyPlain, UnknownAndLocalKeepTheSocketAddress) {
  ProxyChatd chatd;
  LineClient unknown = proxied_as(chatd.proxy_port(), "PROXY UNKNOWN\r\n", "viaunknown");
  LineClient local = proxied_as(chatd.proxy_port(), proxy_v2_local(), "vialocal");
  IrcClient watcher = connect_irc(chatd.irc_port(), "watcher");
  EXPECT_EQ(whois_host(watcher, "viaunknown"), "127.0.0.1");
  EXPECT_EQ(whois_host(watcher, "vialocal"), "127.0.0.1");
}

TEST(ProxyPlain, AHeaderAndTheFirstLinesInOneWriteAreAllTheClients) {
  ProxyChatd chatd;
  LineClient bob = connect_as(chatd.plain_port(), "bob");
  LineClient early(chatd.proxy_port());
  ASSERT_TRUE(early.send_raw(kHeader + "/nick early\nhello from the first write\n"));
  auto greeting = early.read_line();
  ASSERT_TRUE(greeting && greeting->starts_with(kGreeting)) << early.diagnostics();
  EXPECT_TRUE(early.expect_line(contains(" is now known as early"))) << early.diagnostics();
  EXPECT_TRUE(bob.expect_line(equals("<early> hello from the first write"))) << bob.diagnostics();

  IrcClient quick(chatd.irc_proxy_port());
  ASSERT_TRUE(quick.lines().send_raw(proxy_v2_example() +
                                     "NICK quick\r\nUSER quick 0 * :Q\r\nJOIN #lobby\r\n"
                                     "PRIVMSG #lobby :hi from the first write\r\n"));
  EXPECT_TRUE(quick.expect(irc_command("001"))) << quick.diagnostics();
  EXPECT_TRUE(bob.expect_line(equals("<quick> hi from the first write"))) << bob.diagnostics();
  IrcClient watcher = connect_irc(chatd.irc_port(), "watcher");
  EXPECT_EQ(whois_host(watcher, "quick"), "203.0.113.7");
}

TEST(ProxyPlain, AHeaderSplitAcrossWritesIsPiecedTogether) {
  ProxyChatd chatd;
  const std::pair<std::string, std::vector<std::size_t>> cases[] = {
      {kHeader, {6, 20}},
      {proxy_v2_example(), {5, 14, 20}},  // inside the signature, the fixed part, the addresses
  };
  int n = 0;
  for (const auto& [header, cuts] : cases) {
    LineClient c(chatd.proxy_port(), ClientOptions{.no_delay = true});
    std::size_t sent = 0;
    for (std::size_t cut : cuts) {
      ASSERT_TRUE(c.send_raw(header.substr(sent, cut - sent)));
      sent = cut;
      EXPECT_FALSE(c.read_line(within(200ms))) << "a line before the header is whole";
      ASSERT_FALSE(c.closed()) << "closed after " << cut << " bytes: " << c.diagnostics();
    }
    ASSERT_TRUE(c.send_raw(header.substr(sent)));
    const std::string nick = "split" + std::to_string(++n);
    take_nick(c, nick, default_deadline());
    IrcClient watcher = connect_irc(chatd.irc_port(), "watcher" + std::to_string(n));
    EXPECT_EQ(whois_host(watcher, nick), "203.0.113.7");
  }
}

TEST(ProxyIrc, AnIrcUserBehindAHeaderShowsItsHostInWhoisAndWho) {
  ProxyChatd chatd;
  IrcClient alice = proxied_irc(chatd.irc_proxy_port(), kHeader, "alice");
  alice.join("#lobby");
  LineClient carol = proxied_as(chatd.proxy_port(), proxy_v1("198.51.100.9", 40000), "carol");
  IrcClient watcher = connect_irc(chatd.irc_port(), "watcher");
  EXPECT_EQ(whois_host(watcher, "alice"), "203.0.113.7");
  EXPECT_EQ(whois_host(alice, "alice"), "203.0.113.7") << "as alice sees herself";
  const std::pair<std::string, std::string> rows[] = {{"alice", "203.0.113.7"},
                                                      {"carol", "198.51.100.9"}};
  for (const auto& [nick, host] : rows) {
    ASSERT_TRUE(watcher.send("WHO " + nick));
    auto row = watcher.expect(irc_command("352"));
    ASSERT_TRUE(row) << watcher.diagnostics();
    EXPECT_EQ(parse_irc_line(*row).param(5), nick) << *row;
    EXPECT_EQ(parse_irc_line(*row).param(3), host) << *row;
    EXPECT_TRUE(watcher.expect(irc_command_param("315", 1, nick))) << watcher.diagnostics();
  }
}

// ---- per-address limits count the header's address --------------------------------------------

TEST(ProxyLimits, ConnectionsWithOneHeaderAddressCountAsOneAddress) {
  ProxyChatd chatd({"--max-per-ip", "1"});
  LineClient first = proxied_as(chatd.proxy_port(), proxy_v1("203.0.113.7", 50001), "first");
  LineClient second(chatd.proxy_port());
  ASSERT_TRUE(second.send_raw(proxy_v1("203.0.113.7", 50002)));
  auto line = second.read_line();
  ASSERT_TRUE(line) << second.diagnostics();
  EXPECT_EQ(*line, kTooMany);
  EXPECT_TRUE(second.read_until_closed()) << second.diagnostics();
  EXPECT_TRUE(chatd.process().wait_for_log("refused 203.0.113.7:50002: per-address limit",
                                           default_deadline()))
      << chatd.process().log_text();
  // The same address over IRC is the same address.
  IrcClient third(chatd.irc_proxy_port());
  ASSERT_TRUE(third.lines().send_raw(proxy_v1("203.0.113.7", 50003)));
  auto error = third.expect(starts_with("ERROR "));
  ASSERT_TRUE(error) << third.diagnostics();
  EXPECT_NE(error->find("too many connections from your address"), std::string::npos) << *error;
  EXPECT_TRUE(chatd.process().wait_for_log("refused 203.0.113.7:50003: per-address limit",
                                           default_deadline()))
      << chatd.process().log_text();
}

TEST(ProxyLimits, ConnectionsWithDifferentHeaderAddressesAreAllServed) {
  ProxyChatd chatd({"--max-per-ip", "1"});
  // Every one of these comes from 127.0.0.1; only the last is counted under it.
  LineClient a = proxied_as(chatd.proxy_port(), proxy_v1("203.0.113.7", 50001), "a");
  LineClient b = proxied_as(chatd.proxy_port(), proxy_v1("203.0.113.8", 50001), "b");
  LineClient c = proxied_as(chatd.proxy_port(), proxy_v1("2001:db8::1", 50001), "c");
  LineClient local = connect_as(chatd.plain_port(), "local");
  ASSERT_TRUE(a.send_line("hi from a"));
  for (LineClient* other : {&b, &c, &local})
    EXPECT_TRUE(other->expect_line(equals("<a> hi from a"))) << other->diagnostics();
}

// ---- bad headers close only that connection --------------------------------------------------

std::string lowercase(std::string s) {
  for (char& ch : s)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// `c` is closed by chatd within `limit` without having been greeted.
void expect_closed_ungreeted(LineClient& c, const std::string& what, Clock::duration limit = 5s) {
  EXPECT_TRUE(c.read_until_closed(within(limit))) << what << ": " << c.diagnostics();
  for (const auto& line : c.skipped())
    EXPECT_EQ(lowercase(line).find("welcome"), std::string::npos) << what << ": greeted: " << line;
}

// Two plain users who must keep hearing each other, on a chatd whose header deadline (30 s)
// is far above the 5 s in which a bad header must be closed: promptly, not by the timeout.
struct Bystanders {
  ProxyChatd chatd;
  LineClient alice;
  LineClient bob;
  explicit Bystanders(std::vector<std::string> args = {"--tls-handshake-timeout", "30"})
      : chatd(std::move(args)),
        alice(connect_as(chatd.plain_port(), "alice")),
        bob(connect_as(chatd.plain_port(), "bob")) {}
  void still_chatting(const std::string& marker) {
    ASSERT_TRUE(alice.send_line(marker));
    EXPECT_TRUE(bob.expect_line(equals("<alice> " + marker))) << bob.diagnostics();
  }
  void proxies_still_served() {
    LineClient fresh(chatd.proxy_port());
    ASSERT_TRUE(fresh.send_raw(kHeader));
    EXPECT_TRUE(fresh.expect_line(starts_with(kGreeting))) << fresh.diagnostics();
  }
  // Sends `bytes` to `port` and expects a close, ungreeted, and a log line with `logged`.
  void expect_refused(std::uint16_t port, const std::string& bytes, const std::string& logged) {
    const std::size_t from = chatd.process().log_line_count();
    LineClient eve(port);
    if (!bytes.empty()) {
      ASSERT_TRUE(eve.send_raw(bytes)) << eve.diagnostics();
    }
    expect_closed_ungreeted(eve, bytes);
    EXPECT_TRUE(chatd.process().wait_for_log(logged, default_deadline(), from))
        << "no `" << logged << "` for " << bytes << "\n"
        << chatd.process().log_text();
  }
};

TEST(ProxyBadInput, ClientBytesWithoutAHeaderAreClosedUngreetedAndLogged) {
  Bystanders b;
  b.expect_refused(b.chatd.proxy_port(), "/nick x\n", "bad PROXY header");
  b.expect_refused(b.chatd.proxy_port(), "hello\n", "bad PROXY header");
  b.expect_refused(b.chatd.irc_proxy_port(), "NICK x\r\n", "bad PROXY header");
  b.still_chatting("after clients without a header");
  b.proxies_still_served();
}

TEST(ProxyBadInput, AMalformedHeaderIsClosedUngreetedAndLogged) {
  Bystanders b;
  const std::string v2_bad_version = "\r\n\r\n\0\r\nQUIT\n\x31\x11\x00\x0c"s + std::string(12, 'a');
  const std::string v2_udp = "\r\n\r\n\0\r\nQUIT\n\x21\x12\x00\x0c"s + std::string(12, 'a');
  for (const std::string& bytes :
       {"PROXY TCP4 203.0.113.7 127.0.0.1 99999 6667\r\n"s,
        "PROXY TCP5 203.0.113.7 127.0.0.1 55555 6667\r\n"s,
        "PROXY TCP4 203.0.113.7 127.0.0.1 55555 6667\n"s,
        "PROXY TCP4 2001:db8::1 127.0.0.1 55555 6667\r\n"s, v2_bad_version, v2_udp}) {
    b.expect_refused(b.chatd.proxy_port(), bytes, "bad PROXY header");
  }
  b.expect_refused(b.chatd.irc_proxy_port(), "PROXY UDP4 203.0.113.7 127.0.0.1 1 2\r\n",
                   "bad PROXY header");
  b.still_chatting("after malformed headers");
  b.proxies_still_served();
}

TEST(ProxyBadInput, AnOverlongHeaderIsClosedUngreetedAndLogged) {
  Bystanders b;
  // No LF within 107 bytes; a whole line that is too long; a v2 length over 512, sent alone.
  b.expect_refused(b.chatd.proxy_port(), "PROXY UNKNOWN " + std::string(300, 'x'),
                   "bad PROXY header");
  b.expect_refused(b.chatd.proxy_port(), "PROXY UNKNOWN " + std::string(200, 'x') + "\r\n",
                   "bad PROXY header");
  b.expect_refused(b.chatd.irc_proxy_port(), "\r\n\r\n\0\r\nQUIT\n\x21\x11\xff\xff"s,
                   "bad PROXY header");
  b.still_chatting("after overlong headers");
  b.proxies_still_served();
}

TEST(ProxyBadInput, AnUntrustedSourceIsClosedBeforeAnythingIsRead) {
  Bystanders b({"--proxy-from", "10.0.0.0/8", "--tls-handshake-timeout", "30"});
  // Closed without waiting for a header: nothing sent, and well before the 30 s deadline.
  b.expect_refused(b.chatd.proxy_port(), "", "not a trusted PROXY source");
  b.expect_refused(b.chatd.proxy_port(), kHeader, "not a trusted PROXY source");
  b.expect_refused(b.chatd.irc_proxy_port(), kHeader, "not a trusted PROXY source");
  b.still_chatting("after untrusted proxies");
}

TEST(ProxyBadInput, TheTomlRangesDecideWhoseHeadersAreBelieved) {
  TempDir dir("proxy-toml-run");
  const std::string file = dir.write("chatd.toml",
                                     "listen = [\"127.0.0.1:0\", \"plain+proxy://127.0.0.1:0\"]\n"
                                     "proxy_from = [\"10.0.0.0/8\"]\n");
  ChatdOptions options;
  options.args = {"--config", file};
  options.default_listen = false;
  ChatdProcess chatd(options);
  const std::uint16_t port = listener_port(chatd, "plain+proxy");
  LineClient eve(port);
  ASSERT_TRUE(eve.send_raw(kHeader));
  expect_closed_ungreeted(eve, "from loopback, outside 10.0.0.0/8");
  EXPECT_TRUE(chatd.wait_for_log("not a trusted PROXY source", default_deadline()))
      << chatd.log_text();
  LineClient plain = connect_as(listener_port(chatd, "plain"), "plain");
}

TEST(ProxyBadInput, AClientThatSendsNoWholeHeaderIsClosedAfterTheHandshakeTimeout) {
  Bystanders b({"--tls-handshake-timeout", "1"});
  const auto start = Clock::now();
  LineClient silent(b.chatd.proxy_port());
  LineClient halfway(b.chatd.proxy_port());
  LineClient irc_silent(b.chatd.irc_proxy_port());
  ASSERT_TRUE(halfway.send_raw(kHeader.substr(0, 20)));
  expect_closed_ungreeted(silent, "silent", 4s);
  expect_closed_ungreeted(halfway, "half a header", 4s);
  expect_closed_ungreeted(irc_silent, "silent on IRC", 4s);
  EXPECT_GE(Clock::now() - start, 500ms) << "closed long before the 1 s timeout";
  b.still_chatting("after silent proxies");
  b.proxies_still_served();
}

// Shutdown walks every client and closes those still waiting for their header: the walk must
// survive that, so everyone after them is told too.
TEST(ProxyBadInput, ShutdownWithClientsAwaitingTheirHeaderStillTellsEveryoneAndExits) {
  Bystanders b;
  std::vector<LineClient> waiting;
  for (int i = 0; i < 3; ++i) {
    waiting.emplace_back(b.chatd.proxy_port());
    ASSERT_TRUE(waiting.back().send_raw(kHeader.substr(0, 10)));
  }
  LineClient carol = connect_as(b.chatd.plain_port(), "carol");
  b.still_chatting("before the shutdown");
  ASSERT_TRUE(b.chatd.process().send_signal(SIGTERM));
  for (LineClient* c : {&b.alice, &b.bob, &carol})
    EXPECT_TRUE(c->expect_line(equals("*** server shutting down"))) << c->diagnostics();
  for (LineClient& c : waiting)
    EXPECT_TRUE(c.read_until_closed(within(5s))) << c.diagnostics();
  const auto status = b.chatd.process().wait_exit(within(10s));
  ASSERT_TRUE(status.has_value()) << "still running after SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe_wait_status(*status);
}

// ---- irc+tls+proxy: the header in plaintext, then TLS ----------------------------------------

TestCerts& certs() {
  static TestCerts c;
  return c;
}

// chatd with a plain, an IRC and an irc+tls+proxy listener, hosts uncloaked.
std::vector<std::string> tls_proxy_args() {
  std::vector<std::string> args = {"--listen",      "127.0.0.1:0",
                                   "--listen",      "irc://127.0.0.1:0",
                                   "--listen",      "irc+tls+proxy://127.0.0.1:0",
                                   "--cloak-hosts", "false"};
  for (auto& flag : tls_flags(certs().server()))
    args.push_back(flag);
  return args;
}

TEST(ProxyTls, IrcOverTlsBehindAHeaderRegistersAndShowsTheHeadersHost) {
  ChatdProcess chatd(tls_proxy_args());
  const std::uint16_t port = listener_port(chatd, "irc+tls+proxy");
  IrcClient watcher = connect_irc(listener_port(chatd, "irc"), "watcher");
  const std::pair<std::string, std::string> cases[] = {{kHeader, "alice"},
                                                       {proxy_v2_example(), "bob"}};
  for (const auto& [header, nick] : cases) {
    TlsOptions options = trusting(certs().ca_cert());
    options.before_handshake = header;
    TlsLineClient c(port, options);
    ASSERT_TRUE(c.send_raw("NICK " + nick + "\r\nUSER " + nick + " 0 * :" + nick + "\r\n"));
    auto welcome = c.expect_line(irc_command("001"));
    ASSERT_TRUE(welcome) << c.diagnostics();
    EXPECT_EQ(parse_irc_line(*welcome).param(0), nick);
    EXPECT_EQ(whois_host(watcher, nick), "203.0.113.7");
  }
}

TEST(ProxyTls, ATlsClientWithoutAHeaderIsRefusedAndLogged) {
  ChatdProcess chatd(tls_proxy_args());
  const std::uint16_t port = listener_port(chatd, "irc+tls+proxy");
  const std::size_t from = chatd.log_line_count();
  const TlsAttempt a = TlsLineClient::attempt(port, trusting(certs().ca_cert()), within(5s));
  EXPECT_FALSE(a.client) << "a ClientHello was taken for a PROXY header";
  EXPECT_TRUE(chatd.wait_for_log("bad PROXY header", default_deadline(), from)) << chatd.log_text();
  TlsOptions options = trusting(certs().ca_cert());
  options.before_handshake = kHeader;
  TlsLineClient fine(port, options);
  ASSERT_TRUE(fine.send_raw("NICK fine\r\nUSER fine 0 * :F\r\n"));
  EXPECT_TRUE(fine.expect_line(irc_command("001"))) << fine.diagnostics();
}

}  // namespace
}  // namespace chatd::test
