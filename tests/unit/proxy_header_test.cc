// Specs for the PROXY protocol header parser (HAProxy's proxy-protocol.txt, v1 and v2): the
// spec's examples, exact `consumed`, prefixes that need more, and what it must refuse.
#include "reactor/proxy_header.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace chatd::reactor {
namespace {

using namespace std::string_literals;
using Status = ProxyParse::Status;

// ---- building headers -----------------------------------------------------------------------

const std::string kSignature("\r\n\r\n\0\r\nQUIT\n", 12);

std::string be16(unsigned v) {
  return {static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)};
}

// A v2 header: the signature, version/command and family bytes, the body's length, the body.
std::string v2(std::uint8_t ver_cmd, std::uint8_t family, const std::string& body) {
  return kSignature + static_cast<char>(ver_cmd) + static_cast<char>(family) + be16(body.size()) +
         body;
}

// The 12 address bytes of an IPv4 body: 203.0.113.7:55555 -> 127.0.0.1:2023.
const std::string kTcp4Addresses = "\xcb\x00\x71\x07\x7f\x00\x00\x01\xd9\x03\x07\xe7"s;
// The 36 of an IPv6 body: [2001:db8::1]:4242 -> [::1]:6667.
const std::string kTcp6Addresses = "\x20\x01\x0d\xb8"s + std::string(11, '\0') + "\x01"s +
                                   std::string(15, '\0') + "\x01"s + be16(4242) + be16(6667);

std::string tlv(std::uint8_t type, const std::string& value) {
  return static_cast<char>(type) + be16(value.size()) + value;
}
// PP2_TYPE_SSL: the client byte, a 4-byte verify result, then sub-TLVs (here a version).
std::string ssl_tlv(std::uint8_t client) {
  return tlv(0x20, static_cast<char>(client) + std::string(4, '\0') + tlv(0x21, "TLSv1.3"));
}

const std::string kV1Tcp4 = "PROXY TCP4 203.0.113.7 127.0.0.1 55555 6667\r\n";
const std::string kV1Tcp6 = "PROXY TCP6 2001:db8::1 ::1 4242 6667\r\n";
const std::string kFullV6 = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
// The spec's worst case: 107 bytes, CRLF included.
const std::string kV1WorstCase = "PROXY UNKNOWN " + kFullV6 + " " + kFullV6 + " 65535 65535\r\n";
const std::string kV2Tcp4 = v2(0x21, 0x11, kTcp4Addresses);
const std::string kV2Tcp6 = v2(0x21, 0x21, kTcp6Addresses);
const std::string kV2Local = v2(0x20, 0x00, "");

// ---- checking results -----------------------------------------------------------------------

std::string status_name(Status s) {
  switch (s) {
    case Status::kNeedMore:
      return "kNeedMore";
    case Status::kDone:
      return "kDone";
    case Status::kInvalid:
      return "kInvalid";
  }
  return "?";
}

// Printable bytes for failure messages: \xNN for anything not printable ASCII.
std::string shown(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  return out;
}

// `header` followed by client bytes parses as exactly `header`, leaving the rest alone.
ProxyParse expect_done(const std::string& header) {
  const std::string with_client = header + "NICK alice\r\n";
  const ProxyParse p = parse_proxy_header(with_client);
  EXPECT_EQ(status_name(p.status), "kDone") << shown(header) << ": " << p.error;
  EXPECT_EQ(p.consumed, header.size()) << shown(header);
  EXPECT_EQ(with_client.substr(p.consumed), "NICK alice\r\n") << shown(header);
  return p;
}

void expect_invalid(const std::string& bytes) {
  const ProxyParse p = parse_proxy_header(bytes);
  EXPECT_EQ(status_name(p.status), "kInvalid") << shown(bytes);
  EXPECT_FALSE(p.error.empty()) << "an invalid header says why: " << shown(bytes);
}

// ---- v1 -------------------------------------------------------------------------------------

TEST(ProxyHeaderV1, ReadsTcp4AndConsumesExactlyTheLine) {
  const ProxyParse p = expect_done(kV1Tcp4);
  EXPECT_TRUE(p.header.has_source);
  EXPECT_FALSE(p.header.source.is_ipv6());
  EXPECT_EQ(p.header.source.to_string(), "203.0.113.7:55555");
  EXPECT_FALSE(p.header.client_tls);
}

TEST(ProxyHeaderV1, ReadsTheSpecsTcp4Example) {
  const ProxyParse p = expect_done("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n");
  EXPECT_EQ(p.header.source.to_string(), "192.168.0.1:56324");
}

TEST(ProxyHeaderV1, ReadsTcp6) {
  const ProxyParse p = expect_done(kV1Tcp6);
  EXPECT_TRUE(p.header.has_source);
  EXPECT_TRUE(p.header.source.is_ipv6());
  EXPECT_EQ(p.header.source.to_string(), "[2001:db8::1]:4242");
}

TEST(ProxyHeaderV1, ReadsTheLongestTcp6Line) {
  const ProxyParse p = expect_done("PROXY TCP6 " + kFullV6 + " " + kFullV6 + " 65535 65535\r\n");
  EXPECT_EQ(p.header.source.to_string(), "[" + kFullV6 + "]:65535");
}

TEST(ProxyHeaderV1, AnIpv4MappedTcp6SourceIsAnIpv4Address) {
  const ProxyParse p = expect_done("PROXY TCP6 ::ffff:203.0.113.7 ::ffff:127.0.0.1 55555 6667\r\n");
  EXPECT_TRUE(p.header.has_source);
  EXPECT_FALSE(p.header.source.is_ipv6());
  EXPECT_EQ(p.header.source.to_string(), "203.0.113.7:55555");
}

TEST(ProxyHeaderV1, UnknownAloneKeepsTheSocketAddress) {
  const ProxyParse p = expect_done("PROXY UNKNOWN\r\n");
  EXPECT_FALSE(p.header.has_source);
}

TEST(ProxyHeaderV1, UnknownWithAddressesAfterItKeepsTheSocketAddress) {
  const ProxyParse p = expect_done("PROXY UNKNOWN 203.0.113.7 127.0.0.1 55555 6667\r\n");
  EXPECT_FALSE(p.header.has_source);
}

TEST(ProxyHeaderV1, TheWorstCaseOf107BytesIsAccepted) {
  ASSERT_EQ(kV1WorstCase.size(), 107u);
  const ProxyParse p = expect_done(kV1WorstCase);
  EXPECT_FALSE(p.header.has_source);
}

// ---- v2 -------------------------------------------------------------------------------------

TEST(ProxyHeaderV2, ReadsTheTcp4ExampleFromTheNotes) {
  // printf '\r\n\r\n\0\r\nQUIT\n\x21\x11\x00\x0c\xcb\x00\x71\x07\x7f\x00\x00\x01\xd9\x03\x07\xe7'
  const std::string header =
      "\r\n\r\n\0\r\nQUIT\n\x21\x11\x00\x0c\xcb\x00\x71\x07\x7f\x00\x00\x01\xd9\x03\x07\xe7"s;
  ASSERT_EQ(header, kV2Tcp4);
  const ProxyParse p = expect_done(header);
  EXPECT_EQ(p.consumed, 28u);
  EXPECT_TRUE(p.header.has_source);
  EXPECT_EQ(p.header.source.to_string(), "203.0.113.7:55555");
  EXPECT_FALSE(p.header.client_tls);
}

TEST(ProxyHeaderV2, ReadsTcp6) {
  const ProxyParse p = expect_done(kV2Tcp6);
  EXPECT_EQ(p.consumed, 16u + 36u);
  EXPECT_TRUE(p.header.source.is_ipv6());
  EXPECT_EQ(p.header.source.to_string(), "[2001:db8::1]:4242");
}

TEST(ProxyHeaderV2, AnIpv4MappedTcp6SourceIsAnIpv4Address) {
  const std::string mapped = std::string(10, '\0') + "\xff\xff\xcb\x00\x71\x07"s;
  const ProxyParse p = expect_done(
      v2(0x21, 0x21, mapped + std::string(15, '\0') + "\x01"s + be16(55555) + be16(6667)));
  EXPECT_FALSE(p.header.source.is_ipv6());
  EXPECT_EQ(p.header.source.to_string(), "203.0.113.7:55555");
}

TEST(ProxyHeaderV2, LocalKeepsTheSocketAddress) {
  EXPECT_FALSE(expect_done(kV2Local).header.has_source);
  // LOCAL with addresses (its family is to be ignored): the body is still consumed.
  const ProxyParse p = expect_done(v2(0x20, 0x11, kTcp4Addresses));
  EXPECT_EQ(p.consumed, 28u);
  EXPECT_FALSE(p.header.has_source);
}

TEST(ProxyHeaderV2, UnspecFamilyKeepsTheSocketAddress) {
  EXPECT_FALSE(expect_done(v2(0x21, 0x00, "")).header.has_source);
  const ProxyParse p = expect_done(v2(0x21, 0x00, "\x01\x02\x03\x04"s));
  EXPECT_EQ(p.consumed, 20u);
  EXPECT_FALSE(p.header.has_source);
}

TEST(ProxyHeaderV2, AnSslTlvWithTheClientBitSetsClientTlsAndOtherTlvsAreSkipped) {
  const std::string tlvs =
      tlv(0x01, "h2") + ssl_tlv(0x01) + tlv(0x04, std::string(5, '\0')) + tlv(0xe0, "custom");
  const ProxyParse p = expect_done(v2(0x21, 0x11, kTcp4Addresses + tlvs));
  EXPECT_TRUE(p.header.client_tls);
  EXPECT_EQ(p.header.source.to_string(), "203.0.113.7:55555");
  // Client byte 0x07 = PP2_CLIENT_SSL | CERT_CONN | CERT_SESS: bit 0 is what counts.
  EXPECT_TRUE(expect_done(v2(0x21, 0x21, kTcp6Addresses + ssl_tlv(0x07))).header.client_tls);
}

TEST(ProxyHeaderV2, AnSslTlvWithoutTheClientBitDoesNotSetClientTls) {
  const ProxyParse p = expect_done(v2(0x21, 0x11, kTcp4Addresses + ssl_tlv(0x06)));
  EXPECT_FALSE(p.header.client_tls);
  EXPECT_TRUE(p.header.has_source);
}

TEST(ProxyHeaderV2, OtherTlvsAloneDoNotSetClientTls) {
  const ProxyParse p = expect_done(
      v2(0x21, 0x11, kTcp4Addresses + tlv(0x01, "h2") + tlv(0x02, "chat.example") + tlv(0x04, "")));
  EXPECT_FALSE(p.header.client_tls);
  EXPECT_EQ(p.header.source.to_string(), "203.0.113.7:55555");
}

TEST(ProxyHeaderV2, ABodyOfExactly512BytesIsAccepted) {
  const std::string body = kTcp4Addresses + tlv(0x04, std::string(512 - 12 - 3, 'n'));
  ASSERT_EQ(body.size(), 512u);
  EXPECT_EQ(expect_done(v2(0x21, 0x11, body)).consumed, kMaxProxyHeaderBytes);
}

// ---- prefixes -------------------------------------------------------------------------------

TEST(ProxyHeaderPrefixes, EveryStrictPrefixOfAValidHeaderNeedsMore) {
  const std::vector<std::string> headers = {
      kV1Tcp4,
      kV1Tcp6,
      "PROXY UNKNOWN\r\n",
      kV1WorstCase,
      kV2Tcp4,
      kV2Tcp6,
      kV2Local,
      v2(0x21, 0x11, kTcp4Addresses + tlv(0x01, "h2") + ssl_tlv(0x01)),
  };
  for (const std::string& header : headers) {
    for (std::size_t n = 0; n < header.size(); ++n) {
      const ProxyParse p = parse_proxy_header(std::string_view(header).substr(0, n));
      ASSERT_EQ(status_name(p.status), "kNeedMore")
          << n << " of " << header.size() << " bytes of " << shown(header) << ": " << p.error;
    }
    EXPECT_EQ(status_name(parse_proxy_header(header).status), "kDone") << shown(header);
  }
}

// ---- what must be refused: no header ----------------------------------------------------------

TEST(ProxyHeaderInvalid, ClientBytesWithoutAHeaderAreRefusedAtOnce) {
  for (const std::string bytes :
       {"NICK a\r\n", "hello", "/nick x\n", "GET / HTTP/1.1\r\n",
        "proxy TCP4 203.0.113.7 127.0.0.1 55555 6667\r\n", "\x16\x03\x01"})
    expect_invalid(bytes);
  // Close to v2's signature, but not it.
  expect_invalid("\r\n\r\n\0\r\nQUIX\n\x21\x11\x00\x0c"s + kTcp4Addresses);
  expect_invalid("\r\n\r\nhello"s);
}

// ---- v1 refusals ----------------------------------------------------------------------------

TEST(ProxyHeaderInvalid, V1OfMoreThan107BytesIsRefused) {
  // 107 bytes and no LF yet: the LF could only come later, past the limit.
  expect_invalid("PROXY UNKNOWN " + std::string(107 - 14, 'x'));
  expect_invalid("PROXY UNKNOWN " + std::string(500, 'x'));
  // 108 bytes with its CRLF.
  expect_invalid("PROXY UNKNOWN " + std::string(108 - 16, 'x') + "\r\n");
  // The worst case with one more digit of port is one byte too many.
  expect_invalid("PROXY UNKNOWN " + kFullV6 + " " + kFullV6 + " 65535 165535\r\n");
}

TEST(ProxyHeaderInvalid, V1EndedByABareLfIsRefused) {
  expect_invalid("PROXY TCP4 203.0.113.7 127.0.0.1 55555 6667\n");
  expect_invalid("PROXY UNKNOWN\n");
}

TEST(ProxyHeaderInvalid, V1WithDoubleOrTrailingSpacesIsRefused) {
  expect_invalid("PROXY  TCP4 203.0.113.7 127.0.0.1 55555 6667\r\n");
  expect_invalid("PROXY TCP4  203.0.113.7 127.0.0.1 55555 6667\r\n");
  expect_invalid("PROXY TCP4 203.0.113.7 127.0.0.1  55555 6667\r\n");
  expect_invalid("PROXY TCP4 203.0.113.7 127.0.0.1 55555 6667 \r\n");
}

TEST(ProxyHeaderInvalid, V1WithTheWrongNumberOfFieldsIsRefused) {
  expect_invalid("PROXY \r\n");
  expect_invalid("PROXY TCP4\r\n");
  expect_invalid("PROXY TCP4 203.0.113.7 127.0.0.1 55555\r\n");
  expect_invalid("PROXY TCP4 203.0.113.7 127.0.0.1 55555 6667 extra\r\n");
}

TEST(ProxyHeaderInvalid, V1WithAnUnknownProtocolIsRefused) {
  for (const char* proto : {"TCP5", "UDP4", "UDP6", "tcp4", "TCP"})
    expect_invalid("PROXY "s + proto + " 203.0.113.7 127.0.0.1 55555 6667\r\n");
}

TEST(ProxyHeaderInvalid, V1WithAProtocolThatOnlyStartsWithUnknownIsRefused) {
  expect_invalid("PROXY UNKNOWNX\r\n");
  expect_invalid("PROXY UNKNOWN6 ::1 ::1 1 2\r\n");
}

TEST(ProxyHeaderInvalid, V1AddressesOfTheOtherFamilyAreRefused) {
  expect_invalid("PROXY TCP4 2001:db8::1 127.0.0.1 4242 6667\r\n");
  expect_invalid("PROXY TCP4 203.0.113.7 ::1 55555 6667\r\n");
  expect_invalid("PROXY TCP6 203.0.113.7 ::1 55555 6667\r\n");
  expect_invalid("PROXY TCP6 2001:db8::1 127.0.0.1 4242 6667\r\n");
}

TEST(ProxyHeaderInvalid, V1AddressesThatAreNotNumericAreRefused) {
  expect_invalid("PROXY TCP4 proxy.example 127.0.0.1 55555 6667\r\n");
  expect_invalid("PROXY TCP4 203.0.113 127.0.0.1 55555 6667\r\n");
  expect_invalid("PROXY TCP4 203.0.113.256 127.0.0.1 55555 6667\r\n");
  expect_invalid("PROXY TCP4 203.0.113.7\r 127.0.0.1 55555 6667\r\n");
  expect_invalid("PROXY TCP6 [2001:db8::1] ::1 4242 6667\r\n");
}

TEST(ProxyHeaderInvalid, V1AddressesWithAnEmbeddedNulAreRefused) {
  expect_invalid("PROXY TCP4 203.0.113.7\0junk 127.0.0.1 55555 6667\r\n"s);
  expect_invalid("PROXY TCP6 2001:db8::1\0 ::1 4242 6667\r\n"s);
}

TEST(ProxyHeaderInvalid, V1PortsOutOfRangeOrNotPlainDigitsAreRefused) {
  for (const char* port :
       {"65536", "99999", "100000", "055555", "00", "01", "5555a", "-1", "+1", "0x10", "5 5"}) {
    expect_invalid("PROXY TCP4 203.0.113.7 127.0.0.1 "s + port + " 6667\r\n");
    expect_invalid("PROXY TCP4 203.0.113.7 127.0.0.1 55555 "s + port + "\r\n");
  }
}

// ---- v2 refusals ----------------------------------------------------------------------------

TEST(ProxyHeaderInvalid, V2VersionsOtherThan2AreRefusedOnceTheFixedBytesAreIn) {
  for (int ver_cmd : {0x01, 0x11, 0x31, 0xf1}) {
    const std::string header = v2(static_cast<std::uint8_t>(ver_cmd), 0x11, kTcp4Addresses);
    expect_invalid(header);
    expect_invalid(header.substr(0, 16));
  }
}

TEST(ProxyHeaderInvalid, V2CommandsOtherThanLocalAndProxyAreRefused) {
  for (unsigned command = 2; command <= 15; ++command) {
    const std::string header = v2(static_cast<std::uint8_t>(0x20 | command), 0x11, kTcp4Addresses);
    expect_invalid(header);
    expect_invalid(header.substr(0, 16));
  }
}

TEST(ProxyHeaderInvalid, V2FamiliesOtherThanTcpOverIpv4OrIpv6AreRefused) {
  expect_invalid(v2(0x21, 0x12, kTcp4Addresses));          // UDP over IPv4
  expect_invalid(v2(0x21, 0x22, kTcp6Addresses));          // UDP over IPv6
  expect_invalid(v2(0x21, 0x31, std::string(216, '\0')));  // unix stream
  expect_invalid(v2(0x21, 0x32, std::string(216, '\0')));  // unix datagram
  expect_invalid(v2(0x21, 0x41, kTcp6Addresses));          // no such family
}

TEST(ProxyHeaderInvalid, V2LongerThan512BytesIsRefusedOnceTheFixedBytesAreIn) {
  const std::string over = kSignature + "\x21\x11"s + be16(513);
  ASSERT_EQ(over.size(), 16u);
  expect_invalid(over);
  expect_invalid(kSignature + "\x21\x11\xff\xff"s);
  // At the limit it only needs more.
  EXPECT_EQ(status_name(parse_proxy_header(kSignature + "\x21\x11"s + be16(512)).status),
            "kNeedMore");
}

TEST(ProxyHeaderInvalid, V2BodyShorterThanItsAddressesIsRefused) {
  expect_invalid(v2(0x21, 0x11, kTcp4Addresses.substr(0, 8)));
  expect_invalid(v2(0x21, 0x11, ""));
  expect_invalid(v2(0x21, 0x21, kTcp4Addresses));
  expect_invalid(v2(0x21, 0x21, kTcp6Addresses.substr(0, 35)));
}

TEST(ProxyHeaderInvalid, V2TlvsOverrunningTheBodyAreRefused) {
  expect_invalid(v2(0x21, 0x11, kTcp4Addresses + "\x04\x00"s));        // half a TLV header
  expect_invalid(v2(0x21, 0x11, kTcp4Addresses + "\x04\x00\x05xx"s));  // 5 bytes promised, 2
  expect_invalid(v2(0x21, 0x11, kTcp4Addresses + tlv(0x01, "h2") + "\x20\x00\x01"s));
  expect_invalid(v2(0x21, 0x21, kTcp6Addresses + "\x20\xff\xff\x01"s));
}

}  // namespace
}  // namespace chatd::reactor
