// chatd and Redis, as far as a broadcast benchmark needs them.
#include "bench/chatbench/protocol.h"

#include <fmt/format.h>

#include <cstring>

#include "bench/chatbench/payload.h"

namespace chatd::bench {
namespace {

constexpr std::string_view kWelcome = "*** welcome to chatd, you are ";

std::string chatd_room(std::string_view name) {
  return name.starts_with('#') ? std::string(name) : "#" + std::string(name);
}

}  // namespace

std::string_view to_string(Proto p) {
  return p == Proto::kChatd ? "chatd" : "redis";
}

ProtocolSpeaker::ProtocolSpeaker(Proto proto, std::string room)
    : proto_(proto), room_(proto == Proto::kChatd ? chatd_room(room) : std::move(room)) {
  publish_prefix_ = fmt::format("*3\r\n$7\r\nPUBLISH\r\n${}\r\n{}\r\n$", room_.size(), room_);
}

std::string_view ProtocolSpeaker::hello() const {
  return proto_ == Proto::kRedis ? "PING\r\n" : "";
}

Greeting ProtocolSpeaker::greeting(std::string_view line, std::string& nick) const {
  if (proto_ == Proto::kRedis) {
    if (line == "+PONG") return Greeting::kGreeted;
    return line.starts_with('-') ? Greeting::kRefused : Greeting::kNotYet;
  }
  if (!line.starts_with(kWelcome)) {
    return line.starts_with("! ") ? Greeting::kRefused : Greeting::kNotYet;
  }
  const std::string_view rest = line.substr(kWelcome.size());
  nick.assign(rest.substr(0, rest.find(' ')));
  return Greeting::kGreeted;
}

std::string ProtocolSpeaker::join_request() const {
  return proto_ == Proto::kRedis ? fmt::format("SUBSCRIBE {}\r\n", room_)
                                 : fmt::format("/join {}\r\n", room_);
}

bool ProtocolSpeaker::is_join_confirmation(std::string_view line, std::string_view nick) const {
  if (proto_ == Proto::kRedis) return line.starts_with(':');  // the subscription count
  // "*** NICK joined #room": the first such line naming us is the reply to us.
  return line.starts_with("*** ") && line.substr(4).starts_with(nick) &&
         line.substr(4 + nick.size()).starts_with(" joined ");
}

void ProtocolSpeaker::append_publish(std::string_view payload, std::string& out) const {
  if (proto_ == Proto::kRedis) {
    out += publish_prefix_;
    fmt::format_to(std::back_inserter(out), "{}\r\n", payload.size());
  }
  out += payload;
  out += "\r\n";
}

// chatd relays "<nick> text"; Redis sends the payload as a bulk string on its own line.
std::string_view ProtocolSpeaker::delivered_payload(std::string_view line) {
  if (line.empty()) return {};
  if (line[0] == kStampMagic) return line;
  if (line[0] != '<') return {};
  const auto* gt = static_cast<const char*>(std::memchr(line.data(), '>', line.size()));
  if (gt == nullptr) return {};
  const std::size_t at = static_cast<std::size_t>(gt - line.data()) + 2;
  if (at >= line.size() || line[at - 1] != ' ' || line[at] != kStampMagic) return {};
  return line.substr(at);
}

}  // namespace chatd::bench
