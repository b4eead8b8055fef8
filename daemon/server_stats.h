// ServerStats: what the daemon counts, for /metrics: plain integers on the
// loop's thread, every label set fixed and starting at zero.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "daemon/listen_spec.h"

namespace chatd {

// Why a connection was refused at accept, before it became a user.
enum class Refusal : std::uint8_t {
  kServerFull,
  kPerAddress,
  kConnectRate,
  kTotalConnectRate,
  kShuttingDown,
  kProxyHeader,  // untrusted source, or a missing or malformed PROXY header
  kBanned,       // a server ban covers the address
  kOrigin,       // a WebSocket handshake from a page of another site
  kCount
};
inline constexpr std::array<std::string_view, static_cast<std::size_t>(Refusal::kCount)>
    kRefusalNames = {"max_clients",   "max_per_ip",   "conn_rate", "total_conn_rate",
                     "shutting_down", "proxy_header", "banned",    "origin"};

// Why a user's connection ended.
enum class Disconnect : std::uint8_t {
  kQuit,    // the user said so
  kClosed,  // the peer closed or reset the connection
  kReadError,
  kWriteError,
  kSlowConsumer,
  kIdle,                 // --idle-timeout
  kPingTimeout,          // IRC: no PONG
  kRegistrationTimeout,  // IRC: no NICK and USER in time
  kProtocolError,        // e.g. TLS spoken to a plain-text port
  kShutdown,
  kHandshakeFailed,
  kHandshakeTimeout,
  kTlsError,
  kKilled,  // a server operator removed the user
  kBanned,  // a server ban came to cover the user's address
  kCount
};
inline constexpr std::array<std::string_view, static_cast<std::size_t>(Disconnect::kCount)>
    kDisconnectNames = {"quit",
                        "closed",
                        "read_error",
                        "write_error",
                        "slow_consumer",
                        "idle",
                        "ping_timeout",
                        "registration_timeout",
                        "protocol_error",
                        "shutdown",
                        "handshake_failed",
                        "handshake_timeout",
                        "tls_error",
                        "killed",
                        "banned"};

// By front end: plain, IRC, and the browsers of the web front end.
inline constexpr std::size_t kChatProtocols = 3;
inline constexpr std::array<std::string_view, kChatProtocols> kProtocolNames = {"plain", "irc",
                                                                                "web"};

// The index of a chat front end (plain, IRC or web) in the per-protocol arrays,
// and the connection's traffic class.
inline std::size_t protocol_index(FrontEnd f) {
  if (f == FrontEnd::kIrc) return 1;
  return f == FrontEnd::kWeb ? 2 : 0;
}

struct ProtocolStats {
  std::uint64_t connected = 0;  // users now
  std::uint64_t accepted = 0;
  std::uint64_t lines_received = 0;
  std::uint64_t deliveries = 0;  // references queued to users of this protocol
};

struct ServerStats {
  std::array<ProtocolStats, kChatProtocols> by_protocol{};
  std::array<std::uint64_t, static_cast<std::size_t>(Refusal::kCount)> refused{};
  std::array<std::uint64_t, static_cast<std::size_t>(Disconnect::kCount)> disconnects{};
  std::uint64_t flood_pauses = 0;
  std::uint64_t http_requests = 0;

  void refuse(Refusal r) { ++refused[static_cast<std::size_t>(r)]; }
  void disconnect(Disconnect d) { ++disconnects[static_cast<std::size_t>(d)]; }
};

}  // namespace chatd
