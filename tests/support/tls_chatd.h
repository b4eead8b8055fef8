// The chatd that TLS tests need: a plain, a plain+tls and an irc+tls listener on loopback,
// port 0, serving a certificate from TestCerts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tests/support/chatd_process.h"
#include "tests/support/test_certs.h"

namespace chatd::test {

// `--tls-cert FILE --tls-key FILE` for `files`.
std::vector<std::string> tls_flags(const CertFiles& files);

// chatd with `--listen 127.0.0.1:0 --listen plain+tls://127.0.0.1:0 --listen
// irc+tls://127.0.0.1:0`, the certificate flags, then `args`. Throws std::runtime_error when
// a listener is not logged.
class TlsChatd {
 public:
  explicit TlsChatd(const CertFiles& files, std::vector<std::string> args = {});
  ChatdProcess& process() { return chatd_; }
  std::uint16_t plain_port() const { return chatd_.port(); }
  std::uint16_t tls_port() const { return tls_port_; }
  std::uint16_t irc_tls_port() const { return irc_tls_port_; }

 private:
  ChatdProcess chatd_;
  std::uint16_t tls_port_;
  std::uint16_t irc_tls_port_;
};

}  // namespace chatd::test
