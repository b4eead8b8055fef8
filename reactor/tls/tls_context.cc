// TlsContext: the SSL_CTX of a listener, set up as docs/tls.md explains: a floor
// of TLS 1.2 (or 1.3), no renegotiation, no tickets unless asked, no session
// cache, no client certificates, buffers released while idle.
#include "reactor/tls/tls_context.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>

namespace chatd::reactor {
namespace {

// A key file with a passphrase must fail to load, never prompt on a terminal.
int refuse_passphrase(char*, int, int, void*) {
  return 0;
}

void require_readable(const std::string& file, const char* what) {
  if (access(file.c_str(), R_OK) != 0) {
    throw std::runtime_error(
        fmt::format("cannot read TLS {} {}: {}", what, file, std::strerror(errno)));
  }
}

std::string subject_of(X509* cert) {
  BIO* out = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(out, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long n = BIO_get_mem_data(out, &data);
  std::string subject(data, static_cast<std::size_t>(n));
  BIO_free(out);
  return subject;
}

CertificateInfo describe(X509* cert) {
  CertificateInfo info;
  info.subject = subject_of(cert);
  const ASN1_TIME* not_after = X509_get0_notAfter(cert);
  std::tm tm{};
  if (ASN1_TIME_to_tm(not_after, &tm) == 1) {
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &tm);
    info.not_after = text;
  }
  int days = 0, seconds = 0;
  if (ASN1_TIME_diff(&days, &seconds, nullptr, not_after) == 1) {
    info.seconds_left = std::int64_t{days} * 86400 + seconds;
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_digest(cert, EVP_sha256(), md, &len);
  for (unsigned int i = 0; i < len; ++i)
    info.fingerprint += fmt::format("{}{:02X}", i == 0 ? "" : ":", md[i]);
  return info;
}

struct CtxDeleter {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};

}  // namespace

std::string take_tls_error() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "no error";
  const char* reason = ERR_reason_error_string(e);
  return reason != nullptr ? reason : fmt::format("OpenSSL error {:#x}", e);
}

std::shared_ptr<TlsContext> TlsContext::load(const TlsSettings& s) {
  if (s.min_version != 12 && s.min_version != 13) {
    throw std::runtime_error("TLS minimum version must be 1.2 or 1.3");
  }
  require_readable(s.cert_file, "certificate");
  require_readable(s.key_file, "key");
  ERR_clear_error();
  std::unique_ptr<SSL_CTX, CtxDeleter> ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) throw std::runtime_error("cannot create a TLS context: " + take_tls_error());
  SSL_CTX* c = ctx.get();
  SSL_CTX_set_min_proto_version(c, s.min_version == 13 ? TLS1_3_VERSION : TLS1_2_VERSION);
  SSL_CTX_set_options(
      c, SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (!s.session_tickets) {
    SSL_CTX_set_options(c, SSL_OP_NO_TICKET);
    SSL_CTX_set_num_tickets(c, 0);
  }
  SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_mode(c, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_AUTO_RETRY);
  SSL_CTX_set_verify(c, SSL_VERIFY_NONE, nullptr);
  SSL_CTX_set_default_passwd_cb(c, refuse_passphrase);
  if (SSL_CTX_use_certificate_chain_file(c, s.cert_file.c_str()) != 1) {
    throw std::runtime_error(
        fmt::format("cannot load TLS certificate {}: {}", s.cert_file, take_tls_error()));
  }
  if (SSL_CTX_use_PrivateKey_file(c, s.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    throw std::runtime_error(
        fmt::format("cannot load TLS key {}: {}", s.key_file, take_tls_error()));
  }
  if (SSL_CTX_check_private_key(c) != 1) {
    throw std::runtime_error(fmt::format("TLS key {} does not match the certificate {}: {}",
                                         s.key_file, s.cert_file, take_tls_error()));
  }
  CertificateInfo info = describe(SSL_CTX_get0_certificate(c));
  return std::shared_ptr<TlsContext>(new TlsContext(ctx.release(), s, std::move(info)));
}

TlsContext::TlsContext(SSL_CTX* ctx, TlsSettings settings, CertificateInfo certificate)
    : ctx_(ctx), settings_(std::move(settings)), certificate_(std::move(certificate)) {}

TlsContext::~TlsContext() {
  SSL_CTX_free(ctx_);
}

}  // namespace chatd::reactor
