// WebSocketState: what a connection that upgraded to WebSocket keeps besides
// its transport: the frame decoder, its place on the loop's list for liveness
// pings, and how its close handshake stands. Allocated at the upgrade, so a
// connection that never upgrades pays one pointer.
#pragma once

#include <cstdint>
#include <string>

#include "reactor/intrusive_list.h"
#include "reactor/websocket/websocket_decoder.h"
#include "reactor/websocket/websocket_frame.h"

namespace chatd::reactor {

class Connection;
struct WebSocketTag;

struct WebSocketState : ListHook<WebSocketTag> {
  explicit WebSocketState(Connection& c) : connection(c) {}

  Connection& connection;
  WebSocketDecoder decoder;
  std::uint64_t heard_ms = 0;   // when the peer last sent anything
  std::uint64_t pinged_ms = 0;  // when the unanswered Ping went; 0 if none
  bool close_sent = false;      // nothing may follow our Close frame
  std::string error;            // why the peer's frames were refused
};

}  // namespace chatd::reactor
