// The server's side of the WebSocket opening handshake (RFC 6455 §4.2): which
// HTTP requests are upgrades, what is wrong with a bad one, and the 101 answer.
// Origin policy is the caller's: this checks only the protocol.
#pragma once

#include <string>
#include <string_view>

#include "reactor/http/http_request.h"
#include "reactor/message.h"

namespace chatd::reactor {

// The request asks for a WebSocket at all (Upgrade: websocket), valid or not.
bool asks_for_websocket(const HttpRequest& request);

struct WebSocketUpgrade {
  // 0 when the request is a valid upgrade; else the HTTP status to answer:
  // 400 (a malformed request) or 426 (another protocol version: the answer
  // carries Sec-WebSocket-Version: 13).
  int refusal = 0;
  std::string why;
  std::string accept;  // Sec-WebSocket-Accept, for a valid one
};

// Checks a GET for an upgrade to WebSocket version 13: HTTP/1.1, a Host,
// Upgrade: websocket, a Connection list containing "upgrade", and a key that
// is the base64 of 16 bytes.
WebSocketUpgrade check_websocket_upgrade(const HttpRequest& request);

// base64(SHA-1(key + the RFC's GUID)).
std::string websocket_accept(std::string_view key);

// "101 Switching Protocols" with Sec-WebSocket-Accept: no extension (so no
// permessage-deflate) and no subprotocol.
MessageRef render_switching_protocols(std::string_view accept);

}  // namespace chatd::reactor
