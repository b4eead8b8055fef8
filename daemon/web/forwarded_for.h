// X-Forwarded-For: the client address a reverse proxy (nginx's ordinary HTTP
// proxying, which cannot send a PROXY header) puts in the request. Only the
// last entry is the proxy's own word: the ones before it came from the client.
// The caller honours it only from a --proxy-from address.
#pragma once

#include <optional>

#include "reactor/address.h"
#include "reactor/http/http_request.h"

namespace chatd {

// The last address of the request's last X-Forwarded-For field, or nothing if
// there is none or it is not a numeric IPv4 or IPv6 address.
std::optional<reactor::PeerAddress> forwarded_client(const reactor::HttpRequest& request);

}  // namespace chatd
