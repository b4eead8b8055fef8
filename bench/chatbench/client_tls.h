// TLS for chatbench's clients (--tls): one client context for the run, and one
// session per connection over memory BIOs. The client side may copy: it is the
// server's cost per recipient that chatbench measures, not its own.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

using SSL = struct ssl_st;
using SSL_CTX = struct ssl_ctx_st;
using BIO = struct bio_st;

namespace chatd::bench {

class ClientTlsContext {
 public:
  // Verifies the server against `ca_file` (and the name `verify_name`), or not
  // at all when `insecure`. Throws std::runtime_error naming what failed.
  ClientTlsContext(const std::string& ca_file, const std::string& verify_name, bool insecure);
  ~ClientTlsContext();
  ClientTlsContext(const ClientTlsContext&) = delete;
  ClientTlsContext& operator=(const ClientTlsContext&) = delete;
  SSL_CTX* native() const { return ctx_; }
  const std::string& verify_name() const { return verify_name_; }

 private:
  SSL_CTX* ctx_;
  std::string verify_name_;
};

class ClientTls {
 public:
  explicit ClientTls(const ClientTlsContext& context);
  ~ClientTls();
  ClientTls(const ClientTls&) = delete;
  ClientTls& operator=(const ClientTls&) = delete;

  // Takes ciphertext (none to start the handshake) and appends what it decrypts
  // to `plain`. False on a handshake or record error.
  bool feed(const char* data, std::size_t n, std::string& plain);
  // Encrypts `plain`; false on an error. Only once ready().
  bool encrypt(std::string_view plain);
  // Ciphertext to send (handshake messages, records), appended to `out`.
  void take_output(std::string& out);
  bool ready() const { return ready_; }

 private:
  SSL* ssl_;
  BIO* in_;   // owned by ssl_
  BIO* out_;  // owned by ssl_
  bool ready_ = false;
};

}  // namespace chatd::bench
