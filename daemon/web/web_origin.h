// Which pages may open a WebSocket to chatd. Browsers let any site's script
// connect to any WebSocket server, sending the page's Origin: without this
// check a hostile page could make its visitors' browsers chat (cross-site
// WebSocket hijacking). Allowed: no Origin at all (a tool, not a browser), the
// page chatd itself served (Origin host:port is the request's Host), and the
// origins of --web-origin.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "reactor/http/http_request.h"

namespace chatd {

// An origin as browsers serialise it, lower case: "https://chat.example.org" or
// "http://localhost:8080" (a default port left out). Throws
// std::invalid_argument saying what is wrong with `text`.
std::string normalize_origin(std::string_view text);

// `allowed` holds normalize_origin() results.
bool origin_allowed(const reactor::HttpRequest& request, std::span<const std::string> allowed);

}  // namespace chatd
