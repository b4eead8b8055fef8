// Integration tests of TLS listeners (plain+tls://, irc+tls://) against the real chatd: the
// certificate flags and their failures, what TLS users see and say, versions, verification,
// session tickets, certificate reload on SIGHUP, bad input on TLS ports, and load.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <filesystem>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/fd_budget.h"
#include "tests/support/irc_client.h"
#include "tests/support/line_client.h"
#include "tests/support/slow_consumer.h"
#include "tests/support/test_certs.h"
#include "tests/support/tls_chatd.h"
#include "tests/support/tls_client.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;

constexpr char kGreeting[] = "*** welcome to chatd, you are ";

// One CA for the whole file, with two localhost certificates (openssl takes a while).
struct Certs {
  TestCerts ca;
  CertFiles other = ca.issue("other");  // a second certificate, for reloads and mismatches
  std::string garbage_key = ca.write_garbage_key("garbage.key");
  const CertFiles& server() const { return ca.server(); }
  CertFiles mismatched() const { return {ca.server().cert, other.key}; }
};
Certs& certs() {
  static Certs c;
  return c;
}

TlsOptions trusted() {
  return trusting(certs().ca.ca_cert());
}

// ---- startup and --check-config -------------------------------------------------------------

// chatd exited by itself, non-zero, and its stderr holds every one of `mentions`.
void expect_refusal(const RunResult& r, const std::vector<std::string>& mentions) {
  ASSERT_TRUE(r.exited()) << r.describe();
  EXPECT_NE(r.exit_code(), 0) << r.describe();
  for (const auto& m : mentions)
    EXPECT_NE(r.err.find(m), std::string::npos) << "stderr should name " << m << "\n"
                                                << r.describe();
}

// Either file of `files` is named in `text` (which one a mismatch blames is up to chatd).
bool names_either(const std::string& text, const CertFiles& files) {
  return text.find(files.cert) != std::string::npos || text.find(files.key) != std::string::npos;
}

TEST(TlsConfig, AListenerWithoutACertificateFailsAtStartupNamingItAndTheFlag) {
  expect_refusal(run_chatd({"--listen", "plain+tls://127.0.0.1:0"}),
                 {"plain+tls://127.0.0.1:0", "--tls-cert"});
}

TEST(TlsConfig, AListenerWithACertificateButNoKeyFailsAtStartupNamingTheKeyFlag) {
  expect_refusal(
      run_chatd({"--listen", "irc+tls://127.0.0.1:0", "--tls-cert", certs().server().cert}),
      {"irc+tls://127.0.0.1:0", "--tls-key"});
}

TEST(TlsConfig, AMissingCertificateFileFailsAtStartupNamingThePath) {
  const std::string missing = (certs().ca.dir().path() / "no-such-cert.pem").string();
  expect_refusal(run_chatd({"--listen", "plain+tls://127.0.0.1:0", "--tls-cert", missing,
                            "--tls-key", certs().server().key}),
                 {missing});
}

TEST(TlsConfig, AKeyThatDoesNotMatchTheCertificateFailsAtStartupNamingTheFile) {
  std::vector<std::string> args = {"--listen", "plain+tls://127.0.0.1:0"};
  for (auto& flag : tls_flags(certs().mismatched()))
    args.push_back(flag);
  const RunResult r = run_chatd(args);
  expect_refusal(r, {});
  EXPECT_TRUE(names_either(r.err, certs().mismatched())) << r.describe();
}

TEST(TlsConfig, CheckConfigAcceptsAGoodPairAndShowsTheCertificateAndItsExpiry) {
  std::vector<std::string> args = {"--check-config", "--listen", "plain+tls://127.0.0.1:0"};
  for (auto& flag : tls_flags(certs().server()))
    args.push_back(flag);
  const RunResult r = run_chatd(args);
  ASSERT_EQ(r.exit_code(), 0) << r.describe();
  const std::string all = r.out + r.err;
  EXPECT_NE(all.find(certs().server().cert), std::string::npos) << r.describe();
  EXPECT_NE(all.find("expires"), std::string::npos) << r.describe();
}

TEST(TlsConfig, CheckConfigRejectsAMismatchedPairNamingTheFile) {
  std::vector<std::string> args = {"--check-config", "--listen", "irc+tls://127.0.0.1:0"};
  for (auto& flag : tls_flags(certs().mismatched()))
    args.push_back(flag);
  const RunResult r = run_chatd(args);
  ASSERT_TRUE(r.exited()) << r.describe();
  EXPECT_NE(r.exit_code(), 0) << r.describe();
  EXPECT_TRUE(names_either(r.out + r.err, certs().mismatched())) << r.describe();
}

TEST(TlsConfig, TomlKeysSetTheCertificateVersionFloorTimeoutAndTickets) {
  TempDir dir("tls-toml");
  const std::string file = dir.write("chatd.toml",
                                     "listen = [\"127.0.0.1:0\", \"plain+tls://127.0.0.1:0\"]\n"
                                     "tls_cert = \"" +
                                         certs().server().cert + "\"\n" + "tls_key = \"" +
                                         certs().server().key + "\"\n" +
                                         "tls_min_version = \"1.3\"\n"
                                         "tls_handshake_timeout = 1\n"
                                         "tls_session_tickets = true\n");
  ChatdOptions options;
  options.args = {"--config", file};
  options.default_listen = false;
  ChatdProcess chatd(options);
  const std::uint16_t port = chatd.port_of("plain+tls");
  ASSERT_NE(port, 0) << chatd.log_text();

  TlsLineClient modern(port, trusted());
  EXPECT_EQ(modern.peer_fingerprint(), certificate_fingerprint(certs().server().cert));
  ASSERT_TRUE(modern.expect_line(starts_with(kGreeting))) << modern.diagnostics();
  EXPECT_TRUE(modern.session_ticket_received()) << "tls_session_tickets = true";
  TlsOptions old = trusted();
  old.max_version = TlsVersion::k1_2;
  EXPECT_FALSE(TlsLineClient::attempt(port, old).client) << "tls_min_version = \"1.3\"";
  LineClient silent(port);
  EXPECT_TRUE(silent.read_until_closed(within(4s))) << "tls_handshake_timeout = 1";
}

// ---- what TLS users see and say -------------------------------------------------------------

// What a user is sent on connecting, line endings kept, up to the confirmation of a rename to
// `probe` (which ends the greeting block), with guest numbers made alike. Then it quits.
template <class Client>
std::vector<std::string> greeting_block(Client& c) {
  std::vector<std::string> block;
  if (!c.send_line("/nick probe")) return {"send failed: " + c.diagnostics()};
  for (int i = 0; i < 50; ++i) {
    auto line = c.read_raw_line();
    if (!line) return {"no more lines: " + c.diagnostics()};
    if (line->find(" is now known as probe") != std::string::npos) break;
    block.push_back(std::regex_replace(*line, std::regex("guest-[0-9]+"), "guest-N"));
  }
  c.send_line("/quit");
  c.read_until_closed();
  return block;
}

TEST(Tls, APlainTlsUserIsGreetedExactlyLikeAPlainUser) {
  TlsChatd chatd(certs().server(), {"--motd", "be excellent"});
  LineClient plain(chatd.plain_port());
  const std::vector<std::string> over_tcp = greeting_block(plain);
  ASSERT_FALSE(over_tcp.empty());
  EXPECT_TRUE(over_tcp.front().starts_with(kGreeting)) << over_tcp.front();
  TlsLineClient tls(chatd.tls_port(), trusted());
  EXPECT_EQ(greeting_block(tls), over_tcp);
}

TEST(Tls, PlainAndTlsUsersChatBothWays) {
  TlsChatd chatd(certs().server());
  LineClient carol = connect_as(chatd.plain_port(), "carol");
  TlsLineClient tina = tls_connect_as(chatd.tls_port(), "tina", trusted());
  ASSERT_TRUE(carol.expect_line(contains(" is now known as tina"))) << carol.diagnostics();
  ASSERT_TRUE(carol.send_line("hello over tcp"));
  EXPECT_TRUE(tina.expect_line(equals("<carol> hello over tcp"))) << tina.diagnostics();
  ASSERT_TRUE(tina.send_line("hello over tls"));
  EXPECT_TRUE(carol.expect_line(equals("<tina> hello over tls"))) << carol.diagnostics();
  ASSERT_TRUE(tina.send_line("/me waves"));
  EXPECT_TRUE(carol.expect_line(equals("* tina waves"))) << carol.diagnostics();
}

TEST(Tls, IrcOverTlsRegistersWithNickAndUserAndTalksToPlainUsers) {
  TlsChatd chatd(certs().server(), {"--server-name", "irc.test"});
  LineClient carol = connect_as(chatd.plain_port(), "carol");
  TlsLineClient irc(chatd.irc_tls_port(), trusted());
  ASSERT_TRUE(irc.send_raw("NICK alice\r\nUSER alice 0 * :Alice\r\n"));
  auto welcome = irc.expect_line(irc_command("001"));
  ASSERT_TRUE(welcome) << irc.diagnostics();
  EXPECT_EQ(parse_irc_line(*welcome).source, "irc.test");
  EXPECT_EQ(parse_irc_line(*welcome).param(0), "alice");
  ASSERT_TRUE(irc.send_raw("JOIN #lobby\r\n"));
  ASSERT_TRUE(irc.expect_line(irc_command_param("366", 1, "#lobby"))) << irc.diagnostics();
  ASSERT_TRUE(irc.send_raw("PRIVMSG #lobby :hi from irc over tls\r\n"));
  EXPECT_TRUE(carol.expect_line(equals("<alice> hi from irc over tls"))) << carol.diagnostics();
}

// WHOIS says who is on TLS (671), of IRC and plain users alike, and only of them.
TEST(Tls, WhoisShowsWhoIsUsingASecureConnection) {
  TlsChatd chatd(certs().server());
  TlsLineClient tls_irc(chatd.irc_tls_port(), trusted());
  ASSERT_TRUE(tls_irc.send_raw("NICK alice\r\nUSER alice 0 * :Alice\r\n"));
  ASSERT_TRUE(tls_irc.expect_line(irc_command("001"))) << tls_irc.diagnostics();
  TlsLineClient tls_plain(chatd.tls_port(), trusted());
  ASSERT_TRUE(tls_plain.expect_line(starts_with(kGreeting))) << tls_plain.diagnostics();
  ASSERT_TRUE(tls_plain.send_line("/nick bea"));
  ASSERT_TRUE(tls_plain.expect_line(contains("is now known as bea"))) << tls_plain.diagnostics();
  LineClient carol = connect_as(chatd.plain_port(), "carol");
  for (const char* nick : {"alice", "bea", "carol"}) {
    ASSERT_TRUE(tls_irc.send_raw("WHOIS "s + nick + "\r\n"));
    auto secure = tls_irc.expect_line(satisfies(
        [](std::string_view l) { return l.find(" 671 ") != l.npos || l.find(" 318 ") != l.npos; },
        "671 or 318"));
    ASSERT_TRUE(secure) << tls_irc.diagnostics();
    const bool said_secure = secure->find(" 671 ") != std::string::npos;
    EXPECT_EQ(said_secure, std::string(nick) != "carol") << nick << ": " << *secure;
    if (said_secure) {
      EXPECT_NE(secure->find(":is using a secure connection"), std::string::npos) << *secure;
      ASSERT_TRUE(tls_irc.expect_line(irc_command("318"))) << tls_irc.diagnostics();
    }
  }
}

// ---- versions, verification, tickets --------------------------------------------------------

TEST(TlsVersions, Tls11IsRefused) {
  TlsChatd chatd(certs().server());
  TlsOptions tls11;
  tls11.min_version = tls11.max_version = TlsVersion::k1_1;
  tls11.security_level = 0;  // else this OpenSSL will not offer TLS 1.1 at all
  const TlsAttempt a = TlsLineClient::attempt(chatd.tls_port(), tls11);
  if (!a.client && a.error.find("no protocols available") != std::string::npos) {
    GTEST_SKIP() << "this OpenSSL cannot offer TLS 1.1: " << a.error;
  }
  EXPECT_FALSE(a.client) << "chatd accepted " << a.client->version();
  RecordProperty("refusal", a.error);
  LineClient bystander = connect_as(chatd.plain_port(), "bystander");
  EXPECT_TRUE(chatd.process().running());
}

TEST(TlsVersions, AClientLimitedToTls12IsAcceptedByDefault) {
  TlsChatd chatd(certs().server());
  TlsOptions tls12 = trusted();
  tls12.max_version = TlsVersion::k1_2;
  TlsLineClient old(chatd.tls_port(), tls12);
  EXPECT_EQ(old.version(), "TLSv1.2");
  EXPECT_TRUE(old.expect_line(starts_with(kGreeting))) << old.diagnostics();
  TlsLineClient modern(chatd.tls_port(), trusted());
  EXPECT_EQ(modern.version(), "TLSv1.3");
}

TEST(TlsVersions, MinVersion13RefusesAClientLimitedToTls12) {
  TlsChatd chatd(certs().server(), {"--tls-min-version", "1.3"});
  TlsOptions tls12 = trusted();
  tls12.max_version = TlsVersion::k1_2;
  const TlsAttempt a = TlsLineClient::attempt(chatd.tls_port(), tls12);
  EXPECT_FALSE(a.client) << "chatd accepted " << a.client->version();
  TlsLineClient modern(chatd.tls_port(), trusted());
  EXPECT_EQ(modern.version(), "TLSv1.3");
  EXPECT_TRUE(modern.expect_line(starts_with(kGreeting))) << modern.diagnostics();
}

TEST(Tls, TheCertificateVerifiesAgainstTheTestCaForLocalhostAnd127001) {
  TlsChatd chatd(certs().server());
  TlsLineClient by_name(chatd.tls_port(), trusted());
  EXPECT_EQ(by_name.peer_fingerprint(), certificate_fingerprint(certs().server().cert));
  EXPECT_TRUE(by_name.expect_line(starts_with(kGreeting))) << by_name.diagnostics();
  TlsOptions by_address = trusted();
  by_address.verify_name = "127.0.0.1";
  by_address.sni.clear();  // no SNI for an address (RFC 6066)
  EXPECT_TRUE(TlsLineClient::attempt(chatd.tls_port(), by_address).client);
  // The control: the names are really checked.
  TlsOptions elsewhere = trusted();
  elsewhere.verify_name = "example.com";
  const TlsAttempt a = TlsLineClient::attempt(chatd.tls_port(), elsewhere);
  EXPECT_FALSE(a.client) << "a certificate for localhost passed as example.com";
  EXPECT_NE(a.error.find("hostname mismatch"), std::string::npos) << a.error;
}

TEST(Tls, SessionTicketsAreOffByDefaultSoNothingResumes) {
  TlsChatd chatd(certs().server());
  for (TlsVersion max : {TlsVersion::k1_3, TlsVersion::k1_2}) {
    TlsOptions options = trusted();
    options.max_version = max;
    TlsLineClient first(chatd.tls_port(), options);
    // TLS 1.3 tickets follow the handshake but come before any line, the greeting included.
    ASSERT_TRUE(first.expect_line(starts_with(kGreeting))) << first.diagnostics();
    EXPECT_FALSE(first.session_ticket_received()) << first.version();
    options.resume = first.session();
    TlsLineClient second(chatd.tls_port(), options);
    EXPECT_FALSE(second.session_reused()) << second.version();
  }
}

TEST(Tls, SessionTicketsWhenTurnedOnLetAClientResume) {
  TlsChatd chatd(certs().server(), {"--tls-session-tickets", "true"});
  TlsLineClient first(chatd.tls_port(), trusted());
  ASSERT_TRUE(first.expect_line(starts_with(kGreeting))) << first.diagnostics();
  EXPECT_TRUE(first.session_ticket_received());
  TlsOptions again = trusted();
  again.resume = first.session();
  ASSERT_TRUE(again.resume.resumable());
  TlsLineClient second(chatd.tls_port(), again);
  EXPECT_TRUE(second.session_reused());
  EXPECT_TRUE(second.expect_line(starts_with(kGreeting))) << second.diagnostics();
}

// ---- reloading the certificate on SIGHUP ----------------------------------------------------

// Certificate files at fixed paths, replaced under a running chatd by the reload tests.
struct LiveCerts {
  TempDir dir{"live-certs"};
  CertFiles files{(dir.path() / "live.pem").string(), (dir.path() / "live.key").string()};
  explicit LiveCerts(const CertFiles& initial) { TestCerts::install(initial, files); }
};

// Sends SIGHUP and waits for the log line containing `outcome` that came after it.
bool reload(ChatdProcess& chatd, std::string_view outcome) {
  const std::size_t from = chatd.log_line_count();
  return chatd.send_signal(SIGHUP) && chatd.wait_for_log(outcome, default_deadline(), from);
}

TEST(TlsReload, SighupServesTheNewCertificateToNewConnectionsAndKeepsOpenOnesChatting) {
  const std::string old_print = certificate_fingerprint(certs().server().cert);
  const std::string new_print = certificate_fingerprint(certs().other.cert);
  ASSERT_NE(old_print, new_print);
  LiveCerts live(certs().server());
  TlsChatd chatd(live.files);
  TlsLineClient before = tls_connect_as(chatd.tls_port(), "before", trusted());
  EXPECT_EQ(before.peer_fingerprint(), old_print);

  TestCerts::install(certs().other, live.files);
  ASSERT_TRUE(reload(chatd.process(), "TLS certificate reloaded")) << chatd.process().log_text();
  TlsLineClient after = tls_connect_as(chatd.tls_port(), "after", trusted());
  EXPECT_EQ(after.peer_fingerprint(), new_print);
  ASSERT_TRUE(before.send_line("still here"));
  EXPECT_TRUE(after.expect_line(equals("<before> still here"))) << after.diagnostics();
  ASSERT_TRUE(after.send_line("hello old timer"));
  EXPECT_TRUE(before.expect_line(equals("<after> hello old timer"))) << before.diagnostics();
}

// After a failed reload, new connections still get the certificate chatd started with.
void expect_old_certificate_after_failed_reload(const CertFiles& broken) {
  LiveCerts live(certs().server());
  TlsChatd chatd(live.files);
  TestCerts::install(broken, live.files);
  ASSERT_TRUE(reload(chatd.process(), "TLS certificate reload failed"))
      << chatd.process().log_text();
  TlsLineClient after(chatd.tls_port(), trusted());
  EXPECT_EQ(after.peer_fingerprint(), certificate_fingerprint(certs().server().cert));
  EXPECT_TRUE(after.expect_line(starts_with(kGreeting))) << after.diagnostics();
}

TEST(TlsReload, AGarbageKeyIsRefusedAndNewConnectionsGetTheOldCertificate) {
  expect_old_certificate_after_failed_reload({certs().server().cert, certs().garbage_key});
}

TEST(TlsReload, AMismatchedPairIsRefusedAndNewConnectionsGetTheOldCertificate) {
  expect_old_certificate_after_failed_reload({certs().other.cert, certs().server().key});
}

// ---- bad input on TLS ports -----------------------------------------------------------------

// Two plain users who must keep hearing each other, on a chatd whose handshake timeout (30 s)
// is far above the 5 s in which a bad handshake must be closed: promptly, not by the timeout.
struct Bystanders {
  TlsChatd chatd;
  LineClient alice;
  LineClient bob;
  explicit Bystanders(std::vector<std::string> args = {"--tls-handshake-timeout", "30"})
      : chatd(certs().server(), std::move(args)),
        alice(connect_as(chatd.plain_port(), "alice")),
        bob(connect_as(chatd.plain_port(), "bob")) {}
  void still_served(const std::string& marker) {
    ASSERT_TRUE(alice.send_line(marker));
    EXPECT_TRUE(bob.expect_line(equals("<alice> " + marker))) << bob.diagnostics();
    TlsLineClient fresh(chatd.tls_port(), trusted());
    EXPECT_TRUE(fresh.expect_line(starts_with(kGreeting))) << fresh.diagnostics();
  }
};

TEST(TlsBadInput, PlaintextOnATlsPortClosesOnlyThatConnectionPromptly) {
  Bystanders b;
  const std::pair<std::uint16_t, std::string> cases[] = {{b.chatd.irc_tls_port(), "NICK a\r\n"},
                                                         {b.chatd.tls_port(), "hello\n"}};
  for (const auto& [port, bytes] : cases) {
    LineClient eve(port);
    ASSERT_TRUE(eve.send_raw(bytes));
    EXPECT_TRUE(eve.read_until_closed(within(5s))) << bytes << eve.diagnostics();
    for (const auto& line : eve.skipped())
      EXPECT_EQ(line.find("welcome"), std::string::npos) << "chat text over plaintext: " << line;
  }
  b.still_served("after plaintext");
}

TEST(TlsBadInput, AFailedHandshakeIsLogged) {
  Bystanders b;
  const std::size_t from = b.chatd.process().log_line_count();
  LineClient eve(b.chatd.tls_port());
  ASSERT_TRUE(eve.send_raw("hello\n"));
  EXPECT_TRUE(eve.read_until_closed(within(5s))) << eve.diagnostics();
  EXPECT_TRUE(b.chatd.process().wait_for_log("TLS handshake failed", default_deadline(), from))
      << b.chatd.process().log_text();
}

TEST(TlsBadInput, AClientThatNeverSpeaksIsClosedAfterTheHandshakeTimeout) {
  Bystanders b({"--tls-handshake-timeout", "1"});
  LineClient silent(b.chatd.tls_port());
  const auto start = Clock::now();
  ASSERT_TRUE(silent.read_until_closed(within(4s))) << "open 4 s after a 1 s timeout";
  EXPECT_GE(Clock::now() - start, 500ms) << "closed long before the 1 s timeout";
  b.still_served("after a silent client");
}

TEST(TlsBadInput, GarbageAfterATlsRecordHeaderClosesOnlyThatConnection) {
  Bystanders b;
  // A handshake record of 64 bytes claiming to be a ClientHello of 60, then junk: legacy
  // version 0x5a5a, and a session id length (0x5a) past the end.
  const std::string junk = "\x16\x03\x01\x00\x40\x01\x00\x00\x3c"s + std::string(60, '\x5a');
  LineClient eve(b.chatd.tls_port());
  ASSERT_TRUE(eve.send_raw(junk));
  EXPECT_TRUE(eve.read_until_closed(within(5s))) << eve.diagnostics();
  b.still_served("after garbage");
}

TEST(TlsBadInput, HalfAClientHelloThenADisconnectLeavesEveryoneElseServed) {
  Bystanders b;
  const std::string hello = client_hello_bytes();
  ASSERT_GT(hello.size(), 100u);
  const std::string half = hello.substr(0, hello.size() / 2);
  LineClient gone(b.chatd.tls_port());
  ASSERT_TRUE(gone.send_raw(half));
  gone.close();
  // The same with only our side shut: chatd must close at once, not wait for the timeout.
  LineClient halfway(b.chatd.tls_port());
  ASSERT_TRUE(halfway.send_raw(half));
  ASSERT_EQ(shutdown(halfway.fd(), SHUT_WR), 0);
  EXPECT_TRUE(halfway.read_until_closed(within(5s))) << halfway.diagnostics();
  b.still_served("after half a ClientHello");
}

// Shutdown walks every client and closes those still in their handshake: the walk must
// survive that, so everyone after them is told too.
TEST(TlsBadInput, ShutdownWithClientsMidHandshakeStillTellsEveryoneAndExits) {
  Bystanders b;
  const std::string half = client_hello_bytes().substr(0, 40);
  std::vector<LineClient> halfway;
  for (int i = 0; i < 3; ++i) {
    halfway.emplace_back(b.chatd.tls_port());
    ASSERT_TRUE(halfway.back().send_raw(half));
  }
  LineClient carol = connect_as(b.chatd.plain_port(), "carol");
  b.still_served("before the shutdown");
  ASSERT_TRUE(b.chatd.process().send_signal(SIGTERM));
  for (LineClient* c : {&b.alice, &b.bob, &carol})
    EXPECT_TRUE(c->expect_line(equals("*** server shutting down"))) << c->diagnostics();
  for (LineClient& c : halfway)
    EXPECT_TRUE(c.read_until_closed(within(5s))) << c.diagnostics();
  const auto status = b.chatd.process().wait_exit(within(10s));
  ASSERT_TRUE(status.has_value()) << "still running after SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe_wait_status(*status);
}

// ---- load ---------------------------------------------------------------------------------

TEST(TlsLoad, ThreeHundredTlsClientsInOneRoomAllReceiveOneBroadcast) {
  const std::size_t n = affordable_clients(300);
  ASSERT_GT(n, 10u) << "too few file descriptors to test anything";
  RecordProperty("clients", static_cast<int>(n));
  TlsChatd chatd(certs().server());
  std::vector<TlsLineClient> clients;
  clients.reserve(n);
  const Deadline connect_deadline = within(60s);
  for (std::size_t i = 0; i < n; ++i)
    clients.emplace_back(chatd.tls_port(), TlsOptions{}, connect_deadline);
  auto ungreeted = expect_line_on_all(clients, starts_with(kGreeting), within(20s));
  ASSERT_TRUE(ungreeted.empty()) << ungreeted.size() << " of " << n
                                 << " TLS clients got no greeting, e.g. #" << ungreeted.front()
                                 << ": " << clients[ungreeted.front()].diagnostics();
  LineClient sender = connect_as(chatd.plain_port(), "sender");
  ASSERT_TRUE(sender.send_line("one line for everyone"));
  auto missing =
      expect_line_on_all(clients, equals("<sender> one line for everyone"), within(20s), 100000);
  EXPECT_TRUE(missing.empty()) << missing.size() << " of " << n
                               << " TLS clients did not get the broadcast, e.g. #"
                               << missing.front() << ": " << clients[missing.front()].diagnostics();
}

TEST(TlsLoad, ANonReadingTlsClientIsCutWhileAReadingOneGetsEveryLineInOrder) {
  TlsChatd chatd(certs().server(), {"--output-limit", "65536"});
  TlsOptions tiny;
  tiny.recv_buffer = 4096;
  TlsLineClient slow = tls_connect_as(chatd.tls_port(), "slow", tiny);
  TlsLineClient fast = tls_connect_as(chatd.tls_port(), "fast");
  LineClient sender = connect_as(chatd.plain_port(), "sender");
  expect_slow_cut_while_fast_gets_everything(slow, fast, sender);
}

}  // namespace
}  // namespace chatd::test
