// Server: the web listeners. GET / serves the chat page (its files embedded in
// the binary), /livez and /readyz as on a metrics listener, and /ws
// upgrades to a WebSocket whose browser is a plain user: same greeting,
// commands and limits, one line per text frame.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>

#include "daemon/server.h"
#include "daemon/web/forwarded_for.h"
#include "daemon/web/page_files.h"
#include "daemon/web/web_origin.h"
#include "reactor/connection.h"
#include "reactor/websocket/websocket_handshake.h"

namespace chatd {
namespace {

// No inline script or style, no frames, nothing fetched but the page's own
// files and its WebSocket (ws: wss: because older browsers do not count a
// same-origin WebSocket as 'self').
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

reactor::HttpResponse page_response(const PageFile& f, const reactor::HttpRequest& request) {
  reactor::HttpResponse r;
  r.content_type = f.content_type;
  // The page and its script and style are revalidated on every load (the ETag
  // makes that a 304), so a new chatd's page is never mixed with an old
  // script; the icon may be a day old.
  r.fields.emplace_back("Cache-Control", f.path == "/icon.svg" ? "max-age=86400" : "no-cache");
  r.fields.emplace_back("ETag", f.etag);
  r.fields.emplace_back("X-Content-Type-Options", "nosniff");
  r.fields.emplace_back("Referrer-Policy", "no-referrer");
  if (f.path == "/") r.fields.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
  // A proxy that compresses may have weakened the tag (W/"..."): still a match
  // for a GET (RFC 9110 §13.1.2's weak comparison).
  if (request.field_lists("if-none-match", f.etag) ||
      request.field_lists("if-none-match", fmt::format("w/{}", f.etag)) ||
      request.field("if-none-match") == "*") {
    r.status = 304;
  } else {
    r.body = f.body;
  }
  return r;
}

reactor::HttpResponse error_response(int status, std::string body) {
  reactor::HttpResponse r;
  r.status = status;
  r.body = std::move(body) + "\n";
  r.fields.emplace_back("Cache-Control", "no-store");
  return r;
}

// What a browser is told when chat admission refuses it: it cannot read a
// body, but a person looking at the network tab or a tool can.
int http_status_of(Refusal r) {
  switch (r) {
    case Refusal::kBanned:
      return 403;
    case Refusal::kConnectRate:
    case Refusal::kPerAddress:
      return 429;
    default:
      return 503;
  }
}

}  // namespace

reactor::HttpResponse Server::answer_web(const reactor::HttpRequest& request) {
  ++stats_.http_requests;
  const std::string_view path = request.path();
  if (std::optional<reactor::HttpResponse> health = answer_health(path)) return std::move(*health);
  for (const PageFile& f : page_files()) {
    if (f.path == path) return page_response(f, request);
  }
  if (path == "/ws") {
    reactor::HttpResponse r =
        error_response(426, "/ws is a WebSocket: connect with Upgrade: websocket");
    r.fields.emplace_back("Upgrade", "websocket");
    return r;
  }
  return error_response(404, "not found: chatd serves its chat page at /");
}

std::optional<reactor::HttpResponse> Server::upgrade_web(reactor::Connection& c,
                                                         const reactor::HttpRequest& request) {
  ++stats_.http_requests;
  if (request.path() != "/ws") return error_response(404, "chatd's WebSocket is at /ws");
  const reactor::WebSocketUpgrade upgrade = reactor::check_websocket_upgrade(request);
  if (upgrade.refusal != 0) {
    reactor::HttpResponse r = error_response(upgrade.refusal, upgrade.why);
    if (upgrade.refusal == 426) {
      r.fields.emplace_back("Upgrade", "websocket");
      r.fields.emplace_back("Sec-WebSocket-Version", "13");
    }
    return r;
  }
  const reactor::PeerAddress client = web_client(c, request);
  if (!origin_allowed(request, config_.web_origins)) {
    stats_.refuse(Refusal::kOrigin);
    spdlog::info("refused {}: WebSocket from a page of {} (allow it with --web-origin)",
                 client.to_string(), request.field("origin"));
    return error_response(403, "this chat does not take WebSockets from pages of other sites");
  }
  if (std::optional<Refused> refused = admit(client)) {
    const int status = http_status_of(refused->reason);
    reactor::HttpResponse r = error_response(status, refused->why);
    if (status != 403) r.fields.emplace_back("Retry-After", "5");
    return r;
  }
  c.send(reactor::render_switching_protocols(upgrade.accept));
  c.upgrade_to_websocket();
  c.set_peer(client);
  enter(c, FrontEnd::kWeb);
  return std::nullopt;
}

reactor::PeerAddress Server::web_client(const reactor::Connection& c,
                                        const reactor::HttpRequest& request) const {
  const bool trusted = std::any_of(config_.proxy_from.begin(), config_.proxy_from.end(),
                                   [&](const reactor::Cidr& net) { return c.peer().in(net); });
  if (!trusted) return c.peer();
  return forwarded_client(request).value_or(c.peer());
}

}  // namespace chatd
