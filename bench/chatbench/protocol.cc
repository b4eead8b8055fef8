// chatd (over lines or WebSocket frames), IRC, Redis and the relay, as far as a
// broadcast benchmark needs them.
#include "bench/chatbench/protocol.h"

#include <fmt/format.h>

#include <cstring>

#include "bench/chatbench/payload.h"

namespace chatd::bench {
namespace {

constexpr std::string_view kWelcome = "*** welcome to chatd, you are ";

std::string chat_room(std::string_view name) {
  return name.starts_with('#') ? std::string(name) : "#" + std::string(name);
}

// The words of an IRC line after its source: ":srv 001 nick ..." gives "001", "nick".
struct IrcWords {
  std::string_view command;
  std::string_view first;
  std::string_view second;
};
IrcWords irc_words(std::string_view line) {
  auto next = [&line]() {
    const std::size_t sp = line.find(' ');
    const std::string_view w = line.substr(0, sp);
    line = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
    return w;
  };
  if (line.starts_with('@')) next();
  if (line.starts_with(':')) next();
  IrcWords w;
  w.command = next();
  w.first = next();
  w.second = next();
  return w;
}

// ":nick!u@h PRIVMSG #room :payload" (with or without tags): the payload.
std::string_view irc_payload(std::string_view line) {
  const std::size_t verb = line.find(" PRIVMSG ");
  if (verb == std::string_view::npos) return {};
  const std::size_t colon = line.find(" :", verb + 9);
  return colon == std::string_view::npos ? std::string_view() : line.substr(colon + 2);
}

}  // namespace

std::string_view to_string(Proto p) {
  switch (p) {
    case Proto::kChatd:
      return "chatd";
    case Proto::kIrc:
      return "irc";
    case Proto::kMix:
      return "mix";
    case Proto::kWs:
      return "ws";
    case Proto::kRedis:
      return "redis";
    case Proto::kRelay:
      return "relay";
  }
  return "chatd";
}

Proto wire_of(Proto p, std::size_t global) {
  if (p != Proto::kMix) return p;
  return global % 2 == 0 ? Proto::kChatd : Proto::kIrc;
}

ProtocolSpeaker::ProtocolSpeaker(Proto wire, std::string room) : wire_(wire) {
  switch (wire_) {
    case Proto::kRedis:
      room_ = std::move(room);
      publish_prefix_ = fmt::format("*3\r\n$7\r\nPUBLISH\r\n${}\r\n{}\r\n$", room_.size(), room_);
      break;
    case Proto::kIrc:
      room_ = chat_room(room);
      publish_prefix_ = fmt::format("PRIVMSG {} :", room_);
      break;
    case Proto::kRelay:
      // The relay passes lines on as they are: sent shaped like chatd's deliveries
      // ("<guest-1234> payload"), they carry the same bytes, so the two compare
      // what is done per delivery, not how much is written.
      room_ = chat_room(room);
      publish_prefix_ = "<relay-0000> ";
      break;
    default:
      room_ = chat_room(room);
  }
}

std::string ProtocolSpeaker::hello(std::size_t id) const {
  switch (wire_) {
    case Proto::kRedis:
      return "PING\r\n";
    case Proto::kIrc:
      return fmt::format("NICK cb{}\r\nUSER cb 0 * :chatbench\r\n", id);
    default:
      return {};
  }
}

Greeting ProtocolSpeaker::greeting(std::string_view line, std::string& nick) const {
  switch (wire_) {
    case Proto::kRedis:
      if (line == "+PONG") return Greeting::kGreeted;
      return line.starts_with('-') ? Greeting::kRefused : Greeting::kNotYet;
    case Proto::kIrc: {
      const IrcWords w = irc_words(line);
      if (w.command == "001") {
        nick.assign(w.first);
        return Greeting::kGreeted;
      }
      const bool refused = w.command == "ERROR" || w.command == "432" || w.command == "433";
      return refused ? Greeting::kRefused : Greeting::kNotYet;
    }
    case Proto::kRelay:
      return Greeting::kGreeted;
    default:
      break;
  }
  if (!line.starts_with(kWelcome)) {
    return line.starts_with("! ") ? Greeting::kRefused : Greeting::kNotYet;
  }
  const std::string_view rest = line.substr(kWelcome.size());
  nick.assign(rest.substr(0, rest.find(' ')));
  return Greeting::kGreeted;
}

std::string ProtocolSpeaker::join_request() const {
  switch (wire_) {
    case Proto::kRedis:
      return fmt::format("SUBSCRIBE {}\r\n", room_);
    case Proto::kIrc:
      return fmt::format("JOIN {}\r\n", room_);
    default:
      return fmt::format("/join {}\r\n", room_);
  }
}

bool ProtocolSpeaker::is_join_confirmation(std::string_view line, std::string_view nick) const {
  switch (wire_) {
    case Proto::kRedis:
      return line.starts_with(':');  // the subscription count
    case Proto::kIrc: {
      const IrcWords w = irc_words(line);
      return w.command == "366" && w.first == nick && w.second == room_;
    }
    default:
      // "*** NICK joined #room": the first such line naming us is the reply to us.
      return line.starts_with("*** ") && line.substr(4).starts_with(nick) &&
             line.substr(4 + nick.size()).starts_with(" joined ");
  }
}

void ProtocolSpeaker::append_publish(std::string_view payload, std::string& out) const {
  out += publish_prefix_;
  if (wire_ == Proto::kRedis) fmt::format_to(std::back_inserter(out), "{}\r\n", payload.size());
  out += payload;
  out += "\r\n";
}

// chatd relays "<nick> text", IRC ":nick!u@h PRIVMSG #room :text", Redis sends the
// payload as a bulk string on its own line and the relay the line as it was sent.
std::string_view ProtocolSpeaker::delivered_payload(std::string_view line) {
  if (line.empty()) return {};
  if (line[0] == kStampMagic) return line;
  if (line[0] == ':' || line[0] == '@') {
    const std::string_view payload = irc_payload(line);
    return !payload.empty() && payload[0] == kStampMagic ? payload : std::string_view();
  }
  if (line[0] != '<') return {};
  const auto* gt = static_cast<const char*>(std::memchr(line.data(), '>', line.size()));
  if (gt == nullptr) return {};
  const std::size_t at = static_cast<std::size_t>(gt - line.data()) + 2;
  if (at >= line.size() || line[at - 1] != ' ' || line[at] != kStampMagic) return {};
  return line.substr(at);
}

}  // namespace chatd::bench
