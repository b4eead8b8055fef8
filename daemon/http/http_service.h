// HttpService: the HTTP connections of one kind of listener (metrics, web): at
// most Limits::connections at once and Limits::per_address from one address
// (so one host cannot take every slot, be it a scraper's, a load balancer's
// health check or another visitor's page load; a reverse proxy, which speaks
// for many, is not held to it),
// each request complete within kRequestTimeoutMs of the connection or of the
// previous answer (a one-second sweep answers the late 408), the handler that
// turns a request into a response, and, for the web listener, the upgrader
// that takes a connection over for WebSocket.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "reactor/address.h"
#include "reactor/http/http_request.h"
#include "reactor/http/http_response.h"
#include "reactor/intrusive_list.h"
#include "reactor/loop.h"
#include "reactor/timer.h"

namespace chatd {

class HttpSession;
struct HttpSessionTag;

class HttpService {
 public:
  static constexpr std::uint64_t kRequestTimeoutMs = 10000;

  struct Limits {
    std::size_t connections;
    std::size_t per_address;
  };
  using Handler = std::function<reactor::HttpResponse(const reactor::HttpRequest&)>;
  // Given a request that asks for a WebSocket: the answer refusing it, or
  // nothing once the upgrader has answered it and taken the connection over
  // (it is no longer an HTTP connection: the service forgets it).
  using Upgrader = std::function<std::optional<reactor::HttpResponse>(reactor::Connection&,
                                                                      const reactor::HttpRequest&)>;

  HttpService(reactor::Loop& loop, Limits limits, Handler handler, Upgrader upgrader = {});
  ~HttpService();
  HttpService(const HttpService&) = delete;
  HttpService& operator=(const HttpService&) = delete;

  // A new connection from an HTTP listener; closed at once past the cap.
  void accept(reactor::Connection& c);
  // Reverse proxies: their connections are not held to Limits::per_address.
  void set_proxies(std::vector<reactor::Cidr> proxies) { proxies_ = std::move(proxies); }
  void close_all();
  std::size_t size() const { return sessions_.size(); }

  // For sessions.
  reactor::HttpResponse respond(const reactor::HttpRequest& request);
  bool upgrades() const { return static_cast<bool>(upgrader_); }
  std::optional<reactor::HttpResponse> upgrade(reactor::Connection& c,
                                               const reactor::HttpRequest& request);
  std::uint64_t now_ms() const { return loop_.now_ms(); }
  void forget(HttpSession& s);

 private:
  void sweep();

  reactor::Loop& loop_;
  Limits limits_;
  Handler handler_;
  Upgrader upgrader_;
  reactor::IntrusiveList<HttpSession, HttpSessionTag> sessions_;
  std::vector<reactor::Cidr> proxies_;
  std::unordered_map<std::string, std::size_t> per_address_;  // HttpSession::address_key()
  reactor::Timer sweep_timer_;
};

}  // namespace chatd
