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
  std::size_t& from_there = per_address_[c.peer().limit_key()];
  if (from_there >= kMaxPerAddress) {
    spdlog::info("refused {}: {} HTTP connections from there already", c.peer().to_string(),
                 kMaxPerAddress);
    return c.close(reactor::CloseReason::kByServer);
  }
  ++from_there;
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
  const auto it = per_address_.find(s.connection().peer().limit_key());
  if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
  if (sessions_.empty()) sweep_timer_.stop();
}

void HttpService::sweep() {
  const std::uint64_t now = loop_.now_ms();
  for (HttpSession* s = sessions_.front(); s != nullptr;) {
    HttpSession* next = sessions_.next(*s);
    if (now >= s->deadline_ms()) s->time_out();
    s = next;
  }
}

}  // namespace chatd
