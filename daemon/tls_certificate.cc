// Loading the configured certificate, and the words logs use for it.
#include "daemon/tls_certificate.h"

#include <fmt/format.h>

namespace chatd {

reactor::TlsSettings tls_settings(const Config& config) {
  reactor::TlsSettings s;
  s.cert_file = config.tls_cert;
  s.key_file = config.tls_key;
  s.min_version = config.tls_min_version == "1.3" ? 13 : 12;
  s.session_tickets = config.tls_session_tickets;
  return s;
}

std::shared_ptr<const reactor::TlsContext> load_certificate(const Config& config) {
  return reactor::TlsContext::load(tls_settings(config));
}

std::string describe_certificate(const reactor::TlsContext& context) {
  const reactor::CertificateInfo& cert = context.certificate();
  const std::int64_t days = cert.seconds_left / 86400;
  const std::string left =
      cert.seconds_left <= 0 ? std::string("EXPIRED") : fmt::format("{} days left", days);
  return fmt::format("{}: {}, expires {} ({}), SHA-256 {}", context.settings().cert_file,
                     cert.subject, cert.not_after, left, cert.fingerprint);
}

}  // namespace chatd
