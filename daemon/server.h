// Server: chatd's top level on the loop: listeners, admission (max clients,
// per-address limit), the chat model, flood-control resumes, reload, shutdown.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "daemon/chat.h"
#include "daemon/config.h"
#include "daemon/connect_limiter.h"
#include "daemon/service_status.h"
#include "reactor/listener.h"
#include "reactor/loop.h"
#include "reactor/timer.h"

namespace chatd {

class Session;

class Server final : public reactor::ListenerHandler {
 public:
  Server(reactor::Loop& loop, const ConfigLoader& loader, Config config);
  ~Server();

  // Serves on the sockets systemd passed (LISTEN_FDS) or else binds every
  // configured address; logs "listening on HOST:PORT" for each. Throws on failure.
  void start();
  // SIGTERM/SIGINT: stop accepting, tell everyone, let output drain (bounded by
  // the drain timeout); the loop then runs out of work and returns.
  void shutdown();
  // SIGHUP: re-read the config file with the same flags over it. New limits
  // apply from the next event; listeners stay. A broken file changes nothing.
  void reload();

  Chat& chat() { return chat_; }
  const Config& config() const { return config_; }
  bool shutting_down() const { return shutting_down_; }
  std::size_t session_count() const { return sessions_; }

  // Session callbacks.
  void throttle(Session& s);
  void on_session_closed(Session& s);
  // Counts a slow consumer cut off; returns how many so far.
  std::uint64_t count_slow_consumer() { return ++slow_consumers_; }

 private:
  void on_accept(reactor::Connection& c) override;
  void on_accept_error(int uv_error) override;
  void refuse(reactor::Connection& c, const reactor::MessageRef& why, const char* log_reason);
  void resume_throttled();
  void apply(const Config& config);
  void set_client_cap();
  ServiceCounters counters() const;

  reactor::Loop& loop_;
  const ConfigLoader& loader_;
  Config config_;
  Chat chat_;
  ServiceStatus status_;  // sd_notify: READY, STATUS, WATCHDOG, RELOADING, STOPPING
  std::vector<std::unique_ptr<reactor::Listener>> listeners_;
  std::unordered_map<std::string, std::uint32_t> per_address_;  // PeerAddress::limit_key()
  std::vector<Session*> throttled_;
  reactor::Timer throttle_timer_;
  ConnectLimiter connect_limiter_;
  reactor::Timer forget_timer_;  // drops refilled per-address connect buckets
  std::size_t sessions_ = 0;
  std::size_t client_cap_ = 0;  // max_clients, lowered to fit the fd limit
  std::uint64_t accept_errors_ = 0;
  std::uint64_t slow_consumers_ = 0;
  std::uint64_t last_accept_error_log_ms_ = 0;
  bool shutting_down_ = false;
};

}  // namespace chatd
