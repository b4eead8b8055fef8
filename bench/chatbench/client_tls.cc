// ClientTls: OpenSSL's client over a pair of memory BIOs.
#include "bench/chatbench/client_tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <stdexcept>

namespace chatd::bench {
namespace {

std::string tls_error() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  const char* reason = e != 0 ? ERR_reason_error_string(e) : nullptr;
  return reason != nullptr ? reason : "unknown TLS error";
}

}  // namespace

ClientTlsContext::ClientTlsContext(const std::string& ca_file, const std::string& verify_name,
                                   bool insecure)
    : ctx_(SSL_CTX_new(TLS_client_method())), verify_name_(verify_name) {
  if (ctx_ == nullptr) throw std::runtime_error("cannot create a TLS context: " + tls_error());
  SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
  SSL_CTX_set_mode(ctx_, SSL_MODE_RELEASE_BUFFERS);
  if (insecure) {
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
    return;
  }
  if (ca_file.empty() || SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr) != 1) {
    const std::string why = ca_file.empty() ? "--tls needs --ca FILE or --insecure"
                                            : "cannot load CA file " + ca_file + ": " + tls_error();
    SSL_CTX_free(ctx_);
    throw std::runtime_error(why);
  }
  SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
}

ClientTlsContext::~ClientTlsContext() {
  SSL_CTX_free(ctx_);
}

ClientTls::ClientTls(const ClientTlsContext& context)
    : ssl_(SSL_new(context.native())), in_(BIO_new(BIO_s_mem())), out_(BIO_new(BIO_s_mem())) {
  if (ssl_ == nullptr || in_ == nullptr || out_ == nullptr) {
    throw std::runtime_error("cannot start a TLS session: " + tls_error());
  }
  SSL_set_bio(ssl_, in_, out_);
  SSL_set_connect_state(ssl_);
  const std::string& name = context.verify_name();
  if (!name.empty()) {
    SSL_set_tlsext_host_name(ssl_, name.c_str());
    SSL_set1_host(ssl_, name.c_str());
  }
}

ClientTls::~ClientTls() {
  SSL_free(ssl_);
}

bool ClientTls::feed(const char* data, std::size_t n, std::string& plain) {
  if (n != 0) BIO_write(in_, data, static_cast<int>(n));
  if (!ready_) {
    const int r = SSL_do_handshake(ssl_);
    if (r != 1) {
      const int e = SSL_get_error(ssl_, r);
      if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return true;
      ERR_clear_error();
      return false;
    }
    ready_ = true;
  }
  char buf[16384];
  for (;;) {
    const int r = SSL_read(ssl_, buf, sizeof buf);
    if (r > 0) {
      plain.append(buf, static_cast<std::size_t>(r));
      continue;
    }
    const int e = SSL_get_error(ssl_, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return true;
    ERR_clear_error();
    return false;
  }
}

bool ClientTls::encrypt(std::string_view plain) {
  while (!plain.empty()) {
    const std::size_t chunk = std::min<std::size_t>(plain.size(), 16384);
    if (SSL_write(ssl_, plain.data(), static_cast<int>(chunk)) <= 0) {
      ERR_clear_error();
      return false;
    }
    plain.remove_prefix(chunk);
  }
  return true;
}

void ClientTls::take_output(std::string& out) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(out_, &data);
  if (n <= 0) return;
  out.append(data, static_cast<std::size_t>(n));
  (void)BIO_reset(out_);
}

}  // namespace chatd::bench
