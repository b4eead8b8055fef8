// JunkClient (see junk.h) and the junk it sends.
#include "tests/soak/junk.h"

#include <fmt/format.h>

#include <random>

#include "tests/soak/probe.h"
#include "tests/soak/protocol.h"

namespace soak {
namespace {

constexpr auto kDeadline = std::chrono::seconds(60);  // flood control may delay the /who
constexpr auto kTlsPatience = std::chrono::milliseconds(300);
constexpr std::size_t kBinaryBytes = std::size_t{16} * 1024;
constexpr std::size_t kMib = 1 << 20;
constexpr int kNulLines = 200;
constexpr std::size_t kNulLineBytes = 64;
constexpr std::size_t kNulLongLine = 8192;
// Ends a telnet subnegotiation or command the random bytes may have opened, then the line.
constexpr std::string_view kResync = "\xff\xf0\xff\xf0\n";

void put16(std::string& s, std::size_t v) {
  s.push_back(static_cast<char>((v >> 8) & 0xFF));
  s.push_back(static_cast<char>(v & 0xFF));
}

// A TLS 1.3 ClientHello for "localhost", as `openssl s_client` would open with.
std::string tls_client_hello(std::mt19937_64& rng) {
  std::string random(32, '\0');
  for (char& c : random)
    c = static_cast<char>(rng());
  std::string ext;
  const std::string host = "localhost";
  ext += std::string("\x00\x00", 2);  // server_name
  put16(ext, host.size() + 5);
  put16(ext, host.size() + 3);
  ext.push_back('\0');
  put16(ext, host.size());
  ext += host;
  ext += std::string("\x00\x0a\x00\x04\x00\x02\x00\x1d", 8);           // supported_groups: x25519
  ext += std::string("\x00\x2b\x00\x03\x02\x03\x04", 7);               // supported_versions: 1.3
  ext += std::string("\x00\x0d\x00\x04\x00\x02\x04\x03", 8);           // signature_algorithms
  ext += std::string("\x00\x33\x00\x26\x00\x24\x00\x1d\x00\x20", 10);  // key_share
  ext += random;  // stands in for the x25519 public key
  std::string body = std::string("\x03\x03", 2) + random;
  body.push_back(32);  // legacy session id
  body += random;
  body += std::string("\x00\x06\x13\x01\x13\x02\x13\x03\x01\x00", 10);  // suites, no compression
  put16(body, ext.size());
  body += ext;
  std::string hello = std::string("\x01\x00", 2);
  put16(hello, body.size());
  hello += body;
  std::string record = std::string("\x16\x03\x01", 3);
  put16(record, hello.size());
  return record + hello;
}

std::string nick_for(JunkKind kind, int serial) {
  static constexpr std::string_view kPrefixes[] = {"jbin", "jlong", "jmib", kNulNickPrefix, "tls"};
  return fmt::format("{}{}", kPrefixes[static_cast<int>(kind)], serial);
}

}  // namespace

std::string junk_kind_name(JunkKind kind) {
  static constexpr std::string_view kNames[] = {"junk/binary", "junk/overlong", "junk/1MiB",
                                                "junk/NUL", "junk/TLS"};
  return std::string(kNames[static_cast<int>(kind)]);
}

std::string junk_rule(JunkKind kind) {
  switch (kind) {
    case JunkKind::kBinary:
      return "stays, served; relays sanitised";
    case JunkKind::kOverlong:
      return "one '! line too long' each, stays";
    case JunkKind::kMib:
      return "one '! line too long', stays";
    case JunkKind::kNul:
      return "nothing relayed, stays";
    case JunkKind::kTls:
      return "plain-text greeting, stays";
  }
  return "?";
}

JunkClient::JunkClient(Poller& poller, Scoreboard& score, JunkKind kind, int serial,
                       std::size_t max_line_bytes, std::uint64_t seed)
    : Misbehaver(poller, score, junk_kind_name(kind), nick_for(kind, serial)),
      kind_(kind),
      serial_(serial),
      max_line_(max_line_bytes),
      seed_(seed) {}

void JunkClient::on_connected() {
  if (kind_ != JunkKind::kTls) return;
  std::mt19937_64 rng(seed_);
  send(tls_client_hello(rng));  // before anything is read, as a TLS client does
}

void JunkClient::on_welcome() {
  welcomed_at_ = Clock::now();
  if (kind_ != JunkKind::kTls) send(fmt::format("/nick {}\n/join {}\n", nick_, kJunkRoom));
}

void JunkClient::tick(TimePoint now) {
  if (done()) return;
  if (kind_ == JunkKind::kTls && welcomed_at_ && now - *welcomed_at_ >= kTlsPatience) {
    send(std::string("\x15\x03\x03\x00\x02\x02\x32", 7));  // alert: decode_error
    return handled(serial_ % 2 == 1);
  }
  if (now - started_at_ > kDeadline) {
    failed(welcomed_at_ ? "no /who reply within 60 s of the junk" : "no greeting within 60 s");
  }
}

void JunkClient::on_chat_line(std::string_view line) {
  if (done() || kind_ == JunkKind::kTls) return;
  if (!junk_sent_) {
    const auto join = parse_join(line);
    if (!join || join->nick != nick_) return;
    junk_sent_ = true;
    return send(junk());
  }
  if (is_line_too_long(line)) {
    ++too_long_;
  } else if (is_who_header(line, kJunkRoom)) {
    const int want = expected_too_long();
    if (want >= 0 && too_long_ != want) {
      return failed(fmt::format("{} '! line too long' replies, expected {}", too_long_, want));
    }
    handled(serial_ % 2 == 1);
  }
}

std::string JunkClient::junk() const {
  std::mt19937_64 rng(seed_);
  std::string s;
  if (kind_ == JunkKind::kBinary) {
    s.resize(kBinaryBytes);
    for (char& c : s) {
      c = static_cast<char>(rng());
      if (c == '/') c = '?';  // no accidental commands (a /quit would end the test early)
    }
    s += kResync;
  } else if (kind_ == JunkKind::kOverlong) {
    for (std::size_t len : {max_line_ + 1, 2 * max_line_, 3 * max_line_ + 7})
      s += std::string(len, 'L') + "\n";
  } else if (kind_ == JunkKind::kMib) {
    s = std::string(kMib, 'M') + "\n";
  } else if (kind_ == JunkKind::kNul) {
    for (int i = 0; i < kNulLines; ++i)
      s += std::string(kNulLineBytes, '\0') + "\n";
    s += std::string(kNulLongLine, '\0') + "\n";
  }
  return s + "/who\n";
}

int JunkClient::expected_too_long() const {
  switch (kind_) {
    case JunkKind::kOverlong:
      return 3;
    case JunkKind::kMib:
      return kMib > max_line_ ? 1 : 0;
    case JunkKind::kNul:
      return (kNulLongLine > max_line_ ? 1 : 0) + (kNulLineBytes > max_line_ ? kNulLines : 0);
    default:
      return -1;
  }
}

void JunkClient::on_end() {
  failed("chatd ended the connection: " + describe_end());
}

bool JunkClient::overdue(TimePoint now) const {
  return now - started_at_ > kDeadline;
}

}  // namespace soak
