// HttpSession: request heads line by line, answered as each completes.
#include "daemon/http/http_session.h"

#include <spdlog/spdlog.h>

#include "daemon/http/http_service.h"
#include "daemon/server_stats.h"
#include "reactor/http/http_response.h"
#include "reactor/websocket/websocket_handshake.h"

namespace chatd {
namespace {
// A server of tiny GET responses takes no line longer than its whole head.
constexpr std::size_t kMaxLineBytes = reactor::HttpRequestParser::kMaxHeadBytes;
// The traffic class of HTTP connections (LoopStats::traffic): the one after the
// chat protocols'.
constexpr std::uint8_t kHttpTraffic = kChatProtocols;
static_assert(kHttpTraffic < reactor::kTrafficClasses);
}  // namespace

HttpSession::HttpSession(HttpService& service, reactor::Connection& connection,
                         std::string address_key)
    : service_(service),
      conn_(connection),
      address_key_(std::move(address_key)),
      deadline_ms_(service.now_ms() + HttpService::kRequestTimeoutMs) {
  conn_.set_handler(this);
  conn_.set_telnet_filter(false);
  conn_.set_max_line_bytes(kMaxLineBytes);
  conn_.set_traffic_class(kHttpTraffic);
}

void HttpSession::on_line(reactor::Connection&, std::string_view line) {
  handle(parser_.feed_line(line));
}

void HttpSession::on_line_too_long(reactor::Connection&) {
  handle(parser_.line_too_long());
}

void HttpSession::handle(reactor::HttpRequestParser::Status status) {
  using Status = reactor::HttpRequestParser::Status;
  if (status == Status::kIncomplete) return;
  if (status == Status::kBad) {
    spdlog::debug("bad HTTP request from {}: {}", conn_.peer().to_string(), parser_.error());
    reactor::HttpResponse r;
    r.status = parser_.error_status();
    r.body = parser_.error() + "\n";
    r.close = true;
    conn_.send(reactor::render_response(r, false));
    return conn_.close_when_drained();
  }
  const reactor::HttpRequest& request = parser_.request();
  if (request.method == "GET" && service_.upgrades() && reactor::asks_for_websocket(request)) {
    std::optional<reactor::HttpResponse> refusal = service_.upgrade(conn_, request);
    if (!refusal) {
      service_.forget(*this);
      delete this;
      return;
    }
    refusal->close = true;
    return answer(request, std::move(*refusal));
  }
  reactor::HttpResponse r;
  if (request.method == "GET" || request.method == "HEAD") {
    r = service_.respond(request);
  } else {
    r.status = 405;
    r.body = "only GET and HEAD\n";
    r.fields.emplace_back("Allow", "GET, HEAD");
  }
  answer(request, std::move(r));
}

void HttpSession::answer(const reactor::HttpRequest& request, reactor::HttpResponse r) {
  r.close = r.close || !request.keep_alive();
  if (!r.close && request.minor_version == 0) r.fields.emplace_back("Connection", "keep-alive");
  conn_.send(reactor::render_response(r, request.method == "HEAD"));
  if (r.close) return conn_.close_when_drained();
  parser_.reset();
  deadline_ms_ = service_.now_ms() + HttpService::kRequestTimeoutMs;
  // One request at a time: a pipelined burst of /metrics requests is rendered
  // as fast as the client takes the answers, not all in one turn of the loop.
  if (conn_.queued_bytes() != 0) {
    conn_.pause_reading();
    conn_.notify_when_drained(0);
  }
}

void HttpSession::on_output_drained(reactor::Connection&) {
  conn_.resume_reading();
}

void HttpSession::time_out() {
  reactor::HttpResponse r;
  r.status = 408;
  r.body = "the request did not arrive in time\n";
  r.close = true;
  conn_.try_write_now(reactor::render_response(r, false));
  conn_.close(reactor::CloseReason::kIdleTimeout);
}

void HttpSession::on_close(reactor::Connection&, reactor::CloseReason) {
  service_.forget(*this);
  delete this;
}

}  // namespace chatd
