// The IRC command table: names, parameter counts, whether a command may come
// before registration, and what it costs in flood control.
#include "daemon/irc/commands.h"

#include <fmt/format.h>

#include <algorithm>

#include "daemon/chat/chat.h"
#include "daemon/chat/text_limits.h"
#include "daemon/irc/irc_lines.h"
#include "daemon/irc/irc_session.h"
#include "daemon/irc/numerics.h"

namespace chatd::irc {
namespace {

enum class Cost : std::uint8_t { kPing, kQuery, kLine, kPerRoom, kPerTarget };

struct Command {
  std::string_view name;
  Handler handler;
  std::uint8_t min_params;
  bool before_registration;
  Cost cost;
};

constexpr Command kCommands[] = {
    {"AWAY", away, 0, false, Cost::kLine},
    {"CAP", cap, 1, true, Cost::kLine},
    {"DLINE", kline, 0, false, Cost::kLine},
    {"INVITE", invite, 2, false, Cost::kLine},
    {"ISON", ison, 1, false, Cost::kLine},
    {"JOIN", join, 1, false, Cost::kPerRoom},
    {"KICK", kick, 2, false, Cost::kLine},
    {"KILL", kill, 1, false, Cost::kLine},
    {"KLINE", kline, 0, false, Cost::kLine},
    {"LIST", list, 0, false, Cost::kLine},
    {"LUSERS", lusers, 0, false, Cost::kLine},
    {"MODE", mode, 1, false, Cost::kQuery},
    {"MOTD", motd, 0, false, Cost::kLine},
    {"NAMES", names, 0, false, Cost::kQuery},
    {"NICK", nick, 0, true, Cost::kLine},
    {"NOTICE", notice, 0, false, Cost::kPerTarget},
    {"OPER", oper, 2, false, Cost::kLine},
    {"PART", part, 1, false, Cost::kPerRoom},
    {"PASS", pass, 1, true, Cost::kLine},
    {"PING", ping, 0, true, Cost::kPing},
    {"PONG", pong, 0, true, Cost::kPing},
    {"PRIVMSG", privmsg, 0, false, Cost::kPerTarget},
    {"QUIT", quit, 0, true, Cost::kLine},
    {"SETNAME", setname, 1, false, Cost::kLine},
    {"TAGMSG", tagmsg, 1, false, Cost::kPerTarget},
    {"TIME", time, 0, false, Cost::kLine},
    {"TOPIC", topic, 1, false, Cost::kQuery},
    {"UNDLINE", unkline, 1, false, Cost::kLine},
    {"UNKLINE", unkline, 1, false, Cost::kLine},
    {"USER", user, 4, true, Cost::kLine},
    {"USERHOST", userhost, 1, false, Cost::kLine},
    {"VERSION", version, 0, false, Cost::kLine},
    {"WHO", who, 0, false, Cost::kQuery},
    {"WHOIS", whois, 1, false, Cost::kLine},
    {"WHOWAS", whowas, 1, false, Cost::kLine},
};

const Command* find(std::string_view name) {
  for (const Command& c : kCommands) {
    if (equals_command(name, c.name)) return &c;
  }
  return nullptr;
}

constexpr double kQueryCost = 0.1;
constexpr double kRoomCost = 0.5;

std::size_t count_items(std::string_view list) {
  return static_cast<std::size_t>(std::count(list.begin(), list.end(), ',')) + 1;
}

// A query leaves things as they are: TOPIC and MODE without a change, or MODE's ban list.
bool is_query(const IrcMessage& m) {
  if (equals_command(m.command, "TOPIC")) return m.param_count < 2;
  if (equals_command(m.command, "MODE")) {
    return m.param_count < 2 || (m.param_count == 2 && (m.arg(1) == "b" || m.arg(1) == "+b"));
  }
  return true;
}

// A query of a room the client is in, or of itself.
bool is_own(const IrcSession& s, const IrcMessage& m) {
  if (!s.registered()) return false;
  const Room* room = s.chat().find_room(m.arg(0));
  return (room != nullptr && s.in_room(*room)) || m.arg(0) == s.nick();
}

}  // namespace

double command_cost(const IrcSession& s, const IrcMessage& m) {
  const Command* c = find(m.command);
  if (c == nullptr) return 1;
  switch (c->cost) {
    case Cost::kPing:
      return kPingCost;
    case Cost::kQuery:
      return is_own(s, m) && is_query(m) ? kQueryCost : 1;
    case Cost::kPerRoom:
      return std::max(1.0, kRoomCost * static_cast<double>(count_items(m.arg(0))));
    case Cost::kPerTarget:
      return static_cast<double>(std::min(count_items(m.arg(0)), kMaxTargets));
    case Cost::kLine:
      return 1;
  }
  return 1;
}

void run_command(IrcSession& s, const IrcMessage& m) {
  const Command* c = find(m.command);
  if (c == nullptr || (!s.registered() && !c->before_registration)) {
    if (!s.registered()) return s.numeric(num::kNotRegistered, "You have not registered");
    return s.numeric(num::kUnknownCommand, echoed(m.command), "Unknown command");
  }
  if (m.param_count < c->min_params) {
    return s.numeric(num::kNeedMoreParams, c->name, "Not enough parameters");
  }
  // Replies go straight to the client: what it said before must have left first
  // (an echo-message client sees its PRIVMSG before the reply to its WHO).
  if (c->handler != privmsg && c->handler != notice) s.chat().flush_said();
  c->handler(s, m);
}

}  // namespace chatd::irc
