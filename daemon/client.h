// Client: what every front end's session has in common: its connection, flood
// control, and its place in the server's list of clients (admission counts,
// shutdown, throttled senders).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "daemon/listen_spec.h"
#include "daemon/server_stats.h"
#include "daemon/token_bucket.h"
#include "reactor/connection.h"
#include "reactor/connection_handler.h"
#include "reactor/intrusive_list.h"

namespace chatd {

class Server;
struct ClientTag;

class Client : public reactor::ConnectionHandler, public reactor::ListHook<ClientTag> {
 public:
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  Server& server() const { return server_; }
  FrontEnd front_end() const { return front_end_; }
  reactor::Connection& connection() const { return conn_; }
  // Sends a line to this client alone.
  void send(reactor::MessageRef m) { conn_.send(std::move(m)); }
  // Sends a chat event's rendering, and counts it as a delivery.
  void deliver_rendering(const reactor::MessageRef& m);

  // The server is shutting down: one last line, then the connection closes
  // once it has been written (a browser's with Close 1001, going away). No
  // quit is announced to anyone.
  void say_goodbye(const reactor::MessageRef& line);
  // Why this client is leaving, for the disconnect count, when the session
  // knows better than the connection's close reason (a /quit, a ping timeout).
  void set_disconnect(Disconnect why) { disconnect_ = why; }
  void set_disconnect_unless_set(Disconnect why) {
    if (!disconnect_) disconnect_ = why;
  }

  // A server operator's KILL or a server ban: the user is told `reason` in one
  // line, its rooms hear it quit with it, and the connection closes once that
  // line is written.
  virtual void remove_from_server(std::string_view reason, Disconnect why) = 0;

  // A server line in the client's protocol: "*** text" to plain users, a
  // server NOTICE to IRC ones.
  virtual void notify(std::string_view text) = 0;

  // Holds reading while a long reply is produced as the client reads it, or
  // while the cluster answers a nick claim, so the replies to its next commands
  // come after it, in order. Holds nest.
  void hold_input();
  void release_input();

  // Flood control, driven by the server's throttle timer.
  bool throttled() const { return throttled_; }
  bool ready_to_resume(std::uint64_t now_ms) const;
  void resume();

 protected:
  Client(Server& server, reactor::Connection& connection, FrontEnd front_end);
  ~Client() = default;

  // Counts a line received (every front end calls it for each line).
  void count_line();
  // Charges a received line to the flood bucket. The line that spends the last
  // token is still handled; reading then stops until a token is back, so TCP
  // pushes back on this sender alone and nothing it sent is lost.
  void charge_line(double cost = 1.0);
  // Called first thing in on_close: the server forgets this client. A TLS
  // client whose handshake failed is logged here, once, at info.
  void forget(reactor::CloseReason why);

 private:
  void update_reading();

  Server& server_;
  reactor::Connection& conn_;
  TokenBucket bucket_;
  FrontEnd front_end_;
  std::optional<Disconnect> disconnect_;
  bool throttled_ = false;
  std::uint8_t holds_ = 0;
};

}  // namespace chatd
