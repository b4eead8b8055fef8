// PROXY header invariants: a header is recognised the same however much follows it,
// never reaches past the limit, and a verdict never changes as more bytes arrive.
#include "fuzz/proxy_checks.h"

#include <string>

#include "fuzz/line_checks.h"
#include "reactor/proxy_header.h"

namespace chatd::fuzz {

using reactor::ProxyParse;

void check_proxy_header(std::string_view bytes) {
  const ProxyParse p = reactor::parse_proxy_header(bytes);
  switch (p.status) {
    case ProxyParse::Status::kNeedMore:
      // Only a prefix of something that could still be a header.
      FUZZ_CHECK(bytes.size() < reactor::kMaxProxyHeaderBytes);
      FUZZ_CHECK(p.error.empty());
      break;
    case ProxyParse::Status::kInvalid:
      FUZZ_CHECK(!p.error.empty());
      // Invalid stays invalid: more bytes cannot repair it.
      FUZZ_CHECK(reactor::parse_proxy_header(std::string(bytes) + "\r\n").status ==
                 ProxyParse::Status::kInvalid);
      break;
    case ProxyParse::Status::kDone: {
      FUZZ_CHECK(p.consumed > 0 && p.consumed <= bytes.size());
      FUZZ_CHECK(p.consumed <= reactor::kMaxProxyHeaderBytes);
      // The header alone gives the same verdict; every shorter prefix is incomplete.
      const std::string_view header = bytes.substr(0, p.consumed);
      const ProxyParse alone = reactor::parse_proxy_header(header);
      FUZZ_CHECK(alone.status == ProxyParse::Status::kDone && alone.consumed == p.consumed);
      FUZZ_CHECK(alone.header.has_source == p.header.has_source);
      FUZZ_CHECK(alone.header.client_tls == p.header.client_tls);
      FUZZ_CHECK(alone.header.source.to_string() == p.header.source.to_string());
      for (std::size_t n = 0; n < p.consumed; ++n) {
        FUZZ_CHECK(reactor::parse_proxy_header(header.substr(0, n)).status ==
                   ProxyParse::Status::kNeedMore);
      }
      if (p.header.has_source) FUZZ_CHECK(p.header.source.to_string() != "unknown");
      break;
    }
  }
}

}  // namespace chatd::fuzz
