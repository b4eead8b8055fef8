// Real TLS clients from Debian against the real chatd: `openssl s_client` registering over
// irc+tls and verifying the chain and the name localhost, and irssi (-tls -tls_cafile) and
// weechat-headless (the test CA in gnutls_ca_user) in a room with a plain (nc-like) user. Each
// is skipped, saying so, only when the client is not installed (scripts/setup.sh installs them
// all).
#include <gtest/gtest.h>

#include <string>

#include "tests/support/line_client.h"
#include "tests/support/real_clients.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_certs.h"
#include "tests/support/tls_chatd.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

std::string address(std::uint16_t port) {
  return "127.0.0.1:" + std::to_string(port);
}

TEST(TlsRealClients, OpensslSClientRegistersOverIrcTlsAndReads001) {
  REQUIRE_PROGRAM("openssl");
  TestCerts certs;
  TlsChatd chatd(certs.server(), {"--server-name", "irc.test"});
  const std::string input = certs.dir().write("irc-input", "NICK bob\r\nUSER bob 0 * :Bob\r\n");
  // s_client reads its stdin from the file; -quiet keeps the connection open after its end
  // and prints only what the server sends. exec, so that the pid is s_client's own.
  Subprocess s_client({{"sh", "-c",
                        "exec openssl s_client -connect \"$1\" -CAfile \"$2\" -servername "
                        "localhost -verify_return_error -quiet < \"$3\"",
                        "sh", address(chatd.irc_tls_port()), certs.ca_cert(), input},
                       {},
                       false});
  EXPECT_TRUE(s_client.wait_for_output(":irc.test 001 bob :", within(10s))) << s_client.output();
}

TEST(TlsRealClients, OpensslSClientVerifiesTheChainAndTheHostnameLocalhost) {
  REQUIRE_PROGRAM("openssl");
  TestCerts certs;
  TlsChatd chatd(certs.server());
  auto s_client = [&](const std::string& name) {
    return run_tool(
        {"openssl", "s_client", "-connect", address(chatd.tls_port()), "-CAfile", certs.ca_cert(),
         "-servername", "localhost", "-verify_return_error", "-verify_hostname", name, "-brief"},
        within(10s));  // stdin is /dev/null: it closes after the handshake
  };
  const ToolResult good = s_client("localhost");
  EXPECT_EQ(good.exit_code(), 0) << good.output;
  EXPECT_NE(good.output.find("Verification: OK"), std::string::npos) << good.output;
  EXPECT_NE(good.output.find("Verified peername: localhost"), std::string::npos) << good.output;
  // The control: the same command for another name fails, so the check above is real.
  const ToolResult wrong = s_client("example.com");
  EXPECT_NE(wrong.exit_code(), 0) << wrong.output;
  EXPECT_NE(wrong.output.find("hostname mismatch"), std::string::npos) << wrong.output;
}

TEST(TlsRealClients, IrssiOverTlsJoinsAndTalksWithAPlainUser) {
  REQUIRE_PROGRAM("irssi");
  REQUIRE_PROGRAM("tmux");
  TestCerts certs;
  TlsChatd chatd(certs.server());
  LineClient carol = connect_as(chatd.plain_port(), "carol");
  TempDir home("irssi-tls");
  const std::string log = "logs/chatd/#lobby.log";
  home.write("config", irssi_config(home.path(), ""));
  // irssi runs its startup file's commands once it is up: no typing into a client still
  // starting. localhost, so that the name irssi verifies is the certificate's.
  home.write("startup", "/connect -tls -tls_cafile " + certs.ca_cert() +
                            " -tls_verify -network chatd localhost " +
                            std::to_string(chatd.irc_tls_port()) + "\n");
  PrivateTmux tmux("irssi --home=" + home.path().string());
  ASSERT_TRUE(carol.expect_line(equals("*** alice joined #lobby"), within(20s)))
      << carol.diagnostics() << "\nirssi's log:\n"
      << home.read(log);
  ASSERT_TRUE(carol.send_line("hello irssi over tls"));
  EXPECT_TRUE(eventually_matches([&] { return home.read(log); }, "< ?@?carol> hello irssi over tls",
                                 within(10s)))
      << home.read(log);
  tmux.type("/window goto #lobby");  // autojoin leaves the status window in front
  tmux.type("hi from irssi over tls");
  EXPECT_TRUE(carol.expect_line(equals("<alice> hi from irssi over tls"), within(10s)))
      << carol.diagnostics();
}

TEST(TlsRealClients, WeechatOverTlsJoinsAndTalksWithAPlainUser) {
  REQUIRE_PROGRAM("weechat-headless");
  TestCerts certs;
  TlsChatd chatd(certs.server());
  LineClient carol = connect_as(chatd.plain_port(), "carol");
  // gnutls_ca_user adds the test CA to what WeeChat trusts; ssl_verify (WeeChat 3.8's name;
  // 4.0 renamed the server options tls*) makes a chain it does not trust, or a certificate
  // for another name than the address, fatal. localhost, so that the name is the certificate's.
  HeadlessWeechat weechat(
      "/set weechat.network.gnutls_ca_user " + certs.ca_cert() + "; " +
      weechat_lobby_commands("localhost/" + std::to_string(chatd.irc_tls_port()) + " -ssl",
                             "/set irc.server.chatd.ssl_verify on"));
  auto server_log = [&] { return weechat.log("irc.server.chatd"); };
  auto log = [&] { return weechat.log("irc.chatd.#lobby"); };
  ASSERT_TRUE(carol.expect_line(equals("*** bob joined #lobby"), within(20s)))
      << carol.diagnostics() << "\nWeeChat's server log:\n"
      << server_log();
  // Written before the connection counts as up: the chain was verified, not just accepted.
  EXPECT_TRUE(eventually_matches(server_log, "gnutls: peer's certificate is trusted", within(5s)))
      << server_log();
  ASSERT_TRUE(carol.send_line("hello weechat over tls"));
  EXPECT_TRUE(eventually_matches(log, "\t@?carol\thello weechat over tls", within(10s))) << log();
  ASSERT_TRUE(weechat.type("irc.chatd.#lobby", "hi from weechat over tls", within(10s)))
      << "no FIFO in " << weechat.dir().path();
  EXPECT_TRUE(carol.expect_line(equals("<bob> hi from weechat over tls"), within(10s)))
      << carol.diagnostics();
  ASSERT_TRUE(weechat.type("irc.chatd.#lobby", "/quit leaving", within(10s)));
  EXPECT_TRUE(carol.expect_line(equals("*** bob quit (leaving)"), within(10s)))
      << carol.diagnostics();
  EXPECT_TRUE(weechat.process().wait_exit(within(10s))) << weechat.process().output();
}

}  // namespace
}  // namespace chatd::test
