// Log text for CloseReason.
#include "reactor/close_reason.h"

namespace chatd::reactor {

std::string_view to_string(CloseReason reason) {
  switch (reason) {
    case CloseReason::kPeerClosed:
      return "peer closed";
    case CloseReason::kReadError:
      return "read error";
    case CloseReason::kWriteError:
      return "write error";
    case CloseReason::kSlowConsumer:
      return "slow consumer";
    case CloseReason::kIdleTimeout:
      return "idle timeout";
    case CloseReason::kByServer:
      return "closed by server";
    case CloseReason::kHandshakeFailed:
      return "TLS handshake failed";
    case CloseReason::kHandshakeTimeout:
      return "TLS handshake timed out";
    case CloseReason::kTlsError:
      return "TLS error";
    case CloseReason::kProtocolError:
      return "WebSocket protocol error";
    case CloseReason::kPingTimeout:
      return "no answer to ping";
  }
  return "unknown";
}

}  // namespace chatd::reactor
