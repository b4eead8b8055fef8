// Client: flood control and input holds on top of the connection's reading.
#include "daemon/client.h"

#include <spdlog/spdlog.h>

#include "daemon/server.h"
#include "reactor/loop.h"

namespace chatd {
namespace {

// What a close the session did not explain means.
Disconnect disconnect_for(reactor::CloseReason why) {
  using reactor::CloseReason;
  switch (why) {
    case CloseReason::kPeerClosed:
      return Disconnect::kClosed;
    case CloseReason::kReadError:
      return Disconnect::kReadError;
    case CloseReason::kWriteError:
      return Disconnect::kWriteError;
    case CloseReason::kSlowConsumer:
      return Disconnect::kSlowConsumer;
    case CloseReason::kIdleTimeout:
      return Disconnect::kIdle;
    case CloseReason::kHandshakeFailed:
      return Disconnect::kHandshakeFailed;
    case CloseReason::kHandshakeTimeout:
      return Disconnect::kHandshakeTimeout;
    case CloseReason::kTlsError:
      return Disconnect::kTlsError;
    case CloseReason::kPingTimeout:
      return Disconnect::kPingTimeout;
    case CloseReason::kProtocolError:
    case CloseReason::kByServer:
      break;
  }
  return Disconnect::kProtocolError;
}

}  // namespace

Client::Client(Server& server, reactor::Connection& connection, FrontEnd front_end)
    : server_(server),
      conn_(connection),
      bucket_(server.config().flood_rate, server.config().flood_burst),
      front_end_(front_end) {
  conn_.set_handler(this);
  conn_.set_traffic_class(static_cast<std::uint8_t>(protocol_index(front_end)));
  server_.on_client_open(*this);
}

void Client::say_goodbye(const reactor::MessageRef& line) {
  set_disconnect_unless_set(Disconnect::kShutdown);
  conn_.send(line);
  conn_.close_when_drained(reactor::WsClose::kGoingAway);
}

void Client::deliver_rendering(const reactor::MessageRef& m) {
  ++server_.stats().by_protocol[protocol_index(front_end_)].deliveries;
  conn_.send(m);
}

void Client::count_line() {
  ++server_.stats().by_protocol[protocol_index(front_end_)].lines_received;
}

void Client::charge_line(double cost) {
  const std::uint64_t now = conn_.loop().now_ms();
  bucket_.spend(now, cost);
  if (bucket_.ms_until_available(now) > 0 && !throttled_) {
    throttled_ = true;
    update_reading();
    server_.throttle(*this);
  }
}

bool Client::ready_to_resume(std::uint64_t now_ms) const {
  return bucket_.ms_until_available(now_ms) == 0;
}

void Client::resume() {
  throttled_ = false;
  update_reading();
}

void Client::hold_input() {
  ++holds_;
  update_reading();
}

void Client::release_input() {
  if (holds_ != 0) --holds_;
  update_reading();
}

// Resuming hands over lines received meanwhile, which may hold or throttle
// the client again, or close it.
void Client::update_reading() {
  if (throttled_ || holds_ != 0) {
    conn_.pause_reading();
  } else {
    conn_.resume_reading();
  }
}

void Client::forget(reactor::CloseReason why) {
  if (why == reactor::CloseReason::kHandshakeFailed ||
      why == reactor::CloseReason::kHandshakeTimeout) {
    const std::string_view detail = conn_.transport_error();
    spdlog::info("{} from {}{}{}", reactor::to_string(why), conn_.peer().to_string(),
                 detail.empty() ? "" : ": ", detail);
  }
  server_.on_client_closed(*this, disconnect_.value_or(disconnect_for(why)));
}

}  // namespace chatd
