// HttpSession: one HTTP/1.1 connection to a metrics or web listener. GET and
// HEAD requests are answered in order as they complete (pipelining works), the
// connection is kept alive unless either side asks otherwise, and a bad
// request is answered with its status and closed. A request for a WebSocket
// goes to the service's upgrader, which may take the connection over.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "reactor/connection.h"
#include "reactor/connection_handler.h"
#include "reactor/http/http_request.h"
#include "reactor/http/http_response.h"
#include "reactor/intrusive_list.h"

namespace chatd {

class HttpService;
struct HttpSessionTag;

class HttpSession final : public reactor::ConnectionHandler,
                          public reactor::ListHook<HttpSessionTag> {
 public:
  // Owned by its connection: deletes itself when the connection closes.
  // `address_key`: what the service counts it under; empty if it is not counted.
  HttpSession(HttpService& service, reactor::Connection& connection, std::string address_key);

  reactor::Connection& connection() const { return conn_; }
  // The address the service counts this connection under (the peer's when it
  // connected, even if an upgrade learns the client's from a proxy), or empty.
  const std::string& address_key() const { return address_key_; }
  // When the next request must be complete: the service's sweep closes it then.
  std::uint64_t deadline_ms() const { return deadline_ms_; }

  void on_line(reactor::Connection& c, std::string_view line) override;
  void on_line_too_long(reactor::Connection& c) override;
  void on_close(reactor::Connection& c, reactor::CloseReason why) override;
  void on_output_drained(reactor::Connection& c) override;
  // Past the deadline: a 408 if it can be written at once, then closed.
  void time_out();

 private:
  ~HttpSession() = default;
  void handle(reactor::HttpRequestParser::Status status);
  void answer(const reactor::HttpRequest& request, reactor::HttpResponse r);

  HttpService& service_;
  reactor::Connection& conn_;
  reactor::HttpRequestParser parser_;
  std::string address_key_;
  std::uint64_t deadline_ms_;
};

}  // namespace chatd
