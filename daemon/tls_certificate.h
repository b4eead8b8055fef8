// The certificate +tls listeners serve: loaded from the configured files at
// start, on SIGHUP and by --check-config, through reactor/tls.
#pragma once

#include <memory>
#include <string>

#include "daemon/config.h"
#include "reactor/tls/tls_context.h"

namespace chatd {

reactor::TlsSettings tls_settings(const Config& config);

// Loads and checks tls_cert and tls_key. Throws std::runtime_error naming the
// file and what is wrong with it.
std::shared_ptr<const reactor::TlsContext> load_certificate(const Config& config);

// "/etc/chatd/cert.pem: CN=chat.example.org, expires 2027-03-01 12:00:00 UTC
// (89 days left), SHA-256 AB:CD:..."
std::string describe_certificate(const reactor::TlsContext& context);

}  // namespace chatd
