// Specs for the server's side of RFC 6455: the handshake's accept value and
// checks, server frame headers (§5.2, §5.7's examples), Close frames, and the
// WebSocket form of a block of lines, made once and shared.
#include "reactor/websocket/websocket_frame.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "reactor/http/http_request.h"
#include "reactor/message.h"
#include "reactor/utf8.h"
#include "reactor/websocket/websocket_handshake.h"
#include "tests/support/websocket_frames.h"

namespace chatd::test {
namespace {

using reactor::WsOpcode;

std::string hex(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes)
    out += fmt::format("{:02x}", c);
  return out;
}

reactor::HttpRequest upgrade_request() {
  reactor::HttpRequest r;
  r.method = "GET";
  r.target = "/ws";
  r.fields = {{"host", "127.0.0.1:8080"},
              {"upgrade", "websocket"},
              {"connection", "Upgrade"},
              {"sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="},
              {"sec-websocket-version", "13"}};
  return r;
}

void set_field(reactor::HttpRequest& r, std::string_view name, const std::string& value) {
  for (auto& [n, v] : r.fields) {
    if (n == name) v = value;
  }
}

TEST(WebSocketHandshake, TheRfcExampleKeyGivesTheRfcAcceptValue) {
  EXPECT_EQ(reactor::websocket_accept("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  const reactor::WebSocketUpgrade u = reactor::check_websocket_upgrade(upgrade_request());
  EXPECT_EQ(u.refusal, 0) << u.why;
  EXPECT_EQ(u.accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(WebSocketHandshake, ConnectionIsATokenListInAnyCase) {
  for (const char* connection : {"keep-alive, Upgrade", "upgrade", "Upgrade,keep-alive"}) {
    reactor::HttpRequest r = upgrade_request();
    set_field(r, "connection", connection);
    EXPECT_EQ(reactor::check_websocket_upgrade(r).refusal, 0) << connection;
  }
  reactor::HttpRequest r = upgrade_request();
  set_field(r, "connection", "keep-alive");
  EXPECT_EQ(reactor::check_websocket_upgrade(r).refusal, 400);
}

TEST(WebSocketHandshake, AnotherVersionIs426AndABadKeyOrRequestIs400) {
  reactor::HttpRequest r = upgrade_request();
  set_field(r, "sec-websocket-version", "8");
  EXPECT_EQ(reactor::check_websocket_upgrade(r).refusal, 426);

  for (const char* key : {"", "short==", "dGhlIHNhbXBsZSBub25jZQ",
                          "dGhlIHNhbXBsZSBub25j!Q==", "dGhlIHNhbXBsZSBub25jZQZZ"}) {
    r = upgrade_request();
    set_field(r, "sec-websocket-key", key);
    EXPECT_EQ(reactor::check_websocket_upgrade(r).refusal, 400) << key;
  }
  r = upgrade_request();
  r.minor_version = 0;
  EXPECT_EQ(reactor::check_websocket_upgrade(r).refusal, 400);
  r = upgrade_request();
  r.method = "HEAD";
  EXPECT_EQ(reactor::check_websocket_upgrade(r).refusal, 400);
  r = upgrade_request();
  set_field(r, "host", "");
  EXPECT_EQ(reactor::check_websocket_upgrade(r).refusal, 400);
}

TEST(WebSocketHandshake, The101NamesTheAcceptAndNoExtensionOrSubprotocol) {
  const reactor::MessageRef m = reactor::render_switching_protocols("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  const std::string_view text = m.view();
  EXPECT_TRUE(text.starts_with("HTTP/1.1 101 Switching Protocols\r\n"));
  EXPECT_NE(text.find("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), text.npos);
  EXPECT_NE(text.find("\r\nUpgrade: websocket\r\n"), text.npos);
  EXPECT_EQ(text.find("Extensions"), text.npos);
  EXPECT_EQ(text.find("Protocol:"), text.npos);
  EXPECT_TRUE(text.ends_with("\r\n\r\n"));
}

TEST(WebSocketFrame, HeadersUseTheShortestLengthAsInTheRfcExamples) {
  // §5.7: a single-frame unmasked text message "Hello".
  EXPECT_EQ(hex(reactor::make_frame(WsOpcode::kText, "Hello").view()), "810548656c6c6f");
  // §5.7: 256 bytes and 64 KiB in one unmasked binary frame.
  char header[reactor::kMaxFrameHeaderBytes];
  EXPECT_EQ(hex({header, reactor::write_frame_header(header, WsOpcode::kBinary, 256)}), "827e0100");
  EXPECT_EQ(hex({header, reactor::write_frame_header(header, WsOpcode::kBinary, 65536)}),
            "827f0000000000010000");
  for (const auto& [len, size] : {std::pair<std::uint64_t, std::size_t>{0, 2},
                                  {125, 2},
                                  {126, 4},
                                  {127, 4},
                                  {128, 4},
                                  {65535, 4},
                                  {65536, 10}}) {
    EXPECT_EQ(reactor::write_frame_header(header, WsOpcode::kText, len), size) << len;
  }
}

TEST(WebSocketFrame, ControlFramesAreStaticAndCloseCarriesItsCode) {
  EXPECT_EQ(hex(reactor::ping_frame().view()), "8900");
  EXPECT_EQ(reactor::ping_frame().get(), reactor::ping_frame().get());
  EXPECT_EQ(hex(reactor::make_close_frame(reactor::WsClose::kGoingAway).view()), "880203e9");
  const reactor::MessageRef reason =
      reactor::make_close_frame(reactor::WsClose::kPolicy, std::string(200, 'x'));
  EXPECT_EQ(reason.size(), 2u + 125u) << "a control frame's payload is at most 125 bytes";
  EXPECT_EQ(hex(reactor::make_close_echo(0).view()), "8800");
  EXPECT_EQ(hex(reactor::make_close_echo(1000).view()), "880203e8");
}

TEST(WebSocketFrame, TheWebSocketFormHasOneTextFramePerLineAndIsMadeOnce) {
  const reactor::MessageRef lines = reactor::make_line("<alice> hello");
  const reactor::MessageRef framed = lines.websocket_form();
  EXPECT_EQ(framed.view(), std::string("\x81\x0d<alice> hello"));
  EXPECT_EQ(lines.websocket_form().get(), framed.get()) << "framed once, shared after";

  const reactor::MessageRef run(reactor::Message::create("<a> one\r\n<a> two\r\n\r\n"));
  std::string bytes(run.websocket_form().view());
  std::vector<std::string> got;
  while (auto f = take_server_frame(bytes)) {
    EXPECT_EQ(f->first_byte, 0x81);
    EXPECT_FALSE(f->masked);
    got.push_back(f->payload);
  }
  EXPECT_TRUE(bytes.empty());
  EXPECT_EQ(got, (std::vector<std::string>{"<a> one", "<a> two", ""}));

  const std::string long_line(300, 'y');
  const reactor::MessageRef big = reactor::make_line(long_line);
  EXPECT_EQ(hex(big.websocket_form().view().substr(0, 4)), "817e012c");
}

TEST(WebSocketFrame, TheFormDiesWithItsBlock) {
  const std::uint64_t before = reactor::Message::live().blocks;
  {
    const reactor::MessageRef lines = reactor::make_line("x");
    const reactor::MessageRef framed = lines.websocket_form();
    EXPECT_EQ(reactor::Message::live().blocks, before + 2);
  }
  EXPECT_EQ(reactor::Message::live().blocks, before);
}

TEST(WebSocketFrame, CloseCodesAPeerMaySend) {
  for (std::uint16_t ok : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 4999}) {
    EXPECT_TRUE(reactor::is_valid_close_code(ok)) << ok;
  }
  for (std::uint16_t bad : {0, 999, 1004, 1005, 1006, 1012, 1015, 1016, 2999, 5000, 65535}) {
    EXPECT_FALSE(reactor::is_valid_close_code(bad)) << bad;
  }
}

TEST(Utf8, StrictValidation) {
  EXPECT_TRUE(reactor::is_valid_utf8(""));
  EXPECT_TRUE(reactor::is_valid_utf8("hello"));
  EXPECT_TRUE(reactor::is_valid_utf8("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"));  // κόσμε
  EXPECT_TRUE(reactor::is_valid_utf8("\xf0\x9f\x98\x80"));                              // U+1F600
  EXPECT_TRUE(reactor::is_valid_utf8("\xf4\x8f\xbf\xbf"));                              // U+10FFFF
  EXPECT_TRUE(reactor::is_valid_utf8("\xed\x9f\xbf"));                                  // U+D7FF
  EXPECT_FALSE(reactor::is_valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(reactor::is_valid_utf8("\xe0\x80\xaf"));      // overlong
  EXPECT_FALSE(reactor::is_valid_utf8("\xf0\x80\x80\xaf"));  // overlong
  EXPECT_FALSE(reactor::is_valid_utf8("\xed\xa0\x80"));      // U+D800, a surrogate
  EXPECT_FALSE(reactor::is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(reactor::is_valid_utf8("\x80"));              // a lone continuation
  EXPECT_FALSE(reactor::is_valid_utf8("\xce"));              // cut short
  EXPECT_FALSE(reactor::is_valid_utf8("a\xff"));
}

}  // namespace
}  // namespace chatd::test
