// HTTP request-head invariants, line by line as an HTTP session feeds them: a complete
// request is well-formed and within the limits, a refused one says why with a status the
// server answers, and a verdict never takes more than the head limit to arrive. The web
// listener's policies hold on every complete request: no Origin is always allowed, an
// allowed one normalises, and a forwarded client is an address that reads back.
#include "fuzz/http_checks.h"

#include <stdexcept>

#include "daemon/web/forwarded_for.h"
#include "daemon/web/web_origin.h"
#include "fuzz/line_checks.h"
#include "reactor/address.h"
#include "reactor/http/http_request.h"

namespace chatd::fuzz {

using reactor::HttpRequestParser;

namespace {

void check_web_policies(const reactor::HttpRequest& r) {
  const std::string_view origin = r.field("origin");
  const bool allowed = origin_allowed(r, {});
  if (origin.empty()) FUZZ_CHECK(allowed);
  if (allowed && !origin.empty()) {
    bool normalises = true;
    try {
      normalize_origin(origin);
    } catch (const std::invalid_argument&) {
      normalises = false;
    }
    FUZZ_CHECK(normalises);
  }
  if (const std::optional<reactor::PeerAddress> client = forwarded_client(r)) {
    bool reads_back = true;
    try {
      reactor::parse_cidr(client->host());
    } catch (const std::invalid_argument&) {
      reads_back = false;
    }
    FUZZ_CHECK(reads_back);
  }
}

}  // namespace

void check_http_requests(std::string_view bytes) {
  HttpRequestParser p;
  std::size_t head = 0;  // bytes fed since the last verdict
  while (!bytes.empty()) {
    const std::size_t lf = bytes.find('\n');
    const std::string_view line = bytes.substr(0, lf);
    bytes.remove_prefix(lf == std::string_view::npos ? bytes.size() : lf + 1);
    head += line.size() + 2;
    const HttpRequestParser::Status s = p.feed_line(line);
    if (s == HttpRequestParser::Status::kIncomplete) {
      FUZZ_CHECK(head <= HttpRequestParser::kMaxHeadBytes + 1);
      continue;
    }
    if (s == HttpRequestParser::Status::kBad) {
      const int status = p.error_status();
      FUZZ_CHECK(status == 400 || status == 431 || status == 505);
      FUZZ_CHECK(!p.error().empty());
    } else {
      const reactor::HttpRequest& r = p.request();
      FUZZ_CHECK(!r.method.empty() && r.target.starts_with('/'));
      FUZZ_CHECK(r.fields.size() <= HttpRequestParser::kMaxFields);
      FUZZ_CHECK(r.minor_version == 0 || !r.field("host").empty());
      FUZZ_CHECK(r.path().size() <= r.target.size());
      FUZZ_CHECK(head <= HttpRequestParser::kMaxHeadBytes + 2);
      check_web_policies(r);
    }
    p.reset();
    head = 0;
  }
}

}  // namespace chatd::fuzz
