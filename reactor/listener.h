// Listener: a listening TCP socket, bound here or inherited (socket activation),
// that turns each accepted socket into a Connection and hands it to its owner.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "reactor/address.h"
#include "reactor/tls/tls_context.h"
#include "reactor/uv_handle.h"

namespace chatd::reactor {

class Connection;
class Loop;

class ListenerHandler {
 public:
  // A new connection, before any byte is read (on TLS, before the handshake:
  // admission costs no crypto). The handler either attaches a ConnectionHandler
  // (set_handler), which hears on_ready() once the transport is up, or refuses
  // it (send + close_when_drained, or close). One left without either is closed.
  virtual void on_accept(Connection& c) = 0;
  // A +proxy listener closed a connection before on_accept: an untrusted
  // source, a missing or malformed header, or none in time. For a log line.
  virtual void on_proxy_refused(const PeerAddress&, std::string_view) {}
  // accept() failed; the listener keeps listening. On fd exhaustion libuv
  // (1.44) does not get here: it closes its spare fd, accepts and closes every
  // pending connection, and reopens the spare, so the loop cannot spin.
  virtual void on_accept_error(int uv_error) = 0;

 protected:
  ~ListenerHandler() = default;
};

class Listener {
 public:
  // Binds and listens. An IPv6 address is bound IPv6-only, so "[::]:P" and
  // "0.0.0.0:P" can both be used. Throws std::runtime_error naming the address.
  // `reuse_port`: SO_REUSEPORT, so that several processes (chatd nodes) bound
  // to the same address share its connections.
  Listener(Loop& loop, const Endpoint& at, int backlog, ListenerHandler& handler,
           bool reuse_port = false);
  // Adopts an inherited listening socket (systemd's LISTEN_FDS). Throws if `fd`
  // is not a usable TCP socket.
  Listener(Loop& loop, int fd, int backlog, ListenerHandler& handler);

  // The address actually bound, e.g. "127.0.0.1:40123" after asking for port 0.
  std::string local_address() const;
  // The listener no longer keeps the loop running on its own.
  void unref();
  // Accepts, now, every connection waiting in the listen queue, as if the
  // loop had polled, and hands each to on_accept: closing a listener resets
  // the connections still in its queue, so a shutdown takes them first (and
  // the owner tells or closes them). Returns how many.
  std::size_t drain();

  // Serves TLS with `context` from the next connection on (a reload swaps it;
  // connections already open keep theirs). Null: plain TCP.
  void set_tls(std::shared_ptr<const TlsContext> context) { tls_ = std::move(context); }
  // Requires a PROXY header (v1 or v2) before anything else, from connections
  // out of `trusted` only: the header's source is then the connection's peer,
  // and on_accept waits for it (so admission counts the real client).
  void set_proxy(std::vector<Cidr> trusted) {
    proxy_ = true;
    trusted_ = std::move(trusted);
  }

 private:
  static constexpr int kMaxDrained = 65536;  // the largest listen backlog

  static void on_connection(uv_stream_t* server, int status);
  void accept_one();
  // An accepted connection: its options, its peer, then on to the handler.
  void start(Connection* c);
  void listen(int backlog, const std::string& what);

  Loop& loop_;
  ListenerHandler& handler_;
  UvHandle<uv_tcp_t> tcp_;
  std::shared_ptr<const TlsContext> tls_;
  bool proxy_ = false;
  std::vector<Cidr> trusted_;
};

// net.ipv4.tcp_migrate_req: when a listener of a SO_REUSEPORT group closes,
// the kernel moves its queued connections to another listener of the group
// (Linux 5.14+) instead of resetting them.
bool tcp_migrates_queued_connections();

// "EMFILE (too many open files)": for log lines about a libuv error code.
std::string describe_error(int uv_error);

}  // namespace chatd::reactor
