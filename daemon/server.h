// Server: chatd's top level on the loop: listeners and their front ends,
// admission (max clients, per-address and connect-rate limits), the chat model,
// flood-control resumes, reload, shutdown.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "daemon/admin/server_bans.h"
#include "daemon/chat/chat.h"
#include "daemon/client.h"
#include "daemon/cluster/backplane.h"
#include "daemon/config.h"
#include "daemon/connect_limiter.h"
#include "daemon/host_cloak.h"
#include "daemon/http/http_service.h"
#include "daemon/irc/irc_service.h"
#include "daemon/server_stats.h"
#include "daemon/service_status.h"
#include "daemon/systemd.h"
#include "reactor/intrusive_list.h"
#include "reactor/listener.h"
#include "reactor/loop.h"
#include "reactor/timer.h"
#include "reactor/tls/tls_context.h"

namespace chatd {

class Server final : cluster::BackplaneHost {
 public:
  Server(reactor::Loop& loop, const ConfigLoader& loader, Config config);
  ~Server();

  // Serves on the sockets systemd passed (LISTEN_FDS, each named by its
  // FileDescriptorName=) or else binds every configured address; logs
  // "listening on irc://HOST:PORT" for each. Throws on failure.
  void start();
  // SIGTERM/SIGINT: stop accepting, tell everyone, let output drain (bounded by
  // the drain timeout); the loop then runs out of work and returns.
  void shutdown();
  // SIGHUP: re-read the config file with the same flags over it, and the TLS
  // certificate and key. New limits and the new certificate apply from the next
  // event or connection; listeners stay. A broken file or pair changes nothing.
  void reload();

  Chat& chat() { return chat_; }
  // The cluster this node is part of (--redis), or null on a single node.
  cluster::Backplane* backplane() { return backplane_.get(); }
  const Config& config() const { return config_; }
  reactor::Loop& loop() { return loop_; }
  IrcService& irc() { return irc_; }
  bool shutting_down() const { return shutting_down_; }
  std::size_t client_count() const { return clients_.size(); }

  ServerStats& stats() { return stats_; }

  // Runs then(u) once local user `u` may join `rooms`: at once on a single
  // node; in a cluster, perhaps after their history has been read from Redis
  // (u's input waits meanwhile, a bounded time). Not run if u has gone.
  void when_rooms_ready(User& u, std::span<const std::string_view> rooms,
                        std::function<void(User&)> then);

  // Client callbacks.
  void on_client_open(Client& c);
  void on_client_closed(Client& c, Disconnect why);
  void throttle(Client& c);
  // Counts a slow consumer cut off; returns how many so far.
  std::uint64_t count_slow_consumer() { return ++slow_consumers_; }

  // ---- server operators (admin/): what OPER and /oper, KILL and /kill, KLINE
  // and /kline do, whichever front end asked.
  enum class OperResult { kOk, kNoSuchOper, kWrongPassword, kTooFast };
  // Checks `password` against the [[oper]] named `name` (scrypt: ~50 ms of the
  // loop, so at most one check per 3 s per address after a burst of 3, and one
  // per second server-wide after a burst of 3). Logs every attempt.
  OperResult oper_up(Client& c, User& u, std::string_view name, std::string_view password);
  // `target` leaves with "Killed by OPER (reason)".
  // A user of another node is removed by its node (in a cluster).
  void kill(const User& by, User& target, std::string_view reason);
  struct BanOutcome {
    std::size_t removed = 0;  // users whose address it covers, removed at once
    std::string error;        // the state file could not be written (the ban holds)
  };
  BanOutcome ban(const User& by, const reactor::Cidr& mask, std::int64_t seconds,
                 std::string reason);
  // False if no ban has exactly this mask; `error` as for ban().
  bool unban(const reactor::Cidr& mask, std::string& error);
  const ServerBans& bans() const { return bans_; }

 private:
  // One per listener: which front end its connections get.
  struct Acceptor final : reactor::ListenerHandler {
    Acceptor(Server& s, FrontEnd f) : server(s), front_end(f) {}
    void on_accept(reactor::Connection& c) override { server.accept(c, front_end); }
    void on_accept_error(int uv_error) override { server.on_accept_error(uv_error); }
    void on_proxy_refused(const reactor::PeerAddress& from, std::string_view why) override {
      server.on_proxy_refused(from, why);
    }
    Server& server;
    FrontEnd front_end;
  };

  void listen_on(const ListenSpec& spec);
  // cluster::BackplaneHost: what other nodes ask of this one.
  void notify(User& u, std::string_view text) override;
  void kill_here(User& target, std::string_view by_nick, std::string_view reason) override;
  void ban_here(const ServerBan& ban) override;
  void unban_here(const reactor::Cidr& mask) override;
  // The ban, applied here: kept (and saved), and the users it covers removed.
  BanOutcome apply_ban(ServerBan ban);
  bool lift_ban(const reactor::Cidr& mask, std::string& error);
  static Client& client_of(User& u);
  void join_cluster();
  void adopt(const systemd::InheritedSocket& s);
  void serve(const Scheme& scheme, std::unique_ptr<reactor::Listener> listener,
             std::string_view how);
  void reload_certificate();
  void accept(reactor::Connection& c, FrontEnd front_end);
  void on_accept_error(int uv_error);
  void on_proxy_refused(const reactor::PeerAddress& from, std::string_view why);
  // Why a new user from `peer` may not come in (counted and logged), if so:
  // shutdown, connect rates, bans, max_clients, max_per_ip. An attempt spends
  // a connect-rate token even when a later check refuses it.
  struct Refused {
    Refusal reason;
    std::string why;  // for the user
  };
  std::optional<Refused> admit(const reactor::PeerAddress& peer);
  // Makes the admitted connection a user of `front_end`.
  void enter(reactor::Connection& c, FrontEnd front_end);
  // Tells `c` why in one line and closes it.
  void refuse(reactor::Connection& c, FrontEnd front_end, const Refused& refused);
  reactor::HttpResponse answer_http(const reactor::HttpRequest& request);
  // /livez and /readyz, on metrics and web listeners alike; nothing for another path.
  std::optional<reactor::HttpResponse> answer_health(std::string_view path) const;
  // The web listeners (server_web.cc): the page, health, and /ws.
  reactor::HttpResponse answer_web(const reactor::HttpRequest& request);
  std::optional<reactor::HttpResponse> upgrade_web(reactor::Connection& c,
                                                   const reactor::HttpRequest& request);
  // The client's address: a --proxy-from peer's X-Forwarded-For, or the peer.
  reactor::PeerAddress web_client(const reactor::Connection& c,
                                  const reactor::HttpRequest& request) const;
  std::string metrics_page();
  void stop_http();
  void resume_throttled();
  void apply(const Config& config);
  void set_client_cap();
  ServiceCounters counters() const;

  reactor::Loop& loop_;
  const ConfigLoader& loader_;
  Config config_;
  Chat chat_;
  std::unique_ptr<cluster::Backplane> backplane_;  // after chat_: it holds users in it
  HostCloak cloak_;
  IrcService irc_;
  ServiceStatus status_;  // sd_notify: READY, STATUS, WATCHDOG, RELOADING, STOPPING
  std::vector<std::unique_ptr<Acceptor>> acceptors_;
  bool socket_activated_ = false;  // the listeners are systemd's (LISTEN_FDS)
  std::vector<std::unique_ptr<reactor::Listener>> listeners_;
  std::vector<reactor::Listener*> tls_listeners_;
  std::vector<reactor::Listener*> proxy_listeners_;
  // metrics:// listeners outlive the others at shutdown, so /readyz can say so.
  std::vector<std::unique_ptr<reactor::Listener>> http_listeners_;
  HttpService http_;      // metrics listeners
  HttpService web_http_;  // web listeners, until a request upgrades to WebSocket
  ServerStats stats_;
  ServerBans bans_;
  ConnectLimiter oper_checks_;  // password checks, per address and in all
  std::shared_ptr<const reactor::TlsContext> certificate_;  // loaded with the first +tls listener
  reactor::IntrusiveList<Client, ClientTag> clients_;
  std::unordered_map<std::string, std::uint32_t> per_address_;  // PeerAddress::limit_key()
  std::vector<Client*> throttled_;
  std::vector<Client*> resuming_;  // taken from throttled_ while they resume
  reactor::Timer throttle_timer_;
  reactor::Timer stop_http_timer_;
  ConnectLimiter connect_limiter_;
  reactor::Timer forget_timer_;  // drops refilled per-address connect buckets
  std::size_t client_cap_ = 0;   // max_clients, lowered to fit the fd limit
  // Descriptors open at start besides the listeners: with one per listener and
  // connection, what process_open_fds reports, without listing 10,000 of them.
  std::uint64_t base_fds_ = 0;
  std::uint64_t accept_errors_ = 0;
  std::uint64_t slow_consumers_ = 0;
  std::uint64_t last_accept_error_log_ms_ = 0;
  bool shutting_down_ = false;
};

}  // namespace chatd
