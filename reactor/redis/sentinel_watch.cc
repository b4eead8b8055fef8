// SentinelWatch: one push-mode link to one sentinel at a time. Its first reply
// is the answer to get-master-addr-by-name ([host, port], or nil when that
// sentinel does not know the name); then the subscribe confirmation and
// +switch-master messages: "<name> <old host> <old port> <new host> <new port>".
#include "reactor/redis/sentinel_watch.h"

#include <fmt/format.h>

#include <charconv>

#include "reactor/redis/resp_command.h"

namespace chatd::reactor {
namespace {

constexpr std::string_view kSwitchMaster = "+switch-master";

RedisClientOptions sentinel_options() {
  RedisClientOptions o;
  o.push_mode = true;
  return o;
}

std::string_view next_word(std::string_view& rest) {
  const auto space = rest.find(' ');
  const std::string_view word = rest.substr(0, space);
  rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  return word;
}

}  // namespace

SentinelWatch::SentinelWatch(Loop& loop, std::vector<RedisAddress> sentinels,
                             std::string master_name, SentinelWatchHandler& handler)
    : master_name_(std::move(master_name)),
      handler_(handler),
      link_(loop, std::move(sentinels), sentinel_options(), *this) {}

std::string SentinelWatch::describe() const {
  return fmt::format("sentinel {}, primary {}", link_.address().to_string(),
                     primary_ ? primary_->to_string() : "not known yet");
}

// A subscribed connection may only (un)subscribe, so the question goes first.
// A switch between the answer and the subscription is caught by the owner's
// check of the primary's role (ask_again).
void SentinelWatch::on_redis_up(RedisClient& c) {
  c.command(resp_command({"SENTINEL", "get-master-addr-by-name", master_name_}));
  c.command(resp_command({"SUBSCRIBE", kSwitchMaster}));
}

void SentinelWatch::on_redis_push(RedisClient& c, RespValue&& v) {
  if (v.type == RespValue::Type::kNil) {
    // This sentinel does not watch that name (yet): try the next.
    return c.restart(fmt::format("it does not know the primary {}", master_name_));
  }
  // Not a sentinel, or one that wants a password: try the next.
  if (v.is_error()) return c.restart(v.str);
  if (!v.is_array()) return;
  const std::string_view first = v.text_at(0);
  if (first == "message" && v.text_at(1) == kSwitchMaster) {
    std::string_view rest = v.text_at(2);
    if (next_word(rest) != master_name_) return;
    next_word(rest);
    next_word(rest);
    const std::string_view host = next_word(rest);
    return report(host, next_word(rest));
  }
  if (first == "subscribe" || first == "message" || v.elements.size() != 2) return;
  report(first, v.text_at(1));
}

void SentinelWatch::report(std::string_view host, std::string_view port) {
  unsigned n = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
  if (host.empty() || ec != std::errc() || end != port.data() + port.size() || n == 0 ||
      n > 65535) {
    return;
  }
  RedisAddress a;
  a.host = std::string(host);
  a.port = static_cast<std::uint16_t>(n);
  if (primary_ && primary_->host == a.host && primary_->port == a.port) return;
  primary_ = a;
  handler_.on_primary(a);
}

}  // namespace chatd::reactor
