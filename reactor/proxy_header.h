// The PROXY protocol header (HAProxy's spec, versions 1 and 2): what a load
// balancer or TLS terminator sends before anything else, naming the client it
// accepted. Pure parsing: no socket, no allocation beyond the error text.
//
//   v1: "PROXY TCP4 203.0.113.7 192.0.2.1 55555 2023\r\n"      (at most 107 bytes)
//   v2: "\r\n\r\n\0\r\nQUIT\n" ver|cmd fam len[2] addresses TLVs (binary)
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "reactor/address.h"

namespace chatd::reactor {

struct ProxyHeader {
  // False for v1 UNKNOWN and v2 LOCAL (the proxy's own health checks): the
  // connection keeps the socket's address.
  bool has_source = false;
  PeerAddress source;
  // v2's PP2_TYPE_SSL TLV with PP2_CLIENT_SSL: the proxy took TLS from the client.
  bool client_tls = false;
};

struct ProxyParse {
  enum class Status { kNeedMore, kDone, kInvalid };
  Status status = Status::kNeedMore;
  std::size_t consumed = 0;  // header bytes, when kDone; what follows is the client's
  ProxyHeader header;
  std::string error;  // when kInvalid: what was wrong, for a log line
};

// The longest header accepted: v2's 16 bytes and up to 512 of addresses and TLVs.
inline constexpr std::size_t kMaxProxyHeaderBytes = 16 + 512;

// Parses the start of a connection's input. kNeedMore while `bytes` could
// still become a valid header; kInvalid as soon as it cannot.
ProxyParse parse_proxy_header(std::string_view bytes);

}  // namespace chatd::reactor
