// Who is who: WHO, WHOIS, WHOWAS, ISON, USERHOST; and a user's own AWAY and
// SETNAME.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "daemon/chat/chat.h"
#include "daemon/chat/mask.h"
#include "daemon/chat/sanitize.h"
#include "daemon/chat/text_limits.h"
#include "daemon/irc/commands.h"
#include "daemon/irc/irc_lines.h"
#include "daemon/irc/irc_service.h"
#include "daemon/irc/irc_session.h"
#include "daemon/irc/numerics.h"
#include "daemon/irc/paged_reply.h"
#include "daemon/irc/prefixes.h"

namespace chatd::irc {
namespace {

// The cheap fields first; the full nick!user@host only for a mask that has one.
bool matches_user(std::string_view mask, const User& u) {
  if (mask_matches(mask, u.nick()) || mask_matches(mask, u.host()) ||
      mask_matches(mask, u.ident()) || mask_matches(mask, u.realname())) {
    return true;
  }
  return mask.find_first_of("!@") != std::string_view::npos && mask_matches(mask, full_mask(u));
}

// +i users are listed only to those who share a room with them (RFC 2812 3.6.1).
bool visible_to(const User& u, const User& asker) {
  if (!u.invisible() || &u == &asker) return true;
  for (const Membership& m : u.memberships()) {
    if (asker.in_room(*m.room)) return true;
  }
  return false;
}

// 319: the rooms `u` is in that the asker may see, as many lines as needed.
void whois_rooms(IrcSession& s, const User& u) {
  const std::string head =
      fmt::format(":{} {} {} {}", s.irc().server_name(), num::kWhoisChannels, s.target(), u.nick());
  IrcLines lines;
  std::string rooms;
  for (const Membership& m : u.memberships()) {
    if (!Chat::is_visible(*m.room, s)) continue;
    const std::string entry = prefixes(m.status, s.has(kMultiPrefix)) + m.room->name();
    if (!rooms.empty() && rooms.size() + 1 + entry.size() > IrcLines::room_after(head)) {
      lines.add(head, rooms);
      rooms.clear();
    }
    if (!rooms.empty()) rooms += ' ';
    rooms += entry;
  }
  if (!rooms.empty()) lines.add(head, rooms);
  if (!lines.empty()) s.send(lines.message());
}

}  // namespace

void who(IrcSession& s, const IrcMessage& m) {
  const std::string mask(m.param_count == 0 ? std::string_view("*") : m.arg(0));
  const bool opers_only = m.arg(1).find('o') != std::string_view::npos;
  Chat& chat = s.chat();
  if (mask.starts_with('#')) {
    const Room* room = chat.find_room(mask);
    if (room != nullptr && Chat::is_visible(*room, s) && !opers_only) {
      return s.send_paged(who_room_reply(s, *room, echoed(mask)));
    }
    return s.send_paged(who_users_reply({}, echoed(mask)));
  }
  std::vector<UserHandle> found;
  if (!opers_only) {
    if (const User* u = chat.find_user(mask)) {
      found.push_back(chat.handle_of(*u));
    } else {
      const bool everyone = mask == "*" || mask == "0";
      chat.for_each_user([&](const User& u) {
        if (visible_to(u, s) && (everyone || matches_user(mask, u))) {
          found.push_back(chat.handle_of(u));
        }
      });
    }
  }
  s.send_paged(who_users_reply(std::move(found), echoed(mask)));
}

void whois(IrcSession& s, const IrcMessage& m) {
  const std::string_view asked = m.param_count > 1 ? m.arg(1) : m.arg(0);
  const std::string_view nick = asked.substr(0, asked.find(','));
  const User* u = s.chat().find_user(nick);
  if (u == nullptr) {
    s.numeric(num::kNoSuchNick, echoed(nick), "No such nick/channel");
    return s.numeric(num::kEndOfWhois, echoed(nick), "End of /WHOIS list");
  }
  const std::string& srv = s.irc().server_name();
  s.numeric(num::kWhoisUser, fmt::format("{} {} {} *", u->nick(), u->ident(), u->host()),
            u->realname());
  whois_rooms(s, *u);
  s.numeric(num::kWhoisServer, fmt::format("{} {}", u->nick(), srv), "chatd");
  if (!u->away().empty()) s.numeric(num::kAway, u->nick(), u->away());
  if (u->secure()) s.numeric(num::kWhoisSecure, u->nick(), "is using a secure connection");
  if (u->is_oper()) s.numeric(num::kWhoisOperator, u->nick(), "is an IRC operator");
  const std::int64_t now = Chat::wall_seconds();
  s.numeric(num::kWhoisIdle,
            fmt::format("{} {} {}", u->nick(), std::max<std::int64_t>(0, now - u->last_spoke()),
                        u->signon_time()),
            "seconds idle, signon time");
  s.numeric(num::kEndOfWhois, u->nick(), "End of /WHOIS list");
}

// chatd keeps no history of nicks.
void whowas(IrcSession& s, const IrcMessage& m) {
  const std::string nick = echoed(m.arg(0).substr(0, m.arg(0).find(',')));
  s.numeric(num::kWasNoSuchNick, nick, "There was no such nickname");
  s.numeric(num::kEndOfWhowas, nick, "End of WHOWAS");
}

void ison(IrcSession& s, const IrcMessage& m) {
  std::string online;
  for (std::string_view arg : m.args()) {
    for (std::size_t at = 0; at < arg.size();) {
      const std::size_t sp = std::min(arg.find(' ', at), arg.size());
      if (const User* u = s.chat().find_user(arg.substr(at, sp - at))) {
        if (!online.empty()) online += ' ';
        online += u->nick();
      }
      at = sp + 1;
    }
  }
  s.numeric(num::kIsOn, online);
}

void userhost(IrcSession& s, const IrcMessage& m) {
  std::string reply;
  for (std::size_t i = 0; i < m.param_count && i < 5; ++i) {
    const User* u = s.chat().find_user(m.arg(i));
    if (u == nullptr) continue;
    if (!reply.empty()) reply += ' ';
    reply +=
        fmt::format("{}={}{}@{}", u->nick(), u->away().empty() ? '+' : '-', u->ident(), u->host());
  }
  s.numeric(num::kUserHost, reply);
}

void away(IrcSession& s, const IrcMessage& m) {
  const std::string text = user_text(m.arg(0), kMaxAwayBytes);
  s.chat().set_away(s, text);
  if (text.empty()) return s.numeric(num::kUnAway, "You are no longer marked as being away");
  s.numeric(num::kNowAway, "You have been marked as being away");
}

void setname(IrcSession& s, const IrcMessage& m) {
  const std::string realname = user_text(m.arg(0), kMaxRealnameBytes);
  if (realname.empty()) {
    return s.send(irc_line("FAIL SETNAME INVALID_REALNAME", "Realname is not valid"));
  }
  s.chat().set_realname(s, realname);
}

}  // namespace chatd::irc
