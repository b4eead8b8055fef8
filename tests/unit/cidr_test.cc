// Specs for address ranges: parse_cidr, what it refuses, and PeerAddress::in (the check
// that decides whose PROXY header is believed).
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "reactor/address.h"

namespace chatd::reactor {
namespace {

// A numeric IPv4 or IPv6 address as a PeerAddress (port 1), as from_sockaddr would make it.
PeerAddress addr(const std::string& text) {
  std::array<std::uint8_t, 16> bytes{};
  if (inet_pton(AF_INET, text.c_str(), bytes.data()) == 1) {
    return PeerAddress::from_bytes(bytes.data(), 4, 1);
  }
  if (inet_pton(AF_INET6, text.c_str(), bytes.data()) != 1) {
    ADD_FAILURE() << "not a numeric address: " << text;
  }
  return PeerAddress::from_bytes(bytes.data(), 16, 1);
}

bool in(const std::string& address, std::string_view range) {
  return addr(address).in(parse_cidr(range));
}

// The message parse_cidr throws for `text`, or "" if it accepts it.
std::string error_of(std::string_view text) {
  try {
    parse_cidr(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

// ---- parsing --------------------------------------------------------------------------------

TEST(Cidr, ParsesAnIpv4Range) {
  const Cidr net = parse_cidr("127.0.0.0/8");
  EXPECT_EQ(net.family, 4);
  EXPECT_EQ(net.prefix, 8);
  EXPECT_EQ(net.bytes[0], 127);
  EXPECT_EQ(net.to_string(), "127.0.0.0/8");
}

TEST(Cidr, ParsesOneIpv6Address) {
  const Cidr net = parse_cidr("::1/128");
  EXPECT_EQ(net.family, 6);
  EXPECT_EQ(net.prefix, 128);
  EXPECT_EQ(net.bytes[15], 1);
  EXPECT_EQ(net.to_string(), "::1/128");
}

TEST(Cidr, AnAddressWithoutAPrefixIsOneAddress) {
  const Cidr v4 = parse_cidr("10.0.0.1");
  EXPECT_EQ(v4.family, 4);
  EXPECT_EQ(v4.prefix, 32);
  EXPECT_EQ(v4.to_string(), "10.0.0.1/32");
  const Cidr v6 = parse_cidr("2001:db8::7");
  EXPECT_EQ(v6.family, 6);
  EXPECT_EQ(v6.prefix, 128);
  EXPECT_EQ(v6.to_string(), "2001:db8::7/128");
}

TEST(Cidr, ParsesAnIpv6Range) {
  const Cidr net = parse_cidr("2001:db8::/32");
  EXPECT_EQ(net.family, 6);
  EXPECT_EQ(net.prefix, 32);
  EXPECT_EQ(net.to_string(), "2001:db8::/32");
}

TEST(Cidr, ParsesTheWholeIpv4Space) {
  const Cidr net = parse_cidr("0.0.0.0/0");
  EXPECT_EQ(net.family, 4);
  EXPECT_EQ(net.prefix, 0);
  EXPECT_EQ(net.to_string(), "0.0.0.0/0");
}

TEST(Cidr, ToStringReadsBackToTheSameRange) {
  for (std::string_view text : {"127.0.0.0/8", "::1/128", "10.0.0.1/32", "2001:db8::/32",
                                "0.0.0.0/0", "::/0", "172.16.0.0/12", "2001:db8:0:2::/63"}) {
    const Cidr net = parse_cidr(text);
    EXPECT_EQ(net.to_string(), text);
    const Cidr again = parse_cidr(net.to_string());
    EXPECT_EQ(again.family, net.family) << text;
    EXPECT_EQ(again.prefix, net.prefix) << text;
    EXPECT_EQ(again.bytes, net.bytes) << text;
  }
}

TEST(Cidr, RefusesBadRangesNamingTheText) {
  for (std::string_view text :
       {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "host.example", "10.0.0.0/-1",
        "10.0.0.0/8/8", "10.0.0/8", "[::1]/128", "::1/ 64"}) {
    const std::string message = error_of(text);
    ASSERT_FALSE(message.empty()) << "accepted " << text;
    EXPECT_NE(message.find(text), std::string::npos) << message;
  }
  const std::string empty = error_of("");
  EXPECT_FALSE(empty.empty()) << "accepted an empty range";
  EXPECT_NE(empty.find("''"), std::string::npos) << "the empty text shown as '': " << empty;
}

// ---- membership -----------------------------------------------------------------------------

TEST(CidrMembership, Ipv4LoopbackRange) {
  EXPECT_TRUE(in("127.0.0.1", "127.0.0.0/8"));
  EXPECT_TRUE(in("127.255.255.255", "127.0.0.0/8"));
  EXPECT_FALSE(in("128.0.0.1", "127.0.0.0/8"));
  EXPECT_FALSE(in("126.255.255.255", "127.0.0.0/8"));
}

TEST(CidrMembership, Ipv6SingleAddress) {
  EXPECT_TRUE(in("::1", "::1/128"));
  EXPECT_FALSE(in("::2", "::1/128"));
  EXPECT_FALSE(in("::", "::1/128"));
}

TEST(CidrMembership, Ipv4SingleAddress) {
  EXPECT_TRUE(in("10.0.0.1", "10.0.0.1"));
  EXPECT_FALSE(in("10.0.0.2", "10.0.0.1"));
  EXPECT_FALSE(in("10.0.0.0", "10.0.0.1"));
}

TEST(CidrMembership, Ipv6Range) {
  EXPECT_TRUE(in("2001:db8::1", "2001:db8::/32"));
  EXPECT_TRUE(in("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::/32"));
  EXPECT_FALSE(in("2001:db9::", "2001:db8::/32"));
  EXPECT_FALSE(in("2001:db7:ffff::1", "2001:db8::/32"));
}

TEST(CidrMembership, TheWholeSpaceHoldsEveryAddressOfItsFamily) {
  for (const char* a : {"0.0.0.0", "10.1.2.3", "255.255.255.255"})
    EXPECT_TRUE(in(a, "0.0.0.0/0")) << a;
  for (const char* a : {"::", "::1", "2001:db8::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"})
    EXPECT_TRUE(in(a, "::/0")) << a;
}

TEST(CidrMembership, AnIpv4AddressIsNeverInAnIpv6Range) {
  EXPECT_FALSE(in("127.0.0.1", "::/0"));
  EXPECT_FALSE(in("127.0.0.1", "::1/128"));
  EXPECT_FALSE(in("0.0.0.0", "::/0"));
  // An IPv4-mapped address is IPv4: in IPv4 ranges, not in IPv6 ones.
  EXPECT_FALSE(in("::ffff:127.0.0.1", "::/0"));
  EXPECT_TRUE(in("::ffff:127.0.0.1", "127.0.0.0/8"));
}

TEST(CidrMembership, AnIpv6AddressIsNeverInAnIpv4Range) {
  EXPECT_FALSE(in("::1", "0.0.0.0/0"));
  EXPECT_FALSE(in("::", "0.0.0.0/0"));
  EXPECT_FALSE(in("2001:db8::1", "0.0.0.0/0"));
  // Its first four bytes matching an IPv4 range does not make it IPv4.
  EXPECT_FALSE(in("7f00:1::", "127.0.0.0/8"));
}

TEST(CidrMembership, AnUnknownAddressIsInNoRange) {
  const PeerAddress unknown;
  EXPECT_FALSE(unknown.in(parse_cidr("0.0.0.0/0")));
  EXPECT_FALSE(unknown.in(parse_cidr("::/0")));
}

TEST(CidrMembership, APrefixThatIsNotByteAlignedComparesItsBits) {
  // 172.16.0.0/12 is 172.16.0.0 - 172.31.255.255.
  EXPECT_TRUE(in("172.16.0.0", "172.16.0.0/12"));
  EXPECT_TRUE(in("172.31.255.255", "172.16.0.0/12"));
  EXPECT_FALSE(in("172.32.0.0", "172.16.0.0/12"));
  EXPECT_FALSE(in("172.15.255.255", "172.16.0.0/12"));
  // 2001:db8:0:2::/63 is 2001:db8:0:2:: - 2001:db8:0:3:ffff:ffff:ffff:ffff.
  EXPECT_TRUE(in("2001:db8:0:2::", "2001:db8:0:2::/63"));
  EXPECT_TRUE(in("2001:db8:0:3:ffff:ffff:ffff:ffff", "2001:db8:0:2::/63"));
  EXPECT_FALSE(in("2001:db8:0:4::", "2001:db8:0:2::/63"));
  EXPECT_FALSE(in("2001:db8:0:1:ffff:ffff:ffff:ffff", "2001:db8:0:2::/63"));
  // One bit: /1 splits the space in half.
  EXPECT_TRUE(in("127.255.255.255", "0.0.0.0/1"));
  EXPECT_FALSE(in("128.0.0.0", "0.0.0.0/1"));
}

TEST(CidrMembership, ThePortDoesNotMatter) {
  std::array<std::uint8_t, 4> bytes = {10, 1, 2, 3};
  for (int port : {0, 1, 2023, 65535}) {
    const auto p = PeerAddress::from_bytes(bytes.data(), 4, static_cast<std::uint16_t>(port));
    EXPECT_TRUE(p.in(parse_cidr("10.0.0.0/8"))) << port;
  }
}

}  // namespace
}  // namespace chatd::reactor
