// The chatd that PROXY protocol tests need: a plain and an IRC listener, each also behind
// +proxy, on loopback port 0, with hosts shown as they are (--cloak-hosts false); and the
// headers a load balancer would open its connections with.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/chatd_process.h"

namespace chatd::test {

// `PROXY TCP4 SOURCE 127.0.0.1 PORT 2023\r\n`, or TCP6 (to ::1) when `source` has a ':'.
std::string proxy_v1(std::string_view source, std::uint16_t port);

// The v2 example from the notes: PROXY, TCP over IPv4, 203.0.113.7:55555 -> 127.0.0.1:2023.
// printf '\r\n\r\n\0\r\nQUIT\n\x21\x11\x00\x0c\xcb\x00\x71\x07\x7f\x00\x00\x01\xd9\x03\x07\xe7'
std::string proxy_v2_example();
// A v2 LOCAL header (the proxy's own health check), no addresses.
std::string proxy_v2_local();

// chatd with `--listen 127.0.0.1:0 --listen plain+proxy://127.0.0.1:0 --listen
// irc://127.0.0.1:0 --listen irc+proxy://127.0.0.1:0 --cloak-hosts false`, then `args`.
// Throws std::runtime_error when a listener is not logged.
class ProxyChatd {
 public:
  explicit ProxyChatd(std::vector<std::string> args = {});
  ChatdProcess& process() { return chatd_; }
  std::uint16_t plain_port() const { return plain_port_; }
  std::uint16_t proxy_port() const { return proxy_port_; }
  std::uint16_t irc_port() const { return irc_port_; }
  std::uint16_t irc_proxy_port() const { return irc_proxy_port_; }

 private:
  ChatdProcess chatd_;
  std::uint16_t plain_port_;
  std::uint16_t proxy_port_;
  std::uint16_t irc_port_;
  std::uint16_t irc_proxy_port_;
};

// The port chatd logged for `scheme` ("plain+proxy" for `listening on plain+proxy://...`);
// throws std::runtime_error with the log when there is none.
std::uint16_t listener_port(ChatdProcess& chatd, const std::string& scheme);

}  // namespace chatd::test
