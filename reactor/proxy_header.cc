// PROXY v1 and v2, after https://www.haproxy.org/download/2.6/doc/proxy-protocol.txt.
// Every length is checked before it is used; nothing is read past `bytes`.
#include "reactor/proxy_header.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace chatd::reactor {
namespace {

constexpr std::string_view kV2Signature("\r\n\r\n\0\r\nQUIT\n", 12);
constexpr std::string_view kV1Prefix = "PROXY ";
constexpr std::size_t kV1MaxBytes = 107;  // the spec's worst case, CRLF included
constexpr std::size_t kV2FixedBytes = 16;
constexpr std::uint8_t kPp2TypeSsl = 0x20;
constexpr std::uint8_t kPp2ClientSsl = 0x01;

ProxyParse invalid(std::string why) {
  ProxyParse p;
  p.status = ProxyParse::Status::kInvalid;
  p.error = std::move(why);
  return p;
}

ProxyParse done(std::size_t consumed, ProxyHeader header) {
  ProxyParse p;
  p.status = ProxyParse::Status::kDone;
  p.consumed = consumed;
  p.header = header;
  return p;
}

// Splits at single spaces; false if there are not exactly `n` fields.
template <std::size_t N>
bool split_fields(std::string_view line, std::string_view (&out)[N]) {
  std::size_t i = 0;
  while (!line.empty()) {
    if (i == N) return false;
    const std::size_t space = line.find(' ');
    out[i++] = line.substr(0, space);
    if (out[i - 1].empty()) return false;
    if (space == std::string_view::npos) break;
    line.remove_prefix(space + 1);
    if (line.empty()) return false;  // a trailing space
  }
  return i == N;
}

bool parse_port(std::string_view text, std::uint16_t& port) {
  if (text.empty() || text.size() > 5 || (text.size() > 1 && text[0] == '0')) return false;
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

bool parse_address(std::string_view text, int family, std::uint8_t* out) {
  if (text.size() >= 46 || text.find('\0') != std::string_view::npos) return false;
  char buf[46];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  return inet_pton(family, buf, out) == 1;
}

ProxyParse parse_v1(std::string_view bytes) {
  const std::size_t lf = bytes.substr(0, kV1MaxBytes).find('\n');
  if (lf == std::string_view::npos) {
    if (bytes.size() >= kV1MaxBytes) return invalid("v1 header longer than 107 bytes");
    return {};
  }
  if (lf == 0 || bytes[lf - 1] != '\r') return invalid("v1 header not ended by CRLF");
  const std::string_view line = bytes.substr(kV1Prefix.size(), lf - 1 - kV1Prefix.size());
  if (line == "UNKNOWN" || line.starts_with("UNKNOWN ")) return done(lf + 1, {});
  std::string_view f[5];
  if (!split_fields(line, f)) return invalid("v1 header without protocol, 2 addresses, 2 ports");
  const bool v4 = f[0] == "TCP4";
  if (!v4 && f[0] != "TCP6")
    return invalid(
        fmt::format("v1 protocol '{}' is not TCP4 or TCP6", std::string(f[0].substr(0, 8))));
  std::uint8_t src[16], dst[16];
  std::uint16_t sport = 0, dport = 0;
  const int family = v4 ? AF_INET : AF_INET6;
  if (!parse_address(f[1], family, src) || !parse_address(f[2], family, dst)) {
    return invalid(fmt::format("v1 addresses are not {} addresses", v4 ? "IPv4" : "IPv6"));
  }
  if (!parse_port(f[3], sport) || !parse_port(f[4], dport)) return invalid("v1 ports invalid");
  ProxyHeader h;
  h.has_source = true;
  h.source = PeerAddress::from_bytes(src, v4 ? 4 : 16, sport);
  return done(lf + 1, h);
}

std::uint16_t be16(const char* p) {
  return static_cast<std::uint16_t>((static_cast<std::uint8_t>(p[0]) << 8) |
                                    static_cast<std::uint8_t>(p[1]));
}

// The TLVs after the addresses: only PP2_TYPE_SSL is read; the rest are skipped.
bool read_tlvs(std::string_view tlvs, ProxyHeader& h) {
  while (!tlvs.empty()) {
    if (tlvs.size() < 3) return false;
    const auto type = static_cast<std::uint8_t>(tlvs[0]);
    const std::uint16_t len = be16(tlvs.data() + 1);
    if (tlvs.size() < 3u + len) return false;
    if (type == kPp2TypeSsl && len >= 1 &&
        (static_cast<std::uint8_t>(tlvs[3]) & kPp2ClientSsl) != 0) {
      h.client_tls = true;
    }
    tlvs.remove_prefix(3u + len);
  }
  return true;
}

ProxyParse parse_v2(std::string_view bytes) {
  if (bytes.size() < kV2FixedBytes) return {};
  const auto ver_cmd = static_cast<std::uint8_t>(bytes[12]);
  const auto fam = static_cast<std::uint8_t>(bytes[13]);
  const std::uint16_t len = be16(bytes.data() + 14);
  if ((ver_cmd >> 4) != 2) return invalid(fmt::format("v2 version {} is not 2", ver_cmd >> 4));
  const unsigned command = ver_cmd & 0x0f;
  if (command > 1) return invalid(fmt::format("v2 command {} is not LOCAL or PROXY", command));
  if (command == 1 && fam != 0x00 && fam != 0x11 && fam != 0x21) {
    return invalid(fmt::format("v2 family/transport {:#04x} is not TCP over IPv4 or IPv6", fam));
  }
  if (kV2FixedBytes + len > kMaxProxyHeaderBytes) {
    return invalid(fmt::format("v2 header of {} bytes is over the limit of {}", kV2FixedBytes + len,
                               kMaxProxyHeaderBytes));
  }
  if (bytes.size() < kV2FixedBytes + len) return {};
  const std::string_view body = bytes.substr(kV2FixedBytes, len);
  const std::size_t consumed = kV2FixedBytes + len;
  ProxyHeader h;
  if (command == 0) return done(consumed, h);  // LOCAL: the proxy's own connection
  if (fam == 0x00) return done(consumed, h);   // UNSPEC: no address to take
  const std::size_t addresses = fam == 0x11 ? 12 : 36;
  if (body.size() < addresses) return invalid("v2 header shorter than its addresses");
  const auto* raw = reinterpret_cast<const std::uint8_t*>(body.data());
  const std::size_t n = fam == 0x11 ? 4 : 16;
  const std::uint16_t sport = be16(body.data() + 2 * n);
  h.has_source = true;
  h.source = PeerAddress::from_bytes(raw, n, sport);
  if (!read_tlvs(body.substr(addresses), h)) return invalid("v2 TLVs overrun the header");
  return done(consumed, h);
}

}  // namespace

ProxyParse parse_proxy_header(std::string_view bytes) {
  const std::size_t sig = std::min(bytes.size(), kV2Signature.size());
  if (bytes.substr(0, sig) == kV2Signature.substr(0, sig)) {
    return sig < kV2Signature.size() ? ProxyParse{} : parse_v2(bytes);
  }
  const std::size_t pre = std::min(bytes.size(), kV1Prefix.size());
  if (bytes.substr(0, pre) == kV1Prefix.substr(0, pre)) {
    return pre < kV1Prefix.size() ? ProxyParse{} : parse_v1(bytes);
  }
  return invalid("no PROXY header");
}

}  // namespace chatd::reactor
