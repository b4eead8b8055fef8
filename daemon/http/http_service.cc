// HttpService: admission and deadlines of HTTP connections.
#include "daemon/http/http_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "daemon/http/http_session.h"

namespace chatd {
namespace {
constexpr std::uint64_t kSweepIntervalMs = 1000;
}  // namespace

HttpService::HttpService(reactor::Loop& loop, Limits limits, Handler handler, Upgrader upgrader)
    : loop_(loop),
      limits_(limits),
      handler_(std::move(handler)),
      upgrader_(std::move(upgrader)),
      sweep_timer_(loop, [this] { sweep(); }) {}

HttpService::~HttpService() {
  close_all();
}

void HttpService::accept(reactor::Connection& c) {
  if (sessions_.size() >= limits_.connections) {
    spdlog::info("refused {}: {} HTTP connections already open", c.peer().to_string(),
                 limits_.connections);
    return c.close(reactor::CloseReason::kByServer);
  }
  const bool proxy = std::any_of(proxies_.begin(), proxies_.end(),
                                 [&](const reactor::Cidr& net) { return c.peer().in(net); });
  std::string key = proxy ? std::string() : c.peer().limit_key();
  if (!proxy) {
    std::size_t& from_there = per_address_[key];
    if (from_there >= limits_.per_address) {
      spdlog::info("refused {}: {} HTTP connections from there already", c.peer().to_string(),
                   limits_.per_address);
      return c.close(reactor::CloseReason::kByServer);
    }
    ++from_there;
  }
  sessions_.push_back(*new HttpSession(*this, c, std::move(key)));
  if (!sweep_timer_.active()) sweep_timer_.start(kSweepIntervalMs, kSweepIntervalMs);
}

void HttpService::close_all() {
  while (HttpSession* s = sessions_.front())
    s->connection().close(reactor::CloseReason::kByServer);
}

reactor::HttpResponse HttpService::respond(const reactor::HttpRequest& request) {
  return handler_(request);
}

std::optional<reactor::HttpResponse> HttpService::upgrade(reactor::Connection& c,
                                                          const reactor::HttpRequest& request) {
  return upgrader_(c, request);
}

void HttpService::forget(HttpSession& s) {
  sessions_.remove(s);
  const auto it = s.address_key().empty() ? per_address_.end() : per_address_.find(s.address_key());
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
