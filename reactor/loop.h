// Loop: owns the uv_loop_t and everything that happens once per iteration: the
// shared read buffer, the list of connections, the dirty list flushed "before
// sleep", deferred closes and the coarse sweep timer for idle and drain deadlines.
#pragma once

#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "reactor/close_reason.h"
#include "reactor/intrusive_list.h"
#include "reactor/loop_stats.h"
#include "reactor/uv_handle.h"

namespace chatd::reactor {

class Connection;
struct ActivityTag;
struct DirtyTag;
struct WebSocketState;
struct WebSocketTag;

// Limits applied to every connection; changing them affects the next event.
struct ConnectionLimits {
  std::size_t max_line_bytes = 4096;
  std::size_t output_limit = std::size_t{1} << 20;
  // Redis-style soft limit: queued output may stay above it for at most
  // soft_output_ms before the client counts as a slow consumer. 0 = off.
  std::size_t soft_output_limit = 0;
  std::uint64_t soft_output_ms = 10000;
  std::uint64_t idle_timeout_ms = 0;           // 0 = never
  std::uint64_t drain_timeout_ms = 5000;       // longest wait for a graceful close
  std::uint64_t handshake_timeout_ms = 10000;  // TLS: accept to finished handshake
  // WebSocket liveness: a Ping to a peer quiet this long (under the 60 s that
  // proxies such as nginx allow a silent connection), closed if nothing comes
  // back within the pong timeout.
  std::uint64_t websocket_ping_ms = 30000;
  std::uint64_t websocket_pong_timeout_ms = 10000;
  // TLS handshake steps (a ClientHello costs a key exchange and a signature) run
  // per loop turn at most; the rest wait a turn, so a storm of new clients cannot
  // starve the ones already chatting.
  std::size_t handshakes_per_turn = 32;
};

class Loop {
 public:
  static constexpr std::size_t kReadBufferSize = std::size_t{64} * 1024;

  Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;
  // Closes any connection still open, lets libuv finish every close, and asserts
  // that no handle was leaked (uv_loop_close() == 0).
  ~Loop();

  // Closes (kByServer) every connection still waiting for its PROXY header or
  // TLS handshake: at shutdown, they cannot be told anything.
  void close_handshaking();

  // Runs until stop() or until nothing keeps the loop alive.
  void run();
  void stop();

  std::uint64_t now_ms() const { return uv_now(&loop_); }
  const ConnectionLimits& limits() const { return limits_; }
  void set_limits(const ConnectionLimits& limits) { limits_ = limits; }

  // TLS handshake steps put off to a later turn by handshakes_per_turn, so far.
  std::uint64_t handshakes_deferred() const { return handshakes_deferred_; }
  const LoopStats& stats() const { return stats_; }

  // Open connections, graceful closes in progress included.
  std::size_t connection_count() const {
    return active_.size() + draining_.size() + handshaking_.size();
  }

  // Calls f(Connection&) once for every connection that is not closing; f may
  // close the connection it is given, or start its graceful close (the walk reads
  // the successor first, and visits handshaking and draining connections before
  // active ones).
  template <class F>
  void for_each_connection(F&& f);

  uv_loop_t* uv() { return &loop_; }

 private:
  friend class Connection;
  friend class Listener;

  // `handshaking`: the connection waits for a PROXY header or a TLS handshake.
  void on_connection_open(Connection& c, bool handshaking);
  void on_connection_ready(Connection& c);
  void on_connection_closing(Connection& c);
  bool take_handshake_step();
  void defer_handshake(Connection& c);
  void run_deferred_handshakes();
  void touch(Connection& c);
  // WebSocket connections, for the liveness sweep.
  void watch_websocket(WebSocketState& ws);
  void heard_websocket(WebSocketState& ws);
  void forget_websocket(WebSocketState& ws);
  void ping_quiet_websockets(std::uint64_t now);
  void start_draining(Connection& c);
  // After a draining connection's FIN: polled until the peer has acknowledged
  // everything (then it closes), the peer's EOF or the drain deadline.
  void watch_farewell(Connection& c);
  void check_farewells();
  void mark_dirty(Connection& c);
  void before_sleep();
  void on_lag_tick();
  void sweep();
  char* read_buffer() { return read_buffer_.get(); }
  // TLS: where records are decrypted to, and where plaintext is gathered to be
  // encrypted (two, as a handler reading one may make another connection seal).
  char* tls_plain_buffer();
  char* tls_scratch_buffer();

  uv_loop_t loop_;
  ConnectionLimits limits_;
  std::unique_ptr<char[]> read_buffer_;
  // Connections that read, oldest activity first (idle sweep walks from the front).
  IntrusiveList<Connection, ActivityTag> active_;
  // Graceful closes in progress, earliest deadline first.
  IntrusiveList<Connection, ActivityTag> draining_;
  // TLS connections in their handshake, earliest deadline first.
  IntrusiveList<Connection, ActivityTag> handshaking_;
  // WebSocket connections, the one heard from longest ago first.
  IntrusiveList<WebSocketState, WebSocketTag> websockets_;
  // Oldest first from deferred_head_; a connection that closes while waiting
  // leaves a null in its slot (Connection::deferred_slot_), so closing is O(1).
  std::vector<Connection*> deferred_handshakes_;
  std::size_t deferred_head_ = 0;
  std::size_t handshake_budget_ = 0;
  std::uint64_t handshakes_deferred_ = 0;
  std::unique_ptr<char[]> tls_plain_, tls_scratch_;
  std::unique_ptr<UvHandle<uv_idle_t>> handshake_idle_;
  // Connections with output to flush or a deferred close, this iteration.
  IntrusiveList<Connection, DirtyTag> dirty_;
  std::unique_ptr<UvHandle<uv_prepare_t>> prepare_;
  std::unique_ptr<UvHandle<uv_timer_t>> sweep_timer_;
  std::unique_ptr<UvHandle<uv_timer_t>> farewell_timer_;  // runs while farewells_watched_
  std::size_t farewells_watched_ = 0;
  LoopStats stats_;
  std::unique_ptr<UvHandle<uv_timer_t>> lag_timer_;  // measures how late timers fire
  std::uint64_t last_turn_ns_ = 0;                   // when the previous flush before sleep ended
  std::uint64_t last_idle_ns_ = 0;                   // uv_metrics_idle_time() then
  std::uint64_t lag_expected_ns_ = 0;
};

}  // namespace chatd::reactor

#include "reactor/connection.h"

namespace chatd::reactor {

template <class F>
void Loop::for_each_connection(F&& f) {
  for (auto* list : {&handshaking_, &draining_, &active_}) {
    for (Connection* c = list->front(); c != nullptr;) {
      Connection* next = list->next(*c);
      f(*c);
      c = next;
    }
  }
}

}  // namespace chatd::reactor
