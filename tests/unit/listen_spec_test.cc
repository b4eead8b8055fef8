// Specs for listener specs: PROTO[+tls][+proxy]://HOST:PORT, and what this chatd refuses.
#include "daemon/listen_spec.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace chatd {
namespace {

// The message parse_listen_spec throws for `text`, or "" if it accepts it.
std::string error_of(std::string_view text) {
  try {
    parse_listen_spec(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

bool mentions(const std::string& message, std::string_view part) {
  return message.find(part) != std::string::npos;
}

TEST(ListenSpec, ReadsBareHostPortAsPlain) {
  const ListenSpec s = parse_listen_spec("127.0.0.1:2023");
  EXPECT_EQ(s.scheme.front_end, FrontEnd::kPlain);
  EXPECT_FALSE(s.scheme.tls);
  EXPECT_FALSE(s.scheme.proxy);
  EXPECT_EQ(s.at.host, "127.0.0.1");
  EXPECT_EQ(s.at.port, 2023);
}

TEST(ListenSpec, ReadsPlainSchemeWithIpv4) {
  const ListenSpec s = parse_listen_spec("plain://0.0.0.0:2023");
  EXPECT_EQ(s.scheme.front_end, FrontEnd::kPlain);
  EXPECT_EQ(s.at.host, "0.0.0.0");
  EXPECT_EQ(s.at.port, 2023);
  EXPECT_FALSE(s.at.is_ipv6());
}

TEST(ListenSpec, ReadsPlainSchemeWithIpv6) {
  const ListenSpec s = parse_listen_spec("plain://[::1]:2024");
  EXPECT_EQ(s.scheme.front_end, FrontEnd::kPlain);
  EXPECT_EQ(s.at.host, "::1");
  EXPECT_EQ(s.at.port, 2024);
  EXPECT_TRUE(s.at.is_ipv6());
}

TEST(ListenSpec, ReadsIrcSchemeWithIpv4) {
  const ListenSpec s = parse_listen_spec("irc://127.0.0.1:6667");
  EXPECT_EQ(s.scheme.front_end, FrontEnd::kIrc);
  EXPECT_EQ(s.at.host, "127.0.0.1");
  EXPECT_EQ(s.at.port, 6667);
}

TEST(ListenSpec, ReadsIrcSchemeWithIpv6) {
  const ListenSpec s = parse_listen_spec("irc://[::]:6667");
  EXPECT_EQ(s.scheme.front_end, FrontEnd::kIrc);
  EXPECT_EQ(s.at.host, "::");
  EXPECT_EQ(s.at.port, 6667);
  EXPECT_TRUE(s.at.is_ipv6());
}

TEST(ListenSpec, WritesSchemeAndAddress) {
  EXPECT_EQ(parse_listen_spec("irc://[::]:6667").to_string(), "irc://[::]:6667");
  EXPECT_EQ(parse_listen_spec("plain://0.0.0.0:2023").to_string(), "plain://0.0.0.0:2023");
  EXPECT_EQ(parse_listen_spec("127.0.0.1:0").to_string(), "plain://127.0.0.1:0");
}

TEST(ListenSpec, RoundTripsThroughToString) {
  for (std::string_view text :
       {"irc://[::]:6667", "irc://10.0.0.1:6697", "plain://[::1]:2023", "plain://0.0.0.0:65535"}) {
    const ListenSpec s = parse_listen_spec(text);
    const ListenSpec again = parse_listen_spec(s.to_string());
    EXPECT_EQ(s.to_string(), text);
    EXPECT_EQ(again.scheme, s.scheme) << text;
    EXPECT_EQ(again.at.host, s.at.host) << text;
    EXPECT_EQ(again.at.port, s.at.port) << text;
  }
}

TEST(ListenSpec, RejectsUnknownProtocolNamingIt) {
  const std::string e = error_of("gopher://1.2.3.4:70");
  EXPECT_TRUE(mentions(e, "gopher")) << e;
  EXPECT_TRUE(mentions(e, "unknown protocol")) << e;
  EXPECT_FALSE(mentions(e, "not supported by this version")) << e;
}

TEST(ListenSpec, RejectsEmptyProtocol) {
  EXPECT_FALSE(error_of("://1.2.3.4:70").empty());
}

TEST(ListenSpec, WebListenersParseWithTlsAndProxy) {
  const ListenSpec web = parse_listen_spec("web://0.0.0.0:8080");
  EXPECT_EQ(web.scheme, Scheme{FrontEnd::kWeb});
  EXPECT_EQ(web.to_string(), "web://0.0.0.0:8080");
  EXPECT_EQ(parse_listen_spec("web+tls://[::]:8443").scheme, (Scheme{FrontEnd::kWeb, true, false}));
  EXPECT_EQ(parse_scheme("web+tls+proxy"), (Scheme{FrontEnd::kWeb, true, true}));
}

TEST(ListenSpec, MetricsListenersParse) {
  const ListenSpec m = parse_listen_spec("metrics://127.0.0.1:9100");
  EXPECT_EQ(m.scheme, Scheme{FrontEnd::kMetrics});
  EXPECT_EQ(m.to_string(), "metrics://127.0.0.1:9100");
}

TEST(ListenSpec, TlsListenersParseForBothProtocols) {
  const ListenSpec irc = parse_listen_spec("irc+tls://[::]:6697");
  EXPECT_EQ(irc.scheme, (Scheme{FrontEnd::kIrc, true, false}));
  EXPECT_EQ(irc.to_string(), "irc+tls://[::]:6697");
  const ListenSpec plain = parse_listen_spec("plain+tls://127.0.0.1:2024");
  EXPECT_EQ(plain.scheme, (Scheme{FrontEnd::kPlain, true, false}));
}

TEST(ListenSpec, ProxyListenersParseForBothProtocolsWithAndWithoutTls) {
  const ListenSpec plain = parse_listen_spec("plain+proxy://0.0.0.0:2023");
  EXPECT_EQ(plain.scheme, (Scheme{FrontEnd::kPlain, false, true}));
  EXPECT_EQ(plain.to_string(), "plain+proxy://0.0.0.0:2023");
  const ListenSpec irc = parse_listen_spec("irc+proxy://127.0.0.1:6667");
  EXPECT_EQ(irc.scheme, (Scheme{FrontEnd::kIrc, false, true}));
  const ListenSpec irc_tls = parse_listen_spec("irc+tls+proxy://[::]:6697");
  EXPECT_EQ(irc_tls.scheme, (Scheme{FrontEnd::kIrc, true, true}));
  EXPECT_EQ(irc_tls.to_string(), "irc+tls+proxy://[::]:6697");
  EXPECT_EQ(parse_listen_spec("plain+tls+proxy://127.0.0.1:1").scheme,
            (Scheme{FrontEnd::kPlain, true, true}));
}

TEST(ListenSpec, RejectsGarbageAfterTheProtocol) {
  const std::string e = error_of("irc+bogus://0.0.0.0:6667");
  EXPECT_TRUE(mentions(e, "bogus")) << e;
  EXPECT_FALSE(mentions(e, "not supported by this version")) << e;
  EXPECT_FALSE(error_of("irc+tlsx://0.0.0.0:6667").empty());
}

TEST(ListenSpec, RejectsOptionsInTheWrongOrder) {
  const std::string e = error_of("irc+proxy+tls://0.0.0.0:6667");
  EXPECT_FALSE(e.empty());
  EXPECT_FALSE(mentions(e, "not supported by this version")) << e;
}

TEST(ListenSpec, RejectsBadAddressAfterTheScheme) {
  EXPECT_FALSE(error_of("irc://").empty());
  EXPECT_FALSE(error_of("irc://localhost:6667").empty());
  EXPECT_FALSE(error_of("irc://1.2.3.4").empty());
  EXPECT_FALSE(error_of("irc://1.2.3.4:70000").empty());
  EXPECT_FALSE(error_of("irc://[::1:6667").empty());
  EXPECT_FALSE(error_of("irc://::1:6667").empty());
}

TEST(ParseScheme, ReadsEachServedProtocol) {
  EXPECT_EQ(parse_scheme("plain"), Scheme{});
  EXPECT_EQ(parse_scheme("irc").front_end, FrontEnd::kIrc);
  EXPECT_EQ(parse_scheme("irc+proxy"), (Scheme{FrontEnd::kIrc, false, true}));
  EXPECT_EQ(parse_scheme("web").front_end, FrontEnd::kWeb);
}

TEST(ParseScheme, ThrowsInvalidArgumentForWhatItCannotServe) {
  EXPECT_THROW(parse_scheme("IRC"), std::invalid_argument);
  EXPECT_THROW(parse_scheme("websocket"), std::invalid_argument);
  EXPECT_THROW(parse_scheme(""), std::invalid_argument);
}

TEST(Scheme, WritesProtocolThenOptions) {
  EXPECT_EQ((Scheme{FrontEnd::kIrc, false, false}).to_string(), "irc");
  EXPECT_EQ((Scheme{FrontEnd::kPlain, true, true}).to_string(), "plain+tls+proxy");
  EXPECT_EQ((Scheme{FrontEnd::kWeb, true, false}).to_string(), "web+tls");
  EXPECT_EQ(to_string(FrontEnd::kMetrics), "metrics");
}

}  // namespace
}  // namespace chatd
