// Specs for the HTTP/1.x request-head parser, from RFC 9112's examples and grammar: the
// request line, header fields, the limits, and what it refuses (folding, bodies, controls).
#include "reactor/http/http_request.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "reactor/http/http_response.h"

namespace chatd::reactor {
namespace {

using Status = HttpRequestParser::Status;

// Feeds the head line by line as the framer would (CRLF stripped to the CR).
Status feed(HttpRequestParser& p, std::string_view head) {
  Status s = Status::kIncomplete;
  while (!head.empty() && s == Status::kIncomplete) {
    const std::size_t lf = head.find('\n');
    s = p.feed_line(head.substr(0, lf));
    head.remove_prefix(lf == std::string_view::npos ? head.size() : lf + 1);
  }
  return s;
}

// RFC 9112 section 2.1's example request.
TEST(HttpRequest, ParsesTheRfcExample) {
  HttpRequestParser p;
  ASSERT_EQ(feed(p,
                 "GET /hello.txt HTTP/1.1\r\n"
                 "User-Agent: curl/7.64.1\r\n"
                 "Host: www.example.com\r\n"
                 "Accept-Language: en, mi\r\n"
                 "\r\n"),
            Status::kComplete);
  const HttpRequest& r = p.request();
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/hello.txt");
  EXPECT_EQ(r.minor_version, 1);
  EXPECT_EQ(r.field("host"), "www.example.com");
  EXPECT_EQ(r.field("user-agent"), "curl/7.64.1");
  EXPECT_EQ(r.field("accept-language"), "en, mi");
  EXPECT_TRUE(r.keep_alive());
}

TEST(HttpRequest, FieldNamesAreCaseInsensitiveAndValuesTrimmed) {
  HttpRequestParser p;
  ASSERT_EQ(
      feed(p,
           "GET /metrics?x=1 HTTP/1.1\r\nHOST: \t a \t\r\nConnection: Keep-Alive, Close\r\n\r\n"),
      Status::kComplete);
  EXPECT_EQ(p.request().field("host"), "a");
  EXPECT_EQ(p.request().path(), "/metrics");
  EXPECT_FALSE(p.request().keep_alive()) << "Connection lists close";
}

TEST(HttpRequest, Http10KeepsAliveOnlyWhenAsked) {
  HttpRequestParser p;
  ASSERT_EQ(feed(p, "GET / HTTP/1.0\r\n\r\n"), Status::kComplete) << "no Host needed in 1.0";
  EXPECT_FALSE(p.request().keep_alive());
  p.reset();
  ASSERT_EQ(feed(p, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), Status::kComplete);
  EXPECT_TRUE(p.request().keep_alive());
}

TEST(HttpRequest, EmptyLinesBeforeTheRequestLineAreIgnored) {
  HttpRequestParser p;
  EXPECT_EQ(feed(p, "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"), Status::kComplete);
}

TEST(HttpRequest, ResetStartsTheNextRequest) {
  HttpRequestParser p;
  ASSERT_EQ(feed(p, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"), Status::kComplete);
  p.reset();
  ASSERT_EQ(feed(p, "HEAD /b HTTP/1.1\r\nHost: h\r\n\r\n"), Status::kComplete);
  EXPECT_EQ(p.request().method, "HEAD");
  EXPECT_EQ(p.request().target, "/b");
  EXPECT_EQ(p.request().fields.size(), 1u);
}

struct Bad {
  const char* head;
  int status;
};

TEST(HttpRequest, RefusesMalformedAndUnsupportedHeads) {
  const std::vector<Bad> cases = {
      {"GET\r\n", 400},
      {"GET /\r\n", 400},
      {"GET / HTTP/1.1 extra\r\n", 400},
      {"G(T / HTTP/1.1\r\n", 400},
      {"GET example.com/ HTTP/1.1\r\n", 400},
      {"GET / HTTX/1.1\r\n", 400},
      {"GET / HTTP/2.0\r\n", 505},
      {"GET / HTTP/1.1\r\n\r\n", 400},                                  // no Host
      {"GET / HTTP/1.1\r\nHost: h\r\n folded\r\n", 400},                // obs-fold
      {"GET / HTTP/1.1\r\nHost h\r\n", 400},                            // no colon
      {"GET / HTTP/1.1\r\nBad Name: v\r\n", 400},                       // space in a name
      {"GET / HTTP/1.1\r\nHost: a\x01z\r\n", 400},                      // a control character
      {"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\n", 400},  // a body
      {"GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
  };
  for (const Bad& b : cases) {
    HttpRequestParser p;
    EXPECT_EQ(feed(p, b.head), Status::kBad) << b.head;
    EXPECT_EQ(p.error_status(), b.status) << b.head;
    EXPECT_FALSE(p.error().empty()) << b.head;
  }
}

// RFC 9112 3.2.2: a server must accept the absolute form; what it serves is the path.
TEST(HttpRequest, AnAbsoluteFormTargetIsItsPath) {
  HttpRequestParser p;
  ASSERT_EQ(feed(p,
                 "GET http://www.example.org/pub/WWW/TheProject.html HTTP/1.1\r\n"
                 "Host: www.example.org\r\n\r\n"),
            Status::kComplete);
  EXPECT_EQ(p.request().target, "/pub/WWW/TheProject.html");
  p.reset();
  ASSERT_EQ(feed(p, "GET http://www.example.org HTTP/1.1\r\nHost: h\r\n\r\n"), Status::kComplete);
  EXPECT_EQ(p.request().target, "/");
}

TEST(HttpRequest, ContentLengthZeroIsNoBody) {
  HttpRequestParser p;
  EXPECT_EQ(feed(p, "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"), Status::kComplete);
}

TEST(HttpRequest, LimitsTheFieldCountAndTheHeadSize) {
  HttpRequestParser many;
  std::string head = "GET / HTTP/1.1\r\nHost: h\r\n";
  for (std::size_t i = 0; i < HttpRequestParser::kMaxFields; ++i)
    head += "X-" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(feed(many, head), Status::kBad);
  EXPECT_EQ(many.error_status(), 431);

  HttpRequestParser big;
  const std::string line = "X-Big: " + std::string(1000, 'b') + "\r\n";
  std::string big_head = "GET / HTTP/1.1\r\nHost: h\r\n";
  for (int i = 0; i < 9; ++i)
    big_head += line;
  EXPECT_EQ(feed(big, big_head), Status::kBad);
  EXPECT_EQ(big.error_status(), 431);

  HttpRequestParser overlong;
  EXPECT_EQ(overlong.line_too_long(), Status::kBad);
  EXPECT_EQ(overlong.error_status(), 431);
}

TEST(HttpResponse, RendersStatusLengthFieldsAndBodyUnlessHead) {
  HttpResponse r;
  r.status = 404;
  r.body = "gone\n";
  r.fields.emplace_back("Cache-Control", "no-store");
  r.close = true;
  // The Date field (RFC 9110 6.6.1) is now; take it out to compare the rest.
  auto without_date = [](std::string_view text) {
    const std::size_t at = text.find("\r\nDate: ");
    EXPECT_NE(at, std::string_view::npos) << text;
    const std::size_t end = text.find("\r\n", at + 2);
    EXPECT_TRUE(std::string_view(text.substr(at + 8, end - at - 8)).ends_with(" GMT")) << text;
    return std::string(text.substr(0, at)) + std::string(text.substr(end));
  };
  EXPECT_EQ(without_date(render_response(r, false).view()),
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 5\r\nCache-Control: no-store\r\nConnection: close\r\n\r\ngone\n");
  EXPECT_EQ(without_date(render_response(r, true).view()),
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 5\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n");
}

}  // namespace
}  // namespace chatd::reactor
