// MODE: a user's own modes (only +i, echoed), a room's modes (324/329), its ban
// list (367/368), and changes made by room operators.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "daemon/chat/chat.h"
#include "daemon/chat/mode_change.h"
#include "daemon/chat/sanitize.h"
#include "daemon/irc/commands.h"
#include "daemon/irc/irc_lines.h"
#include "daemon/irc/irc_session.h"
#include "daemon/irc/numerics.h"

namespace chatd::irc {
namespace {

void user_mode(IrcSession& s, const IrcMessage& m) {
  if (s.chat().find_user(m.arg(0)) != &s) {
    if (s.chat().find_user(m.arg(0)) == nullptr) {
      return s.numeric(num::kNoSuchNick, echoed(m.arg(0)), "No such nick/channel");
    }
    return s.numeric(num::kUsersDontMatch, "Can't change mode for other users");
  }
  if (m.param_count < 2) return s.numeric_params(num::kUModeIs, s.invisible() ? "+i" : "+");
  bool add = true;
  bool changed = false;
  bool unknown = false;
  for (char c : m.arg(1)) {
    if (c == '+' || c == '-') {
      add = c == '+';
    } else if (c == 'i') {
      changed = changed || s.invisible() != add;
      s.set_invisible(add);
    } else {
      unknown = true;
    }
  }
  if (unknown) s.numeric(num::kUModeUnknownFlag, "Unknown MODE flag");
  if (changed) {
    s.send(irc_line(fmt::format(":{} MODE {}", s.nick(), s.nick()), s.invisible() ? "+i" : "-i"));
  }
}

void list_bans(IrcSession& s, const Room& room) {
  for (const Ban& b : room.modes().bans()) {
    s.numeric_params(num::kBanList,
                     fmt::format("{} {} {} {}", room.name(), b.mask, b.set_by, b.set_at));
  }
  s.numeric(num::kEndOfBanList, room.name(), "End of channel ban list");
}

void report(IrcSession& s, const Room& room, const Chat::ModeError& e) {
  const std::string letter(1, e.letter);
  switch (e.kind) {
    case Chat::ModeError::kNotOperator:
      return s.numeric(num::kChanOpPrivsNeeded, room.name(), "You're not channel operator");
    case Chat::ModeError::kUnknownMode:
      return s.numeric(num::kUnknownMode, echoed(letter), "is unknown mode char to me");
    case Chat::ModeError::kNeedsArgument:
      return s.numeric(num::kNeedMoreParams, "MODE", "Not enough parameters");
    case Chat::ModeError::kNoSuchNick:
      return s.numeric(num::kNoSuchNick, echoed(e.arg), "No such nick/channel");
    case Chat::ModeError::kTargetNotInRoom:
      return s.numeric(num::kUserNotInChannel, fmt::format("{} {}", echoed(e.arg), room.name()),
                       "They aren't on that channel");
    case Chat::ModeError::kBadKey:
      return s.numeric(num::kInvalidModeParam, fmt::format("{} k {}", room.name(), echoed(e.arg)),
                       "Invalid key: 1-23 characters without spaces or commas");
    case Chat::ModeError::kBadLimit:
      return s.numeric(num::kInvalidModeParam, fmt::format("{} l {}", room.name(), echoed(e.arg)),
                       "Invalid limit: a whole number from 1 to 1000000");
    case Chat::ModeError::kBadMask:
      return s.numeric(num::kInvalidModeParam, fmt::format("{} b {}", room.name(), echoed(e.arg)),
                       "Invalid ban mask");
    case Chat::ModeError::kBanListFull:
      return s.numeric(num::kBanListFull, fmt::format("{} b", room.name()),
                       "Channel ban list is full");
  }
}

void room_mode(IrcSession& s, Room& room, const IrcMessage& m) {
  if (m.param_count < 2) {
    s.numeric_params(num::kChannelModeIs,
                     fmt::format("{} {}", room.name(), room.modes().describe(s.in_room(room))));
    return s.numeric_params(num::kCreationTime,
                            fmt::format("{} {}", room.name(), room.created_at()));
  }
  const std::vector<ModeChange> changes =
      parse_mode_changes(m.arg(1), m.args().subspan(std::min<std::size_t>(2, m.param_count)));
  bool listed = false;
  for (const ModeChange& c : changes) {
    if (c.letter == 'b' && c.arg.empty() && !listed) {
      listed = true;
      list_bans(s, room);
    }
  }
  const Chat::ModeOutcome out = s.chat().change_modes(s, room, changes);
  for (const Chat::ModeError& e : out.errors)
    report(s, room, e);
}

}  // namespace

void mode(IrcSession& s, const IrcMessage& m) {
  if (!m.arg(0).starts_with('#')) return user_mode(s, m);
  Room* room = s.chat().find_room(m.arg(0));
  if (room == nullptr || !Chat::is_visible(*room, s)) {
    return s.numeric(num::kNoSuchChannel, echoed(m.arg(0)), "No such channel");
  }
  room_mode(s, *room, m);
}

}  // namespace chatd::irc
