// chatd behind a PROXY header for the PROXY protocol tests (see proxy_chatd.h).
#include "tests/support/proxy_chatd.h"

#include <stdexcept>

namespace chatd::test {
namespace {

using namespace std::string_literals;

std::vector<std::string> with_listeners(std::vector<std::string> args) {
  std::vector<std::string> all = {"--listen",      "127.0.0.1:0",
                                  "--listen",      "plain+proxy://127.0.0.1:0",
                                  "--listen",      "irc://127.0.0.1:0",
                                  "--listen",      "irc+proxy://127.0.0.1:0",
                                  "--cloak-hosts", "false"};
  all.insert(all.end(), args.begin(), args.end());
  return all;
}

}  // namespace

std::string proxy_v1(std::string_view source, std::uint16_t port) {
  const bool v6 = source.find(':') != std::string_view::npos;
  return "PROXY "s + (v6 ? "TCP6 " : "TCP4 ") + std::string(source) +
         (v6 ? " ::1 " : " 127.0.0.1 ") + std::to_string(port) + " 2023\r\n";
}

std::string proxy_v2_example() {
  return "\r\n\r\n\0\r\nQUIT\n\x21\x11\x00\x0c\xcb\x00\x71\x07\x7f\x00\x00\x01\xd9\x03\x07\xe7"s;
}

std::string proxy_v2_local() {
  return "\r\n\r\n\0\r\nQUIT\n\x20\x00\x00\x00"s;
}

std::uint16_t listener_port(ChatdProcess& chatd, const std::string& scheme) {
  const std::uint16_t port = chatd.port_of(scheme);
  if (port == 0) {
    throw std::runtime_error("chatd logged no " + scheme + ":// listener:\n" + chatd.log_text());
  }
  return port;
}

ProxyChatd::ProxyChatd(std::vector<std::string> args)
    : chatd_(with_listeners(std::move(args))),
      plain_port_(listener_port(chatd_, "plain")),
      proxy_port_(listener_port(chatd_, "plain+proxy")),
      irc_port_(listener_port(chatd_, "irc")),
      irc_proxy_port_(listener_port(chatd_, "irc+proxy")) {}

}  // namespace chatd::test
