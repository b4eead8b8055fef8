// The server operator commands of plain mode: /oper NAME PASSWORD, /kill NICK
// reason, /kline MASK DURATION reason, /unkline MASK, /klines.
#include <fmt/format.h>

#include "daemon/admin/server_bans.h"
#include "daemon/chat/sanitize.h"
#include "daemon/chat/text_limits.h"
#include "daemon/plain/commands.h"
#include "daemon/plain/plain_session.h"
#include "daemon/plain/replies.h"
#include "daemon/server.h"

namespace chatd {
namespace {

using reactor::format_line;

std::string clean_text(std::string_view text) {
  std::string scratch;
  return std::string(sanitize_text(text, scratch, Controls::kKeepIrcFormatting))
      .substr(0, kMaxReasonBytes);
}

std::string for_how_long(std::int64_t seconds) {
  return seconds == 0 ? "for good" : fmt::format("for {} s", seconds);
}

void oper_up(PlainSession& s, std::string_view args) {
  const auto [name, password] = split_word(args);
  if (name.empty() || password.empty()) {
    return s.send(format_line(replies::kUsage, "/oper NAME PASSWORD"));
  }
  switch (s.server().oper_up(s, s, name, password)) {
    case Server::OperResult::kOk:
      return s.send(format_line(replies::kYouAreOper));
    case Server::OperResult::kNoSuchOper:
    case Server::OperResult::kWrongPassword:
      return s.send(format_line(replies::kOperRefused, "wrong name or password"));
    case Server::OperResult::kTooFast:
      return s.send(format_line(replies::kOperRefused, "too many attempts, wait a few seconds"));
  }
}

void kill(PlainSession& s, std::string_view args) {
  const auto [nick, reason] = split_word(args);
  if (nick.empty()) return s.send(format_line(replies::kUsage, "/kill NICK reason"));
  User* target = s.chat().find_user(nick);
  if (target == nullptr) return s.send(format_line(replies::kNoSuchUser, clean_text(nick)));
  if (const cluster::Backplane* c = s.server().backplane();
      c != nullptr && !c->can_reach(*target)) {
    return s.send(format_line(replies::kServersUnreachable));
  }
  const std::string why = clean_text(reason);
  s.server().kill(s, *target, why.empty() ? "no reason given" : why);
}

void kline(PlainSession& s, std::string_view args) {
  const auto [mask_text, rest] = split_word(args);
  const auto [duration, reason] = split_word(rest);
  if (mask_text.empty() || duration.empty()) {
    return s.send(format_line(replies::kUsage, "/kline ADDRESS[/PREFIX] DURATION reason"));
  }
  reactor::Cidr mask;
  try {
    mask = parse_ban_mask(mask_text);
  } catch (const std::invalid_argument& e) {
    return s.send(format_line(replies::kBadAddressMask, e.what()));
  }
  const std::int64_t seconds = parse_ban_duration(duration);
  if (seconds < 0) return s.send(format_line(replies::kBadDuration, clean_text(duration)));
  const std::string why = clean_text(reason);
  const Server::BanOutcome out = s.server().ban(s, mask, seconds, why.empty() ? "banned" : why);
  s.send(format_line(replies::kBanSet, mask.to_string(), for_how_long(seconds),
                     fmt::format("{} {}", out.removed, out.removed == 1 ? "user" : "users")));
  if (!out.error.empty()) s.send(format_line(replies::kBanNotSaved, out.error));
}

void unkline(PlainSession& s, std::string_view args) {
  if (args.empty()) return s.send(format_line(replies::kUsage, "/unkline ADDRESS[/PREFIX]"));
  reactor::Cidr mask;
  try {
    mask = parse_ban_mask(args);
  } catch (const std::invalid_argument& e) {
    return s.send(format_line(replies::kBadAddressMask, e.what()));
  }
  std::string error;
  if (!s.server().unban(mask, error)) {
    return s.send(format_line(replies::kNoSuchBan, mask.to_string()));
  }
  s.send(format_line(replies::kBanLifted, mask.to_string()));
  if (!error.empty()) s.send(format_line(replies::kUnbanNotSaved, error));
}

void klines(PlainSession& s) {
  const std::int64_t now = Chat::wall_seconds();
  const std::vector<ServerBan> bans = s.server().bans().in_force(now);
  s.send(format_line(replies::kBanListHeader,
                     fmt::format("{} server ban{}", bans.size(), bans.size() == 1 ? "" : "s")));
  for (const ServerBan& b : bans) {
    const std::string left = b.expires_at == 0 ? std::string("for good")
                                               : fmt::format("for {} more s", b.expires_at - now);
    s.send(format_line(replies::kBanListItem, b.mask.to_string(), b.set_by, left, b.reason));
  }
}

}  // namespace

void oper_command(PlainSession& s, CommandId id, std::string_view args) {
  if (id == CommandId::kOper) return oper_up(s, args);
  if (!s.is_oper()) return s.send(format_line(replies::kNotServerOper));
  switch (id) {
    case CommandId::kKill:
      return kill(s, args);
    case CommandId::kKline:
      return kline(s, args);
    case CommandId::kUnkline:
      return unkline(s, args);
    default:
      return klines(s);
  }
}

}  // namespace chatd
