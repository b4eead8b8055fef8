// Server: the answers of its metrics listeners: /metrics, /livez, /readyz.
#include <algorithm>
#include <utility>

#include "daemon/metrics/metrics_page.h"
#include "daemon/metrics/prometheus_text.h"
#include "daemon/server.h"

namespace chatd {

// GET /metrics, /livez (the loop answers: alive), /readyz (503 while shutting
// down or full, so a load balancer sends new users elsewhere).
reactor::HttpResponse Server::answer_http(const reactor::HttpRequest& request) {
  ++stats_.http_requests;
  reactor::HttpResponse r;
  r.fields.emplace_back("Cache-Control", "no-store");
  const std::string_view path = request.path();
  if (path == "/metrics") {
    r.content_type = PrometheusText::kContentType;
    r.body = metrics_page();
  } else if (std::optional<reactor::HttpResponse> health = answer_health(path)) {
    r = std::move(*health);
  } else {
    r.status = 404;
    r.body = "not found: chatd serves /metrics, /livez and /readyz here\n";
  }
  return r;
}

std::optional<reactor::HttpResponse> Server::answer_health(std::string_view path) const {
  reactor::HttpResponse r;
  r.fields.emplace_back("Cache-Control", "no-store");
  if (path != "/livez" && path != "/readyz") return std::nullopt;
  if (path == "/readyz" && (shutting_down_ || clients_.size() >= client_cap_)) {
    r.status = 503;
    r.body = shutting_down_ ? "draining\n" : "full\n";
  } else {
    r.body = "ok\n";
  }
  return r;
}

std::string Server::metrics_page() {
  MetricsSnapshot s{stats_, loop_.stats(), chat_};
  loop_.for_each_connection([&s](reactor::Connection& c) {
    const std::uint64_t queued = c.queued_bytes();
    s.output_queued_bytes += queued;
    s.output_queue_max_bytes = std::max(s.output_queue_max_bytes, queued);
  });
  s.flood_paused = throttled_.size();
  s.max_clients = client_cap_;
  s.output_limit = config_.output_limit;
  s.open_fds = base_fds_ + listeners_.size() + http_listeners_.size() + loop_.connection_count();
  if (backplane_) {
    s.cluster = ClusterMetrics{backplane_->stats(), backplane_->linked(), backplane_->other_nodes(),
                               backplane_->queued_bytes()};
  }
  return render_metrics(s);
}

}  // namespace chatd
