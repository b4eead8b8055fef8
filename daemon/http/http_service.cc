// HttpService: admission and deadlines of HTTP connections.
#include "daemon/http/http_service.h"

#include <spdlog/spdlog.h>

#include "daemon/http/http_session.h"

namespace chatd {
namespace {
constexpr std::uint64_t kSweepIntervalMs = 1000;
}  // namespace

HttpService::HttpService(reactor::Loop& loop, Handler handler)
    : loop_(loop), handler_(std::move(handler)), sweep_timer_(loop, [this] { sweep(); }) {}

HttpService::~HttpService() {
  close_all();
}

void HttpService::accept(reactor::Connection& c) {
  if (sessions_.size() >= kMaxConnections) {
    spdlog::info("refused {}: {} HTTP connections already open", c.peer().to_string(),
                 kMaxConnections);
    return c.close(reactor::CloseReason::kByServer);
  }
  sessions_.push_back(*new HttpSession(*this, c));
  if (!sweep_timer_.active()) sweep_timer_.start(kSweepIntervalMs, kSweepIntervalMs);
}

void HttpService::close_all() {
  while (HttpSession* s = sessions_.front())
    s->connection().close(reactor::CloseReason::kByServer);
}

reactor::HttpResponse HttpService::respond(const reactor::HttpRequest& request) {
  return handler_(request);
}

void HttpService::forget(HttpSession& s) {
  sessions_.remove(s);
  if (sessions_.empty()) sweep_timer_.stop();
}

void HttpService::sweep() {
  const std::uint64_t now = loop_.now_ms();
  for (HttpSession* s = sessions_.front(); s != nullptr;) {
    HttpSession* next = sessions_.next(*s);
    if (now >= s->deadline_ms()) s->connection().close(reactor::CloseReason::kIdleTimeout);
    s = next;
  }
}

}  // namespace chatd
