// Why the reactor closed a connection; the daemon adds its own words for users.
#pragma once

#include <cstdint>
#include <string_view>

namespace chatd::reactor {

enum class CloseReason : std::uint8_t {
  kPeerClosed,        // EOF or reset from the peer
  kReadError,         // a read failed
  kWriteError,        // a write failed
  kSlowConsumer,      // queued output passed output_limit
  kIdleTimeout,       // nothing received for idle_timeout
  kByServer,          // the server asked for it (quit, refusal, shutdown)
  kHandshakeFailed,   // TLS: the handshake failed (not TLS, bad records, no common version)
  kHandshakeTimeout,  // TLS: the handshake did not finish within handshake_timeout
  kTlsError,          // TLS: a bad record after the handshake
  kProtocolError,     // WebSocket: the peer broke RFC 6455 (told so in a Close frame)
  kPingTimeout,       // WebSocket: no answer to a liveness Ping
};

// A short phrase for log lines, e.g. "slow consumer".
std::string_view to_string(CloseReason reason);

}  // namespace chatd::reactor
