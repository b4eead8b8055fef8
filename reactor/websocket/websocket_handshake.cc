// The opening handshake: header checks, and the accept value through libcrypto.
#include "reactor/websocket/websocket_handshake.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <array>
#include <utility>

namespace chatd::reactor {
namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// 16 bytes in base64 are 24 characters, the last two "==".
bool is_websocket_key(std::string_view key) {
  if (key.size() != 24 || !key.ends_with("==")) return false;
  std::array<unsigned char, 18> decoded{};
  const int n = EVP_DecodeBlock(decoded.data(), reinterpret_cast<const unsigned char*>(key.data()),
                                static_cast<int>(key.size()));
  // EVP_DecodeBlock counts the padding as bytes: 16 bytes decode to 18.
  return n == 18;
}

WebSocketUpgrade refuse(int status, std::string why) {
  return {status, std::move(why), {}};
}

}  // namespace

bool asks_for_websocket(const HttpRequest& request) {
  return request.field_lists("upgrade", "websocket");
}

WebSocketUpgrade check_websocket_upgrade(const HttpRequest& request) {
  if (request.method != "GET") return refuse(400, "a WebSocket upgrade is a GET");
  if (request.minor_version < 1) return refuse(400, "a WebSocket upgrade needs HTTP/1.1");
  if (request.field("host").empty()) return refuse(400, "no Host header");
  if (!asks_for_websocket(request)) return refuse(400, "no Upgrade: websocket header");
  if (!request.field_lists("connection", "upgrade")) {
    return refuse(400, "the Connection header does not list Upgrade");
  }
  if (request.field("sec-websocket-version") != "13") {
    return refuse(426, "only WebSocket version 13 is spoken here");
  }
  const std::string_view key = request.field("sec-websocket-key");
  if (!is_websocket_key(key)) return refuse(400, "Sec-WebSocket-Key is not 16 bytes in base64");
  return {0, {}, websocket_accept(key)};
}

std::string websocket_accept(std::string_view key) {
  std::string input(key);
  input += kGuid;
  std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest.data());
  std::array<unsigned char, 4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1> text{};
  const int n = EVP_EncodeBlock(text.data(), digest.data(), SHA_DIGEST_LENGTH);
  return {reinterpret_cast<const char*>(text.data()), static_cast<std::size_t>(n)};
}

MessageRef render_switching_protocols(std::string_view accept) {
  return MessageRef(Message::create(
      fmt::format("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: "
                  "Upgrade\r\nSec-WebSocket-Accept: {}\r\n\r\n",
                  accept)));
}

}  // namespace chatd::reactor
