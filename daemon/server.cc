// Server: admission, listeners, flood-control resumes, reload and shutdown.
#include "daemon/server.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "daemon/fd_limit.h"
#include "daemon/logging.h"
#include "daemon/replies.h"
#include "daemon/session.h"
#include "daemon/systemd.h"
#include "reactor/connection.h"

namespace chatd {
namespace {
// How often per-address connect buckets that have refilled are forgotten.
constexpr std::uint64_t kForgetIntervalMs = 10000;
// How often throttled senders are checked for refilled tokens.
constexpr std::uint64_t kThrottleTickMs = 20;
// Accept errors (fd exhaustion) are logged at most this often, with a count.
constexpr std::uint64_t kAcceptErrorLogIntervalMs = 1000;

Chat::Settings chat_settings(const Config& c) {
  return {c.announce_limit, c.default_room};
}

ConnectLimiter::Rates connect_rates(const Config& c) {
  return {c.connect_rate, c.connect_burst, c.total_connect_rate, c.total_connect_burst};
}

reactor::ConnectionLimits connection_limits(const Config& c) {
  reactor::ConnectionLimits limits;
  limits.max_line_bytes = c.max_line_bytes;
  limits.output_limit = c.output_limit;
  limits.soft_output_limit = c.output_soft_limit;
  limits.soft_output_ms = std::uint64_t{c.output_soft_seconds} * 1000;
  limits.idle_timeout_ms = std::uint64_t{c.idle_timeout_s} * 1000;
  return limits;
}
}  // namespace

Server::Server(reactor::Loop& loop, const ConfigLoader& loader, Config config)
    : loop_(loop),
      loader_(loader),
      config_(std::move(config)),
      chat_(chat_settings(config_)),
      status_(loop, [this] { return counters(); }),
      throttle_timer_(loop, [this] { resume_throttled(); }),
      connect_limiter_(connect_rates(config_)),
      forget_timer_(loop, [this] { connect_limiter_.forget_idle(loop_.now_ms()); }) {
  throttle_timer_.unref();
  forget_timer_.start(kForgetIntervalMs, kForgetIntervalMs);
  forget_timer_.unref();
  loop_.set_limits(connection_limits(config_));
  set_client_cap();
}

Server::~Server() {
  listeners_.clear();
  loop_.for_each_connection(
      [](reactor::Connection& c) { c.close(reactor::CloseReason::kByServer); });
}

void Server::start() {
  const std::vector<int> fds = systemd::inherited_listen_fds();
  for (int fd : fds) {
    listeners_.push_back(std::make_unique<reactor::Listener>(loop_, fd, config_.backlog, *this));
  }
  if (fds.empty()) {
    for (const reactor::Endpoint& at : config_.listen) {
      listeners_.push_back(std::make_unique<reactor::Listener>(loop_, at, config_.backlog, *this));
    }
  }
  for (const auto& l : listeners_) {
    spdlog::info("listening on {}{}", l->local_address(),
                 fds.empty() ? "" : " (socket activation)");
  }
  if (!fds.empty()) spdlog::info("socket-activated: the configured listen addresses are not bound");
  status_.ready();
}

void Server::on_accept(reactor::Connection& c) {
  if (shutting_down_) return c.close(reactor::CloseReason::kByServer);
  switch (connect_limiter_.admit(c.peer().limit_key(), loop_.now_ms())) {
    case ConnectLimiter::Verdict::kAdmit:
      break;
    case ConnectLimiter::Verdict::kAddressTooFast:
      return refuse(c, reactor::format_line(replies::kConnectingTooFast),
                    "connect rate per address");
    case ConnectLimiter::Verdict::kServerTooFast:
      return refuse(c, reactor::format_line(replies::kServerBusy), "total connect rate");
  }
  if (sessions_ >= client_cap_) {
    return refuse(c, reactor::format_line(replies::kServerFull), "server full");
  }
  std::uint32_t& from_here = per_address_[c.peer().limit_key()];
  if (config_.max_per_ip != 0 && from_here >= config_.max_per_ip) {
    return refuse(c, reactor::format_line(replies::kTooManyFromAddress), "per-address limit");
  }
  ++from_here;
  ++sessions_;
  new Session(*this, c);  // owned by the connection; deletes itself in on_close
}

void Server::refuse(reactor::Connection& c, const reactor::MessageRef& why,
                    const char* log_reason) {
  spdlog::info("refused {}: {}", c.peer().to_string(), log_reason);
  c.send(why);
  c.close_when_drained();
}

void Server::on_accept_error(int uv_error) {
  ++accept_errors_;
  const std::uint64_t now = loop_.now_ms();
  if (now - last_accept_error_log_ms_ < kAcceptErrorLogIntervalMs &&
      last_accept_error_log_ms_ != 0) {
    return;
  }
  last_accept_error_log_ms_ = now;
  spdlog::error("accept failed: {} ({} accept errors so far)", reactor::describe_error(uv_error),
                accept_errors_);
}

void Server::on_session_closed(Session& s) {
  --sessions_;
  const auto it = per_address_.find(s.connection().peer().limit_key());
  if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
  if (s.throttled()) std::erase(throttled_, &s);
}

void Server::throttle(Session& s) {
  throttled_.push_back(&s);
  if (!throttle_timer_.active()) throttle_timer_.start(kThrottleTickMs, kThrottleTickMs);
}

void Server::resume_throttled() {
  const std::uint64_t now = loop_.now_ms();
  std::vector<Session*> due;
  std::erase_if(throttled_, [&](Session* s) {
    if (!s->ready_to_resume(now)) return false;
    due.push_back(s);
    return true;
  });
  // Resuming hands over lines held back, which may throttle the session again.
  for (Session* s : due)
    s->resume();
  if (throttled_.empty()) throttle_timer_.stop();
}

void Server::shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  status_.stopping();
  spdlog::info("shutting down: {} clients to notify", sessions_);
  listeners_.clear();
  throttle_timer_.stop();
  // One shared line for everyone; each connection closes once it has it.
  const reactor::MessageRef bye = reactor::format_line(replies::kShuttingDown);
  loop_.for_each_connection([&](reactor::Connection& c) {
    c.send(bye);
    c.close_when_drained();
  });
}

void Server::reload() {
  status_.reloading();
  try {
    Config fresh = loader_.load();
    fresh.listen = config_.listen;  // listeners are kept as they are
    apply(fresh);
    spdlog::info("configuration reloaded{}", config_.config_file.empty() ? " (no file)" : "");
  } catch (const std::exception& e) {
    spdlog::error("reload failed, keeping the running configuration: {}", e.what());
  }
  status_.reloaded();
}

ServiceCounters Server::counters() const {
  return {sessions_, chat_.rooms().size(), chat_.messages_relayed()};
}

void Server::apply(const Config& config) {
  config_ = config;
  chat_.set_settings(chat_settings(config_));
  connect_limiter_.set_rates(connect_rates(config_));
  loop_.set_limits(connection_limits(config_));
  set_log_level(config_.log_level);
  set_client_cap();
}

void Server::set_client_cap() {
  const std::uint64_t limit = fd_limit();
  client_cap_ = clients_within_fd_limit(config_.max_clients, limit);
  if (client_cap_ < config_.max_clients) {
    spdlog::warn(
        "max_clients {} does not fit the file descriptor limit {}: serving at most {} clients, "
        "the rest are refused (raise LimitNOFILE= or ulimit -n)",
        config_.max_clients, limit, client_cap_);
  }
}

}  // namespace chatd
