// chatd with TLS listeners for the TLS tests (see tls_chatd.h).
#include "tests/support/tls_chatd.h"

#include <stdexcept>

namespace chatd::test {
namespace {

std::vector<std::string> with_listeners(const CertFiles& files, std::vector<std::string> args) {
  std::vector<std::string> all = {"--listen", "127.0.0.1:0",
                                  "--listen", "plain+tls://127.0.0.1:0",
                                  "--listen", "irc+tls://127.0.0.1:0"};
  for (auto& flag : tls_flags(files))
    all.push_back(std::move(flag));
  all.insert(all.end(), args.begin(), args.end());
  return all;
}

std::uint16_t logged_port(ChatdProcess& chatd, const std::string& scheme) {
  const std::uint16_t port = chatd.port_of(scheme);
  if (port == 0) throw std::runtime_error("chatd logged no " + scheme + ":// listener");
  return port;
}

}  // namespace

std::vector<std::string> tls_flags(const CertFiles& files) {
  return {"--tls-cert", files.cert, "--tls-key", files.key};
}

TlsChatd::TlsChatd(const CertFiles& files, std::vector<std::string> args)
    : chatd_(with_listeners(files, std::move(args))),
      tls_port_(logged_port(chatd_, "plain+tls")),
      irc_tls_port_(logged_port(chatd_, "irc+tls")) {}

}  // namespace chatd::test
