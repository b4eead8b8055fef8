// Specs for the web front end's Origin check (RFC 6454's serialisation, RFC
// 6455 §10.2) and its reading of X-Forwarded-For.
#include "daemon/web/web_origin.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "daemon/web/forwarded_for.h"

namespace chatd {
namespace {

reactor::HttpRequest request(std::vector<std::pair<std::string, std::string>> fields) {
  reactor::HttpRequest r;
  r.method = "GET";
  r.target = "/ws";
  r.fields = std::move(fields);
  return r;
}

TEST(NormalizeOrigin, LowersCaseAndDropsTheDefaultPort) {
  EXPECT_EQ(normalize_origin("HTTPS://Chat.Example.ORG"), "https://chat.example.org");
  EXPECT_EQ(normalize_origin("https://chat.example.org:443"), "https://chat.example.org");
  EXPECT_EQ(normalize_origin("http://localhost:80"), "http://localhost");
  EXPECT_EQ(normalize_origin("http://localhost:8080"), "http://localhost:8080");
  EXPECT_EQ(normalize_origin("http://[::1]:8080"), "http://[::1]:8080");
}

TEST(NormalizeOrigin, RefusesWhatIsNotAnOrigin) {
  EXPECT_THROW(normalize_origin("chat.example.org"), std::invalid_argument);
  EXPECT_THROW(normalize_origin("ftp://chat.example.org"), std::invalid_argument);
  EXPECT_THROW(normalize_origin("https://chat.example.org/page"), std::invalid_argument);
  EXPECT_THROW(normalize_origin("https://user@chat.example.org"), std::invalid_argument);
  EXPECT_THROW(normalize_origin("https://"), std::invalid_argument);
  EXPECT_THROW(normalize_origin("null"), std::invalid_argument);
}

TEST(OriginAllowed, NoOriginIsAToolAndAllowed) {
  EXPECT_TRUE(origin_allowed(request({{"host", "chat.example.org"}}), {}));
}

TEST(OriginAllowed, ThePageChatdServedIsAllowed) {
  EXPECT_TRUE(origin_allowed(
      request({{"host", "127.0.0.1:8080"}, {"origin", "http://127.0.0.1:8080"}}), {}));
  EXPECT_TRUE(origin_allowed(
      request({{"host", "Chat.Example.org"}, {"origin", "https://chat.example.org"}}), {}));
  EXPECT_TRUE(origin_allowed(
      request({{"host", "chat.example.org:443"}, {"origin", "https://chat.example.org"}}), {}));
}

TEST(OriginAllowed, AnotherSiteIsRefusedUnlessListed) {
  const auto from_elsewhere =
      request({{"host", "chat.example.org"}, {"origin", "https://evil.example"}});
  EXPECT_FALSE(origin_allowed(from_elsewhere, {}));
  const std::vector<std::string> allowed = {normalize_origin("https://EVIL.example:443")};
  EXPECT_TRUE(origin_allowed(from_elsewhere, allowed));
  // Another port or scheme is another origin.
  EXPECT_FALSE(origin_allowed(
      request({{"host", "127.0.0.1:8080"}, {"origin", "http://127.0.0.1:9090"}}), {}));
  EXPECT_FALSE(origin_allowed(
      request({{"host", "chat.example.org"}, {"origin", "https://chat.example.org:8443"}}), {}));
}

TEST(OriginAllowed, ANullOrMalformedOriginIsRefused) {
  EXPECT_FALSE(origin_allowed(request({{"host", "localhost"}, {"origin", "null"}}), {}));
  EXPECT_FALSE(
      origin_allowed(request({{"host", "localhost"}, {"origin", "http://localhost/x"}}), {}));
  EXPECT_FALSE(origin_allowed(request({{"origin", "http://localhost"}}), {})) << "no Host";
}

TEST(ForwardedFor, TakesTheLastEntryOfTheLastField) {
  const auto one = forwarded_client(request({{"x-forwarded-for", "198.51.100.7"}}));
  ASSERT_TRUE(one);
  EXPECT_EQ(one->host(), "198.51.100.7");
  const auto chain = forwarded_client(request({{"x-forwarded-for", "10.9.9.9, 203.0.113.1"},
                                               {"x-forwarded-for", "192.0.2.1 ,  2001:db8::5 "}}));
  ASSERT_TRUE(chain);
  EXPECT_EQ(chain->host(), "2001:db8::5");
  EXPECT_TRUE(chain->is_ipv6());
}

TEST(ForwardedFor, IgnoresAnythingButANumericAddress) {
  EXPECT_FALSE(forwarded_client(request({})));
  EXPECT_FALSE(forwarded_client(request({{"x-forwarded-for", ""}})));
  EXPECT_FALSE(forwarded_client(request({{"x-forwarded-for", "unknown"}})));
  EXPECT_FALSE(forwarded_client(request({{"x-forwarded-for", "client.example"}})));
  EXPECT_FALSE(forwarded_client(request({{"x-forwarded-for", "198.51.100.0/24"}})));
  EXPECT_FALSE(forwarded_client(request({{"x-forwarded-for", "1.2.3.4, "}})));
}

}  // namespace
}  // namespace chatd
