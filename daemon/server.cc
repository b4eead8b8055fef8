// Server: listeners and admission, the clients' list, flood-control resumes,
// reload and shutdown.
#include "daemon/server.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>

#include "daemon/config_checks.h"
#include "daemon/fd_limit.h"
#include "daemon/irc/irc_render.h"
#include "daemon/irc/irc_session.h"
#include "daemon/logging.h"
#include "daemon/metrics/process_stats.h"
#include "daemon/plain/plain_render.h"
#include "daemon/plain/plain_session.h"
#include "daemon/plain/replies.h"
#include "daemon/refusals.h"
#include "daemon/systemd.h"
#include "daemon/tls_certificate.h"
#include "reactor/connection.h"

namespace chatd {
namespace {
// How often per-address connect buckets that have refilled are forgotten.
constexpr std::uint64_t kForgetIntervalMs = 10000;
// How often throttled senders are checked for refilled tokens.
constexpr std::uint64_t kThrottleTickMs = 20;
// Server operator password checks (scrypt, ~50 ms each): per address, and in all.
constexpr ConnectLimiter::Rates kOperCheckRates{1.0 / 3, 3, 1, 3};
// Accept errors (fd exhaustion) are logged at most this often, with a count.
constexpr std::uint64_t kAcceptErrorLogIntervalMs = 1000;
// Metrics: scrapers and health checks, a few at a time. Web: page loads and
// handshakes in flight (users are counted once they upgrade); 64 from one
// address leaves room for a busy NAT or a load test from one host.
constexpr HttpService::Limits kMetricsHttpLimits{64, 8};
constexpr HttpService::Limits kWebHttpLimits{1024, 64};

Chat::Settings chat_settings(const Config& c) {
  return {c.announce_limit, c.default_room, c.irc_max_rooms,
          HistoryStore::Limits{c.history_lines, c.history_max_bytes}};
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
  limits.handshake_timeout_ms = std::uint64_t{c.tls_handshake_timeout} * 1000;
  return limits;
}

// systemd names each socket by its unit's FileDescriptorName=, which defaults
// to the unit's own name: an unnamed socket is plain.
// A certificate this close to its end is logged as a warning, not as news.
constexpr std::int64_t kExpiryWarningSeconds = std::int64_t{14} * 86400;

void log_certificate(const reactor::TlsContext& cert, std::string_view what) {
  const auto level = cert.certificate().seconds_left < kExpiryWarningSeconds ? spdlog::level::warn
                                                                             : spdlog::level::info;
  spdlog::log(level, "{} {}", what, describe_certificate(cert));
}

bool is_loopback(std::string_view address) {
  return address.starts_with("127.") || address.starts_with("[::1]:");
}

Scheme scheme_of(const systemd::InheritedSocket& s) {
  if (s.name == "unknown" || s.name.ends_with(".socket")) return Scheme{FrontEnd::kPlain};
  try {
    return parse_scheme(s.name);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(
        fmt::format("socket activation: inherited fd {} is named '{}' (FileDescriptorName=): {}",
                    s.fd, s.name, e.what()));
  }
}
}  // namespace

Server::Server(reactor::Loop& loop, const ConfigLoader& loader, Config config)
    : loop_(loop),
      loader_(loader),
      config_(std::move(config)),
      chat_(chat_settings(config_)),
      cloak_(config_.cloak_hosts, config_.cloak_key),
      irc_(loop, config_),
      status_(loop, [this] { return counters(); }),
      http_(loop, kMetricsHttpLimits,
            [this](const reactor::HttpRequest& r) { return answer_http(r); }),
      web_http_(
          loop, kWebHttpLimits, [this](const reactor::HttpRequest& r) { return answer_web(r); },
          [this](reactor::Connection& c, const reactor::HttpRequest& r) {
            return upgrade_web(c, r);
          }),
      bans_(config_.state_dir, Chat::wall_seconds()),
      oper_checks_(kOperCheckRates),
      throttle_timer_(loop, [this] { resume_throttled(); }),
      stop_http_timer_(loop, [this] { stop_http(); }),
      connect_limiter_(connect_rates(config_)),
      forget_timer_(loop, [this] {
        connect_limiter_.forget_idle(loop_.now_ms());
        oper_checks_.forget_idle(loop_.now_ms());
      }) {
  chat_.set_history_renderers({&plain_rendering, &irc::irc_rendering});
  throttle_timer_.unref();
  forget_timer_.start(kForgetIntervalMs, kForgetIntervalMs);
  forget_timer_.unref();
  loop_.set_limits(connection_limits(config_));
  web_http_.set_proxies(config_.proxy_from);
  set_client_cap();
}

Server::~Server() {
  listeners_.clear();
  http_listeners_.clear();
  tls_listeners_.clear();
  proxy_listeners_.clear();
  loop_.for_each_connection(
      [](reactor::Connection& c) { c.close(reactor::CloseReason::kByServer); });
}

void Server::start() {
  const std::vector<systemd::InheritedSocket> inherited = systemd::inherited_listen_fds();
  for (const systemd::InheritedSocket& s : inherited)
    adopt(s);
  socket_activated_ = !inherited.empty();
  if (inherited.empty()) {
    for (const ListenSpec& spec : config_.listen)
      listen_on(spec);
  } else {
    spdlog::info("socket-activated: the configured listen addresses are not bound");
  }
  base_fds_ = count_open_fds() - listeners_.size() - http_listeners_.size();
  if (config_.clustered()) join_cluster();
  status_.ready();
}

void Server::listen_on(const ListenSpec& spec) {
  acceptors_.push_back(std::make_unique<Acceptor>(*this, spec.scheme.front_end));
  serve(spec.scheme,
        std::make_unique<reactor::Listener>(loop_, spec.at, config_.backlog, *acceptors_.back(),
                                            config_.reuseport),
        config_.reuseport ? " (SO_REUSEPORT)" : "");
}

// The Redis links are made on the loop, after the listeners: clients are
// served at once, isolated until the cluster answers.
void Server::join_cluster() {
  cluster::Backplane::Settings s;
  if (!config_.redis.empty()) s.redis = reactor::parse_redis_url(config_.redis);
  for (const std::string& sentinel : config_.redis_sentinels)
    s.sentinels.push_back(reactor::parse_sentinel_address(sentinel));
  s.master = config_.redis_master;
  s.node_name =
      config_.node_name.empty() ? fmt::format("{}:{}", host_name(), ::getpid()) : config_.node_name;
  s.prefix = config_.cluster_prefix;
  cluster::BackplaneHost& host = *this;
  backplane_ = std::make_unique<cluster::Backplane>(loop_, chat_, host, std::move(s));
  backplane_->start();
}

void Server::when_rooms_ready(User& u, std::span<const std::string_view> rooms,
                              std::function<void(User&)> then) {
  if (backplane_ == nullptr) return then(u);
  const UserHandle who = chat_.handle_of(u);
  auto next = std::make_shared<std::function<void(User&)>>(std::move(then));
  auto resume = [this, who, next] {
    User* still = chat_.resolve(who);
    if (still == nullptr) return;
    (*next)(*still);
    // Last: the lines held meanwhile run now, after the joins.
    client_of(*still).release_input();
  };
  if (!backplane_->prepare_rooms(rooms, std::move(resume))) return (*next)(u);
  client_of(u).hold_input();
}

void Server::notify(User& u, std::string_view text) {
  if (u.protocol() == Protocol::kPlain) return static_cast<PlainSession&>(u).notify(text);
  if (u.protocol() == Protocol::kIrc) static_cast<IrcSession&>(u).notify(text);
}

void Server::adopt(const systemd::InheritedSocket& s) {
  const Scheme scheme = scheme_of(s);
  acceptors_.push_back(std::make_unique<Acceptor>(*this, scheme.front_end));
  serve(scheme,
        std::make_unique<reactor::Listener>(loop_, s.fd, config_.backlog, *acceptors_.back()),
        " (socket activation)");
}

// The certificate is loaded with the first +tls listener, so a chatd without
// one never reads a key file.
void Server::serve(const Scheme& scheme, std::unique_ptr<reactor::Listener> listener,
                   std::string_view how) {
  const std::string name = fmt::format("{}://{}", scheme.to_string(), listener->local_address());
  if (scheme.tls) {
    if (!certificate_) {
      if (config_.tls_cert.empty() || config_.tls_key.empty()) {
        throw std::runtime_error(fmt::format(
            "listener {} needs a certificate and its key: set --tls-cert and --tls-key", name));
      }
      try {
        certificate_ = load_certificate(config_);
      } catch (const std::exception& e) {
        throw std::runtime_error(fmt::format("listener {}: {}", name, e.what()));
      }
      log_certificate(*certificate_, "TLS certificate");
    }
    listener->set_tls(certificate_);
    tls_listeners_.push_back(listener.get());
  }
  if (scheme.proxy) {
    listener->set_proxy(config_.proxy_from);
    proxy_listeners_.push_back(listener.get());
  }
  if (scheme.front_end == FrontEnd::kMetrics) {
    if (!is_loopback(listener->local_address())) {
      spdlog::warn("{} is reachable from other machines: its page shows the server's load", name);
    }
    http_listeners_.push_back(std::move(listener));
  } else {
    listeners_.push_back(std::move(listener));
  }
  spdlog::info("listening on {}{}", name, how);
}

// HTTP connections are not users: they have their own cap (HttpService) and
// none of the users' limits.
void Server::accept(reactor::Connection& c, FrontEnd front_end) {
  if (front_end == FrontEnd::kMetrics) {
    // A +proxy connection's header may complete after the listeners closed.
    if (shutting_down_ && http_listeners_.empty()) return c.close(reactor::CloseReason::kByServer);
    return http_.accept(c);
  }
  if (front_end == FrontEnd::kWeb) {
    if (shutting_down_) return c.close(reactor::CloseReason::kByServer);
    return web_http_.accept(c);  // a user once it upgrades (upgrade_web)
  }
  if (std::optional<Refused> refused = admit(c.peer())) return refuse(c, front_end, *refused);
  enter(c, front_end);
}

std::optional<Server::Refused> Server::admit(const reactor::PeerAddress& peer) {
  auto refused = [&](Refusal reason, std::string why, std::string_view log_reason) {
    stats_.refuse(reason);
    if (!log_reason.empty()) spdlog::info("refused {}: {}", peer.to_string(), log_reason);
    return Refused{reason, std::move(why)};
  };
  if (shutting_down_) {
    // Taken from the accept queue by the drain (counted in one log line there).
    return refused(Refusal::kShuttingDown, "server shutting down, connect again", {});
  }
  switch (connect_limiter_.admit(peer.limit_key(), loop_.now_ms())) {
    case ConnectLimiter::Verdict::kAdmit:
      break;
    case ConnectLimiter::Verdict::kAddressTooFast:
      return refused(Refusal::kConnectRate, refusals::kConnectingTooFast,
                     "connect rate per address");
    case ConnectLimiter::Verdict::kServerTooFast:
      return refused(Refusal::kTotalConnectRate, refusals::kServerBusy, "total connect rate");
  }
  if (const ServerBan* ban = bans_.find(peer, Chat::wall_seconds())) {
    return refused(Refusal::kBanned, fmt::format("banned from this server: {}", ban->reason),
                   fmt::format("banned ({})", ban->mask.to_string()));
  }
  if (clients_.size() >= client_cap_) {
    return refused(Refusal::kServerFull, refusals::kServerFull, "server full");
  }
  const auto it = per_address_.find(peer.limit_key());
  if (config_.max_per_ip != 0 && it != per_address_.end() && it->second >= config_.max_per_ip) {
    return refused(Refusal::kPerAddress, refusals::kTooManyFromAddress, "per-address limit");
  }
  return std::nullopt;
}

// Each session is owned by its connection and deletes itself in on_close.
void Server::enter(reactor::Connection& c, FrontEnd front_end) {
  ++per_address_[c.peer().limit_key()];
  ++stats_.by_protocol[protocol_index(front_end)].accepted;
  if (front_end == FrontEnd::kIrc) {
    new IrcSession(*this, c, cloak_.host_for(c.peer()));
  } else {
    new PlainSession(*this, c, front_end, cloak_.host_for(c.peer()));
  }
}

// A TLS client is refused before its handshake, so it cannot be told why: the
// refusal must not cost the crypto it is there to save.
void Server::refuse(reactor::Connection& c, FrontEnd front_end, const Refused& refused) {
  if (c.is_encrypted()) return c.close(reactor::CloseReason::kByServer);
  c.send(front_end == FrontEnd::kIrc ? reactor::format_line("ERROR :{}", refused.why)
                                     : reactor::format_line("! {}", refused.why));
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

void Server::on_proxy_refused(const reactor::PeerAddress& from, std::string_view why) {
  stats_.refuse(Refusal::kProxyHeader);
  spdlog::info("refused {}: {}", from.to_string(), why);
}

void Server::on_client_open(Client& c) {
  clients_.push_back(c);
  ++stats_.by_protocol[protocol_index(c.front_end())].connected;
}

void Server::on_client_closed(Client& c, Disconnect why) {
  stats_.disconnect(why);
  --stats_.by_protocol[protocol_index(c.front_end())].connected;
  clients_.remove(c);
  // Not from inside this close: the loop may be walking its connections.
  if (shutting_down_ && clients_.empty()) stop_http_timer_.start(0);
  const auto it = per_address_.find(c.connection().peer().limit_key());
  if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
  if (c.throttled()) std::erase(throttled_, &c);
  std::erase(resuming_, &c);
}

void Server::throttle(Client& c) {
  ++stats_.flood_pauses;
  throttled_.push_back(&c);
  if (!throttle_timer_.active()) throttle_timer_.start(kThrottleTickMs, kThrottleTickMs);
}

// Resuming hands over lines held back, which may throttle the client again, or
// close another client: resuming_ is a member so on_client_closed can drop it.
void Server::resume_throttled() {
  const std::uint64_t now = loop_.now_ms();
  std::erase_if(throttled_, [&](Client* c) {
    if (!c->ready_to_resume(now)) return false;
    resuming_.push_back(c);
    return true;
  });
  while (!resuming_.empty()) {
    Client* c = resuming_.back();
    resuming_.pop_back();
    c->resume();
  }
  if (throttled_.empty()) throttle_timer_.stop();
}

void Server::shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  status_.stopping();
  spdlog::info("shutting down: {} clients to notify", clients_.size());
  if (backplane_) backplane_->shut_down({});
  // Closing a listener resets the connections in its queue: take them first and
  // tell them, unless the kernel hands them to another node on the same port,
  // or systemd holds the sockets (the next start serves them).
  if (!socket_activated_ && !(config_.reuseport && reactor::tcp_migrates_queued_connections())) {
    std::size_t drained = 0;
    for (const auto& l : listeners_)
      drained += l->drain();
    if (drained != 0) spdlog::info("{} connections were waiting to be accepted", drained);
  }
  listeners_.clear();
  tls_listeners_.clear();
  proxy_listeners_.clear();
  web_http_.close_all();  // page loads; their browsers retry on the next node
  throttle_timer_.stop();
  // Clients still in their handshake are closed with the shutdown as reason.
  for (Client* c = clients_.front(); c != nullptr; c = clients_.next(*c))
    c->set_disconnect_unless_set(Disconnect::kShutdown);
  loop_.close_handshaking();
  // One shared line per protocol; each connection closes once it has it.
  const reactor::MessageRef plain = reactor::format_line(replies::kShuttingDown);
  const reactor::MessageRef irc = reactor::make_line("ERROR :Closing link: server shutting down");
  for (Client* c = clients_.front(); c != nullptr;) {
    Client* next = clients_.next(*c);
    c->say_goodbye(c->front_end() == FrontEnd::kIrc ? irc : plain);
    c = next;
  }
  // /readyz answers 503 while the goodbyes drain; the metrics listeners do not
  // keep chatd running once the last client is gone.
  for (const auto& l : http_listeners_)
    l->unref();
  if (clients_.empty()) stop_http();
}

void Server::stop_http() {
  http_listeners_.clear();
  http_.close_all();
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
  if (!tls_listeners_.empty()) reload_certificate();
  status_.reloaded();
}

// New connections get the new pair; open ones keep the context they began with.
void Server::reload_certificate() {
  try {
    certificate_ = load_certificate(config_);
  } catch (const std::exception& e) {
    spdlog::error("TLS certificate reload failed, keeping the running one ({}): {}",
                  describe_certificate(*certificate_), e.what());
    return;
  }
  for (reactor::Listener* l : tls_listeners_)
    l->set_tls(certificate_);
  log_certificate(*certificate_, "TLS certificate reloaded:");
}

ServiceCounters Server::counters() const {
  return {clients_.size(), chat_.rooms().size(), chat_.messages_relayed(),
          backplane_ ? backplane_->describe() : std::string()};
}

void Server::apply(const Config& config) {
  config_ = config;
  for (reactor::Listener* l : proxy_listeners_)
    l->set_proxy(config_.proxy_from);
  web_http_.set_proxies(config_.proxy_from);
  chat_.set_settings(chat_settings(config_));
  irc_.configure(config_);
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
