// What the fuzz target checks on every input as a WebSocket client's frames
// (WebSocketDecoder) and as an upgrade request (the handshake checks).
#pragma once

#include <cstddef>
#include <string_view>

namespace chatd::fuzz {

// The same events whether the bytes come in one read or in reads of 1..max_read
// bytes (0: one read), with stops; every message valid UTF-8 and within the limit.
void check_websocket_frames(std::string_view bytes, std::size_t max_read, std::size_t limit);
// Each complete request head: refused with 400 or 426 and a reason, or accepted
// with a 28-character accept value.
void check_websocket_upgrades(std::string_view bytes);

}  // namespace chatd::fuzz
