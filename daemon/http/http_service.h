// HttpService: the HTTP connections of the metrics listeners: at most
// kMaxConnections at once and kMaxPerAddress from one address (so one host
// cannot take every slot a load balancer's health check needs), each request
// complete within kRequestTimeoutMs of the connection or of the previous answer
// (a one-second sweep answers the late 408), and the handler that turns a
// request into a response.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>

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
  static constexpr std::size_t kMaxConnections = 64;
  static constexpr std::size_t kMaxPerAddress = 8;
  static constexpr std::uint64_t kRequestTimeoutMs = 10000;

  using Handler = std::function<reactor::HttpResponse(const reactor::HttpRequest&)>;

  HttpService(reactor::Loop& loop, Handler handler);
  ~HttpService();
  HttpService(const HttpService&) = delete;
  HttpService& operator=(const HttpService&) = delete;

  // A new connection from an HTTP listener; closed at once past the cap.
  void accept(reactor::Connection& c);
  void close_all();
  std::size_t size() const { return sessions_.size(); }

  // For sessions.
  reactor::HttpResponse respond(const reactor::HttpRequest& request);
  std::uint64_t now_ms() const { return loop_.now_ms(); }
  void forget(HttpSession& s);

 private:
  void sweep();

  reactor::Loop& loop_;
  Handler handler_;
  reactor::IntrusiveList<HttpSession, HttpSessionTag> sessions_;
  std::unordered_map<std::string, std::size_t> per_address_;  // PeerAddress::limit_key()
  reactor::Timer sweep_timer_;
};

}  // namespace chatd
