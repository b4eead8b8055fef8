// Integration tests of the web front end against the real chatd: the page and
// its headers, health, the WebSocket handshake and its refusals, browsers and
// nc users in one room, broken frames, 300 browsers hearing one line, a
// browser that never reads, X-Forwarded-For, the goodbye at shutdown, and all of
// it over TLS.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <csignal>
#include <string>
#include <vector>

#include "tests/support/chatd_process.h"
#include "tests/support/fd_budget.h"
#include "tests/support/http_get.h"
#include "tests/support/irc_client.h"
#include "tests/support/line_client.h"
#include "tests/support/test_certs.h"
#include "tests/support/tls_chatd.h"
#include "tests/support/tls_client.h"
#include "tests/support/websocket_client.h"
#include "tests/support/websocket_frames.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

// chatd with a web, a plain, an IRC and a metrics listener on loopback.
struct WebChatd {
  explicit WebChatd(std::vector<std::string> extra = {})
      : chatd([&] {
          ChatdOptions o;
          o.default_listen = false;
          o.args = {"--listen", "web://127.0.0.1:0", "--listen", "127.0.0.1:0",
                    "--listen", "irc://127.0.0.1:0", "--listen", "metrics://127.0.0.1:0"};
          o.args.insert(o.args.end(), extra.begin(), extra.end());
          return o;
        }()),
        web(chatd.port_of("web")),
        plain(chatd.port_of("plain")),
        irc(chatd.port_of("irc")),
        metrics(chatd.port_of("metrics")) {}

  std::string metrics_page() {
    const std::optional<HttpReply> r = http_get(metrics, "/metrics");
    return r ? r->body : std::string();
  }

  ChatdProcess chatd;
  std::uint16_t web;
  std::uint16_t plain;
  std::uint16_t irc;
  std::uint16_t metrics;
};

std::string get(std::uint16_t port, std::string_view path, std::string_view more_fields = {}) {
  return "GET " + std::string(path) + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
         "\r\n" + std::string(more_fields) + "Connection: close\r\n\r\n";
}

WebSocketOptions from_origin(std::string origin) {
  WebSocketOptions o;
  o.origin = std::move(origin);
  return o;
}

WebSocketOptions forwarded_for(std::string chain) {
  WebSocketOptions o;
  o.fields.push_back("X-Forwarded-For: " + std::move(chain));
  return o;
}

WebSocketClient browser_as(std::uint16_t port, std::string_view nick) {
  WebSocketClient ws(port);
  take_nick(ws, nick, default_deadline());
  return ws;
}

TEST(WebPage, IsServedWithItsScriptStylesheetAndSecurityHeaders) {
  WebChatd s;
  const std::optional<HttpReply> page = http_exchange(s.web, get(s.web, "/"));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->field("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(page->field("content-security-policy").find("script-src 'self'"), std::string::npos);
  EXPECT_NE(page->field("content-security-policy").find("frame-ancestors 'none'"),
            std::string::npos);
  EXPECT_EQ(page->field("x-content-type-options"), "nosniff");
  EXPECT_EQ(page->field("referrer-policy"), "no-referrer");
  EXPECT_EQ(page->field("cache-control"), "no-cache");
  EXPECT_NE(page->body.find("<script src=\"/chat.js\""), std::string::npos);
  EXPECT_EQ(page->body.find("<script>"), std::string::npos) << "no inline script";
  EXPECT_EQ(page->body.find("style="), std::string::npos) << "no inline style";

  const std::optional<HttpReply> js = http_exchange(s.web, get(s.web, "/chat.js"));
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->field("content-type"), "text/javascript; charset=utf-8");
  EXPECT_NE(js->body.find("new WebSocket"), std::string::npos);
  const std::optional<HttpReply> css = http_exchange(s.web, get(s.web, "/chat.css"));
  ASSERT_TRUE(css);
  EXPECT_EQ(css->field("content-type"), "text/css; charset=utf-8");
  EXPECT_NE(css->body.find("prefers-color-scheme: dark"), std::string::npos);
}

TEST(WebPage, ARequestWithTheETagIsAnsweredNotModified) {
  WebChatd s;
  const std::optional<HttpReply> first = http_exchange(s.web, get(s.web, "/chat.js"));
  ASSERT_TRUE(first);
  const std::string etag = first->field("etag");
  ASSERT_FALSE(etag.empty());
  const std::optional<HttpReply> again =
      http_exchange(s.web, get(s.web, "/chat.js", "If-None-Match: " + etag + "\r\n"));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  EXPECT_EQ(again->field("etag"), etag);
}

TEST(WebPage, HealthErrorsAndKeepAlive) {
  WebChatd s;
  EXPECT_EQ(http_exchange(s.web, get(s.web, "/livez"))->status, 200);
  EXPECT_EQ(http_exchange(s.web, get(s.web, "/readyz"))->status, 200);
  EXPECT_EQ(http_exchange(s.web, get(s.web, "/nothing-here"))->status, 404);
  EXPECT_EQ(http_exchange(s.web, get(s.web, "/ws"))->status, 426) << "/ws without an upgrade";
  const std::optional<HttpReply> post =
      http_exchange(s.web, "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(http_exchange(s.web, "GARBAGE\r\n\r\n")->status, 400);

  // Two requests on one connection: both answered, the connection stays.
  LineClient c(s.web);
  const std::string keep = "GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  ASSERT_TRUE(c.send_raw(keep + keep));
  ASSERT_TRUE(c.expect_line(starts_with("HTTP/1.1 200")));
  ASSERT_TRUE(c.expect_line(starts_with("HTTP/1.1 200"))) << c.diagnostics();
  EXPECT_FALSE(c.closed());
}

TEST(WebSocket, ABrowserAndAPlainUserExchangeLinesBothWays) {
  WebChatd s;
  WebSocketClient ws = browser_as(s.web, "webby");
  LineClient nc = connect_as(s.plain, "tcpy");
  EXPECT_TRUE(ws.expect_line(contains("is now known as tcpy"))) << ws.diagnostics();
  EXPECT_EQ(ws.handshake().field("sec-websocket-extensions"), "") << "no permessage-deflate";

  ASSERT_TRUE(nc.send_line("hello from the terminal"));
  EXPECT_TRUE(ws.expect_line(equals("<tcpy> hello from the terminal"))) << ws.diagnostics();
  ASSERT_TRUE(ws.send_line("hello from the browser"));
  EXPECT_TRUE(nc.expect_line(equals("<webby> hello from the browser"))) << nc.diagnostics();
  ASSERT_TRUE(ws.send_line("/me waves"));
  EXPECT_TRUE(nc.expect_line(equals("* webby waves"))) << nc.diagnostics();
  EXPECT_TRUE(ws.frame_errors().empty()) << ws.diagnostics();
  EXPECT_GT(ws.frames_received(), 3u);
  EXPECT_NE(s.metrics_page().find("chatd_connections{proto=\"web\"} 1"), std::string::npos);
}

TEST(WebSocket, ABrowserAndAnIrcUserShareARoom) {
  WebChatd s;
  WebSocketClient ws = browser_as(s.web, "webby");
  IrcClient irc = connect_irc(s.irc, "ircy");
  irc.join("#lobby");
  EXPECT_TRUE(ws.expect_line(equals("*** ircy joined #lobby"))) << ws.diagnostics();
  ASSERT_TRUE(ws.send_line("hello from the browser"));
  EXPECT_TRUE(irc.expect(matches(R"(:webby!\S+ PRIVMSG #lobby :hello from the browser)")))
      << irc.diagnostics();
  ASSERT_TRUE(irc.send("PRIVMSG #lobby :hello from irssi's kind"));
  EXPECT_TRUE(ws.expect_line(equals("<ircy> hello from irssi's kind"))) << ws.diagnostics();
}

TEST(WebSocket, AQuitEndsWithCloseNormal) {
  WebChatd s;
  WebSocketClient ws = browser_as(s.web, "leaver");
  ASSERT_TRUE(ws.send_line("/quit"));
  ASSERT_TRUE(ws.read_until_closed()) << ws.diagnostics();
  EXPECT_EQ(ws.close_code(), 1000);
}

TEST(WebSocket, APageOfAnotherSiteIsRefusedWith403AndCounted) {
  WebChatd s({"--web-origin", "https://chat.example.org"});
  const std::optional<HttpReply> evil =
      http_exchange(s.web, upgrade_request(s.web, from_origin("http://evil.example")));
  ASSERT_TRUE(evil);
  EXPECT_EQ(evil->status, 403);
  EXPECT_NE(s.metrics_page().find("chatd_connections_refused_total{reason=\"origin\"} 1"),
            std::string::npos);
  // chatd's own page, a listed origin, and a tool that sends none.
  const std::string own = "http://127.0.0.1:" + std::to_string(s.web);
  EXPECT_NO_THROW(WebSocketClient(s.web, from_origin(own)));
  EXPECT_NO_THROW(WebSocketClient(s.web, from_origin("https://chat.example.org")));
  EXPECT_NO_THROW(WebSocketClient(s.web, {}));
}

TEST(WebSocket, AnotherProtocolVersionIsAskedForThirteen) {
  WebChatd s;
  std::string request = upgrade_request(s.web, {});
  request.replace(request.find("Version: 13"), 11, "Version: 8");
  const std::optional<HttpReply> r = http_exchange(s.web, request);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 426);
  EXPECT_EQ(r->field("sec-websocket-version"), "13");
}

TEST(WebSocket, BrokenOrOversizeFramesCloseOnlyTheirConnection) {
  WebChatd s;
  LineClient nc = connect_as(s.plain, "witness");
  WebSocketClient good = browser_as(s.web, "good");
  struct Case {
    std::string frame;
    std::uint16_t code;
  };
  const std::vector<Case> cases = {
      {encode_client_frame({.opcode = 0x1, .payload = "Hello", .masked = false}), 1002},
      {encode_client_frame({.opcode = 0x1, .payload = "bad \xC3\x28 utf-8"}), 1007},
      {encode_client_frame({.opcode = 0x2, .payload = "binary"}), 1003},
      {encode_client_frame({.opcode = 0x1, .payload = std::string(70000, 'x')}), 1009},
      {encode_client_frame({.opcode = 0x1, .payload = "x", .rsv = 0x40}), 1002},
  };
  for (const Case& c : cases) {
    WebSocketClient bad(s.web);
    ASSERT_TRUE(bad.send_raw(c.frame));
    ASSERT_TRUE(bad.read_until_closed()) << bad.diagnostics();
    EXPECT_EQ(bad.close_code(), c.code) << bad.diagnostics();
  }
  // A line over --max-line-bytes but within a frame's limit is refused, and
  // the connection stays.
  ASSERT_TRUE(good.send_line(std::string(5000, 'y')));
  EXPECT_TRUE(good.expect_line(starts_with("! line too long"))) << good.diagnostics();
  ASSERT_TRUE(good.send_line("still here"));
  EXPECT_TRUE(nc.expect_line(equals("<good> still here"))) << nc.diagnostics();
}

TEST(WebSocket, ThreeHundredBrowsersReceiveOneBroadcast) {
  const std::size_t n = affordable_clients(300);
  WebChatd s;
  std::vector<WebSocketClient> browsers;
  browsers.reserve(n);
  const Deadline deadline = within(30s);
  for (std::size_t i = 0; i < n; ++i)
    browsers.emplace_back(s.web, WebSocketOptions{}, deadline);
  LineClient nc = connect_as(s.plain, "announcer");
  ASSERT_TRUE(nc.send_line("/who"));
  ASSERT_TRUE(nc.expect_line(starts_with("*** " + std::to_string(n + 1) + " users in #lobby")))
      << nc.diagnostics();
  ASSERT_TRUE(nc.send_line("one line for everyone"));
  const std::vector<std::size_t> missing =
      expect_line_on_all(browsers, equals("<announcer> one line for everyone"), within(20s), 1000);
  EXPECT_TRUE(missing.empty()) << missing.size() << " of " << n << " browsers did not get it";
  for (const WebSocketClient& b : browsers)
    ASSERT_TRUE(b.frame_errors().empty());
}

TEST(WebSocket, ABrowserThatNeverReadsIsCutWhileAReaderGetsEveryLineInOrder) {
  WebChatd s({"--output-limit", "262144"});
  ClientOptions tiny;
  tiny.recv_buffer = 4096;
  WebSocketOptions slow;
  slow.client = tiny;
  WebSocketClient stuck(s.web, slow);
  take_nick(stuck, "stuck", default_deadline());
  WebSocketClient reader = browser_as(s.web, "reader");
  LineClient sender = connect_as(s.plain, "sender");
  ASSERT_TRUE(reader.expect_line(contains("is now known as sender"))) << reader.diagnostics();
  const std::string filler(380, 'p');
  bool cut = false;
  int received = 0;
  constexpr int kBatch = 100;
  constexpr int kMaxLines = 20000;  // 8 MB: far past the output limit
  for (int sent = 0; sent < kMaxLines && !cut && !::testing::Test::HasFailure();) {
    std::string batch;
    for (int i = 0; i < kBatch; ++i, ++sent)
      batch += std::to_string(sent) + " " + filler + "\n";
    ASSERT_TRUE(sender.send_raw(batch, within(10s)));
    while (received < sent) {
      const std::optional<std::string> line = reader.read_line(within(10s));
      ASSERT_TRUE(line) << reader.diagnostics();
      if (*line == "*** stuck quit (too slow to receive)") {
        cut = true;
        continue;
      }
      ASSERT_EQ(*line, "<sender> " + std::to_string(received) + " " + filler);
      ++received;
    }
  }
  EXPECT_TRUE(cut) << "the browser that never reads was not cut";
  EXPECT_TRUE(stuck.read_until_closed(within(10s)));
  EXPECT_NE(s.metrics_page().find("chatd_disconnects_total{reason=\"slow_consumer\"} 1"),
            std::string::npos);
}

TEST(WebSocket, ForwardedForCountsOnlyFromATrustedProxy) {
  // Loopback is a trusted proxy by default: each forwarded client is its own address.
  {
    WebChatd s({"--max-per-ip", "1"});
    WebSocketClient a(s.web, forwarded_for("198.51.100.1"));
    WebSocketClient b(s.web, forwarded_for("203.0.113.9, 198.51.100.2"));
    const std::optional<HttpReply> again =
        http_exchange(s.web, upgrade_request(s.web, forwarded_for("198.51.100.1")));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 429) << "one user per address";
  }
  // From a source that is not a proxy the field is ignored: the peer counts.
  {
    WebChatd s({"--max-per-ip", "1", "--proxy-from", "192.0.2.0/24"});
    WebSocketClient a(s.web, forwarded_for("198.51.100.1"));
    const std::optional<HttpReply> b =
        http_exchange(s.web, upgrade_request(s.web, forwarded_for("198.51.100.2")));
    ASSERT_TRUE(b);
    EXPECT_EQ(b->status, 429);
  }
}

TEST(WebSocket, ShutdownSaysSoThenClosesGoingAway) {
  WebChatd s;
  WebSocketClient ws = browser_as(s.web, "stayer");
  ASSERT_TRUE(s.chatd.send_signal(SIGTERM));
  EXPECT_TRUE(ws.expect_line(equals("*** server shutting down"))) << ws.diagnostics();
  ASSERT_TRUE(ws.read_until_closed()) << ws.diagnostics();
  EXPECT_EQ(ws.close_code(), 1001);
  const std::optional<int> status = s.chatd.wait_exit(within(10s));
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
}

TEST(WebOverTls, ThePageAndTheWebSocketAreServedOverTls) {
  TestCerts certs;
  ChatdOptions o;
  o.default_listen = false;
  o.args = tls_flags(certs.server());
  o.args.insert(o.args.end(), {"--listen", "web+tls://127.0.0.1:0", "--listen", "127.0.0.1:0"});
  ChatdProcess chatd(o);
  const std::uint16_t port = chatd.port_of("web+tls");
  ASSERT_NE(port, 0) << chatd.log_text();
  TlsLineClient page(port, trusting(certs.ca_cert()));
  ASSERT_TRUE(page.send_raw("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
  EXPECT_TRUE(page.expect_line(equals("HTTP/1.1 200 OK"))) << page.diagnostics();
  EXPECT_TRUE(page.expect_line(starts_with("Content-Security-Policy: "))) << page.diagnostics();
  EXPECT_TRUE(page.expect_line(equals("<!doctype html>"))) << page.diagnostics();

  // The upgrade over TLS: the answer, then the greeting in a text frame.
  TlsLineClient ws(port, trusting(certs.ca_cert()));
  ASSERT_TRUE(ws.send_raw(upgrade_request(port, {})));
  EXPECT_TRUE(ws.expect_line(equals("HTTP/1.1 101 Switching Protocols"))) << ws.diagnostics();
  EXPECT_TRUE(ws.expect_line(equals("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")))
      << ws.diagnostics();
  ASSERT_TRUE(ws.send_raw(text_frame("/who")));
  // The frames carry no newline: the welcome and the /who reply arrive as one run of bytes
  // that ends where the server's FIN ends the connection, after /quit.
  ASSERT_TRUE(ws.send_raw(text_frame("/quit")));
  EXPECT_TRUE(ws.expect_line(contains("*** welcome to chatd, you are guest-"))) << ws.diagnostics();
}

}  // namespace
}  // namespace chatd::test
