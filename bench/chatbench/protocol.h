// What chatbench says and hears in each protocol it speaks: chatd's line protocol,
// and RESP for Redis's SUBSCRIBE/PUBLISH. Every bulk string chatbench sends or
// expects is free of CR and LF, so RESP replies can be read line by line here.
#pragma once

#include <string>
#include <string_view>

namespace chatd::bench {

enum class Proto { kChatd, kRedis };

std::string_view to_string(Proto p);

// What a connection's first line from the server meant.
enum class Greeting { kNotYet, kGreeted, kRefused };

class ProtocolSpeaker {
 public:
  ProtocolSpeaker(Proto proto, std::string room);

  Proto proto() const { return proto_; }
  // The channel or room name as the server shows it ("#room" for chatd).
  const std::string& room() const { return room_; }

  // Written right after connecting: Redis is sent PING (it speaks only when
  // spoken to); chatd greets first, so nothing.
  std::string_view hello() const;
  // Classifies a line read before the greeting. For chatd, `nick` receives the
  // nick the server gave the connection.
  Greeting greeting(std::string_view line, std::string& nick) const;

  // Joins the room / subscribes to the channel.
  std::string join_request() const;
  // Whether `line` confirms this connection's own join request.
  bool is_join_confirmation(std::string_view line, std::string_view nick) const;

  // Appends one message carrying `payload` to the room / channel.
  void append_publish(std::string_view payload, std::string& out) const;
  // The payload a delivery line carries, or an empty view for any other line
  // (announcements, RESP headers, PUBLISH replies).
  static std::string_view delivered_payload(std::string_view line);

 private:
  Proto proto_;
  std::string room_;
  std::string publish_prefix_;  // RESP: everything of a PUBLISH before the payload length
};

}  // namespace chatd::bench
