// What chatbench says and hears in each protocol it speaks: chatd's plain line
// protocol, IRC, RESP for Redis's SUBSCRIBE/PUBLISH, and the bare line relay
// (bench/relay). Every bulk string chatbench sends or expects is free of CR and
// LF, so RESP replies can be read line by line here.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace chatd::bench {

// kMix is chatd's plain protocol on every even connection and IRC on every odd
// one, in the same room: a mixed room. kWs is chatd's plain protocol over a
// WebSocket (chatd's web front end), one line per text frame. kRelay sends lines
// as chatd delivers them ("<nick> payload"), so a relay moves the same bytes per
// delivery as chatd.
enum class Proto { kChatd, kIrc, kMix, kWs, kRedis, kRelay };

std::string_view to_string(Proto p);

// What connection `global` of a run in `p` speaks (never kMix).
Proto wire_of(Proto p, std::size_t global);

// What a connection's first line from the server meant.
enum class Greeting { kNotYet, kGreeted, kRefused };

class ProtocolSpeaker {
 public:
  // `wire` is what this connection speaks: any Proto but kMix.
  ProtocolSpeaker(Proto wire, std::string room);

  Proto wire() const { return wire_; }
  // The channel or room name as the server shows it ("#room" for chatd and IRC).
  const std::string& room() const { return room_; }

  // Written right after connecting: Redis is sent PING (it speaks only when
  // spoken to), IRC registers as "cb<id>"; chatd greets first, so nothing.
  std::string hello(std::size_t id) const;
  // False for the relay: it says nothing, a connection is ready once connected.
  bool greets() const { return wire_ != Proto::kRelay; }
  // Classifies a line read before the greeting. `nick` receives the nick the
  // server gave the connection (chatd) or confirmed (IRC's 001).
  Greeting greeting(std::string_view line, std::string& nick) const;

  // Joins the room / subscribes to the channel.
  std::string join_request() const;
  // Whether `line` confirms this connection's own join request.
  bool is_join_confirmation(std::string_view line, std::string_view nick) const;

  // Appends one message carrying `payload` to the room / channel.
  void append_publish(std::string_view payload, std::string& out) const;
  // The payload a delivery line carries, or an empty view for any other line
  // (announcements, numerics, RESP headers, PUBLISH replies).
  static std::string_view delivered_payload(std::string_view line);

 private:
  Proto wire_;
  std::string room_;
  std::string publish_prefix_;  // everything of a publish before the payload (and its length)
};

// The speakers of one run: one, or a plain and an IRC one for kMix.
class Speakers {
 public:
  Speakers(Proto proto, const std::string& room)
      : proto_(proto), even_(wire_of(proto, 0), room), odd_(wire_of(proto, 1), room) {}
  Proto proto() const { return proto_; }
  const std::string& room() const { return even_.room(); }
  const ProtocolSpeaker& of(std::size_t global) const { return global % 2 == 0 ? even_ : odd_; }

 private:
  Proto proto_;
  ProtocolSpeaker even_;
  ProtocolSpeaker odd_;
};

}  // namespace chatd::bench
