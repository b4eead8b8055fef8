// TlsContext: a server certificate and key, loaded and checked, with the TLS
// settings every connection of a listener shares. Immutable once loaded: a
// reload makes a new one, and connections already open keep the one they began
// with (OpenSSL counts its references).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

using SSL_CTX = struct ssl_ctx_st;

namespace chatd::reactor {

struct TlsSettings {
  std::string cert_file;  // PEM: the certificate, then its chain
  std::string key_file;   // PEM private key
  int min_version = 12;   // 12 (TLS 1.2) or 13 (TLS 1.3)
  bool session_tickets = false;
};

struct CertificateInfo {
  std::string subject;      // "CN=chat.example.org"
  std::string not_after;    // "2027-03-01 12:00:00 UTC"
  std::string fingerprint;  // SHA-256, "AB:CD:..."
  std::int64_t seconds_left = 0;
};

class TlsContext {
 public:
  // Loads and checks the pair (readable, parseable, key matching certificate).
  // Throws std::runtime_error naming the file and OpenSSL's reason.
  static std::shared_ptr<TlsContext> load(const TlsSettings& settings);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  const TlsSettings& settings() const { return settings_; }
  const CertificateInfo& certificate() const { return certificate_; }
  SSL_CTX* native() const { return ctx_; }

 private:
  TlsContext(SSL_CTX* ctx, TlsSettings settings, CertificateInfo certificate);

  SSL_CTX* ctx_;
  TlsSettings settings_;
  CertificateInfo certificate_;
};

// OpenSSL's reason for the last failure on this thread ("no error" when none),
// and clears the thread's error queue.
std::string take_tls_error();

}  // namespace chatd::reactor
