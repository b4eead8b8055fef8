// Server operator commands over IRC: OPER, KILL, and server bans as KLINE MASK
// DURATION :reason, UNKLINE MASK and a bare KLINE to list them (DLINE and
// UNDLINE are the same commands: chatd bans addresses only).
#include <fmt/format.h>

#include "daemon/admin/server_bans.h"
#include "daemon/chat/sanitize.h"
#include "daemon/chat/text_limits.h"
#include "daemon/client.h"
#include "daemon/irc/commands.h"
#include "daemon/irc/irc_lines.h"
#include "daemon/irc/irc_service.h"
#include "daemon/irc/irc_session.h"
#include "daemon/irc/numerics.h"
#include "daemon/server.h"

namespace chatd::irc {
namespace {

bool need_oper(IrcSession& s) {
  if (s.is_oper()) return true;
  s.numeric(num::kNoPrivileges, "Permission Denied- You're not an IRC operator");
  return false;
}

void server_notice(IrcSession& s, std::string_view text) {
  s.send(irc_line(fmt::format(":{} NOTICE {}", s.irc().server_name(), s.target()), text));
}

std::string when(std::int64_t expires_at, std::int64_t now) {
  if (expires_at == 0) return "for good";
  return fmt::format("for {} more minutes", (expires_at - now + 59) / 60);
}

void list_bans(IrcSession& s) {
  const std::int64_t now = Chat::wall_seconds();
  const std::vector<ServerBan> bans = s.server().bans().in_force(now);
  server_notice(s, fmt::format("{} server bans", bans.size()));
  for (const ServerBan& b : bans) {
    server_notice(s, fmt::format("{} by {} {}: {}", b.mask.to_string(), b.set_by,
                                 when(b.expires_at, now), b.reason));
  }
}

}  // namespace

void oper(IrcSession& s, const IrcMessage& m) {
  switch (s.server().oper_up(s, s, m.arg(0), m.arg(1))) {
    case Server::OperResult::kOk:
      s.numeric(num::kYoureOper, "You are now an IRC operator");
      s.send(reactor::format_line(":{} MODE {} :+o", s.nick(), s.nick()));
      return;
    case Server::OperResult::kNoSuchOper:
      return s.numeric(num::kNoOperHost, "No O-lines for your host");
    case Server::OperResult::kWrongPassword:
      return s.numeric(num::kPasswdMismatch, "Password incorrect");
    case Server::OperResult::kTooFast:
      return s.numeric(num::kPasswdMismatch, "Too many attempts: wait a few seconds");
  }
}

void kill(IrcSession& s, const IrcMessage& m) {
  if (!need_oper(s)) return;
  User* target = s.chat().find_user(m.arg(0));
  if (target == nullptr) return s.numeric(num::kNoSuchNick, m.arg(0), "No such nick");
  if (const cluster::Backplane* c = s.server().backplane();
      c != nullptr && !c->can_reach(*target)) {
    return server_notice(s, "other servers are unreachable, try again later");
  }
  const std::string reason = user_text(m.arg(1), kMaxReasonBytes);
  s.server().kill(s, *target, reason.empty() ? "no reason given" : reason);
}

void kline(IrcSession& s, const IrcMessage& m) {
  if (!need_oper(s)) return;
  if (m.param_count == 0) return list_bans(s);
  if (m.param_count < 3) {
    return s.numeric(num::kNeedMoreParams, m.command,
                     "Usage: KLINE MASK DURATION :reason (DURATION: 30m, 2h, 7d, 0 for good)");
  }
  reactor::Cidr mask;
  try {
    mask = parse_ban_mask(m.arg(0));
  } catch (const std::invalid_argument& e) {
    return server_notice(s, fmt::format("KLINE: {}", e.what()));
  }
  const std::int64_t seconds = parse_ban_duration(m.arg(1));
  if (seconds < 0) {
    return server_notice(
        s, fmt::format("KLINE: '{}' is not a duration (30m, 2h, 7d, 0 for good)", m.arg(1)));
  }
  const std::string reason = user_text(m.arg(2), kMaxReasonBytes);
  const Server::BanOutcome out =
      s.server().ban(s, mask, seconds, reason.empty() ? "banned" : reason);
  server_notice(
      s, fmt::format("banned {} {}: {} users removed{}", mask.to_string(),
                     seconds == 0 ? "for good" : fmt::format("for {} s", seconds), out.removed,
                     out.error.empty() ? "" : "; NOT SAVED, lost at restart: " + out.error));
}

void unkline(IrcSession& s, const IrcMessage& m) {
  if (!need_oper(s)) return;
  reactor::Cidr mask;
  try {
    mask = parse_ban_mask(m.arg(0));
  } catch (const std::invalid_argument& e) {
    return server_notice(s, fmt::format("UNKLINE: {}", e.what()));
  }
  std::string error;
  if (!s.server().unban(mask, error)) {
    return server_notice(s, fmt::format("no server ban on {}", mask.to_string()));
  }
  server_notice(s, fmt::format("ban on {} lifted{}", mask.to_string(),
                               error.empty() ? "" : "; NOT SAVED, back at restart: " + error));
}

}  // namespace chatd::irc
