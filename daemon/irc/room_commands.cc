// Room commands: JOIN, PART, TOPIC, KICK, INVITE, NAMES, LIST.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "daemon/chat/chat.h"
#include "daemon/chat/names.h"
#include "daemon/chat/sanitize.h"
#include "daemon/chat/text_limits.h"
#include "daemon/irc/commands.h"
#include "daemon/irc/history_reply.h"
#include "daemon/irc/irc_lines.h"
#include "daemon/irc/irc_session.h"
#include "daemon/irc/numerics.h"
#include "daemon/irc/paged_reply.h"
#include "daemon/server.h"

namespace chatd::irc {
namespace {

// The comma-separated items of a parameter: "#a,#b" -> {"#a", "#b"}.
std::vector<std::string_view> items(std::string_view list) {
  std::vector<std::string_view> out;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    out.push_back(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  return out;
}

void send_topic(IrcSession& s, const Room& room) {
  const Topic& t = room.topic();
  s.numeric(num::kTopic, room.name(), t.text);
  s.numeric_params(num::kTopicWhoTime, fmt::format("{} {} {}", room.name(), t.set_by, t.set_at));
}

void join_one(IrcSession& s, std::string_view name, std::string_view key) {
  Room* room = nullptr;
  const std::string shown_name = echoed(name);
  switch (s.chat().join(s, name, key, &room)) {
    case Chat::JoinResult::kJoined:
      if (!room->topic().text.empty()) send_topic(s, *room);
      s.send_paged(names_reply(s, *room));
      if (auto history = history_reply(s, *room)) s.send_paged(std::move(history));
      return;
    case Chat::JoinResult::kAlreadyThere:
      return;
    case Chat::JoinResult::kInvalidName:
      return name.starts_with('#')
                 ? s.numeric(num::kBadChanName, shown_name, "Illegal channel name")
                 : s.numeric(num::kNoSuchChannel, shown_name, "No such channel");
    case Chat::JoinResult::kTooManyRooms:
      return s.numeric(num::kTooManyChannels, shown_name, "You have joined too many channels");
    case Chat::JoinResult::kBanned:
      return s.numeric(num::kBannedFromChan, shown_name, "Cannot join channel (+b)");
    case Chat::JoinResult::kBadKey:
      return s.numeric(num::kBadChannelKey, shown_name, "Cannot join channel (+k)");
    case Chat::JoinResult::kFull:
      return s.numeric(num::kChannelIsFull, shown_name, "Cannot join channel (+l)");
    case Chat::JoinResult::kInviteOnly:
      return s.numeric(num::kInviteOnlyChan, shown_name, "Cannot join channel (+i)");
  }
}

std::vector<std::string> items_owned(std::string_view list) {
  const std::vector<std::string_view> views = items(list);
  return {views.begin(), views.end()};
}

Room* room_named(IrcSession& s, std::string_view name) {
  Room* room = s.chat().find_room(name);
  if (room == nullptr) s.numeric(num::kNoSuchChannel, echoed(name), "No such channel");
  return room;
}

}  // namespace

// "JOIN 0" leaves every room.
void join(IrcSession& s, const IrcMessage& m) {
  if (m.arg(0) == "0") {
    while (!s.memberships().empty())
      s.chat().part(s, s.memberships().back().room->name(), {});
    return;
  }
  const std::vector<std::string_view> names = items(m.arg(0));
  // In a cluster the rooms' history may be read first (Server::when_rooms_ready).
  s.server().when_rooms_ready(
      s, names, [names = items_owned(m.arg(0)), keys = items_owned(m.arg(1))](User& u) {
        auto& joiner = static_cast<IrcSession&>(u);
        for (std::size_t i = 0; i < names.size(); ++i)
          join_one(joiner, names[i], i < keys.size() ? std::string_view(keys[i]) : "");
      });
}

void part(IrcSession& s, const IrcMessage& m) {
  const std::string reason = user_text(m.arg(1), kMaxReasonBytes);
  for (std::string_view name : items(m.arg(0))) {
    switch (s.chat().part(s, name, reason)) {
      case Chat::PartResult::kParted:
        break;
      case Chat::PartResult::kNoSuchRoom:
        s.numeric(num::kNoSuchChannel, echoed(name), "No such channel");
        break;
      case Chat::PartResult::kNotInRoom:
        s.numeric(num::kNotOnChannel, echoed(name), "You're not on that channel");
        break;
    }
  }
}

void topic(IrcSession& s, const IrcMessage& m) {
  Room* room = room_named(s, m.arg(0));
  if (room == nullptr) return;
  if (m.param_count < 2) {
    if (!Chat::is_visible(*room, s))
      return s.numeric(num::kNotOnChannel, room->name(), "You're not on that channel");
    if (room->topic().text.empty())
      return s.numeric(num::kNoTopic, room->name(), "No topic is set");
    return send_topic(s, *room);
  }
  switch (s.chat().set_topic(s, *room, user_text(m.arg(1), kMaxTopicBytes))) {
    case Chat::TopicResult::kSet:
      return;
    case Chat::TopicResult::kNotInRoom:
      return s.numeric(num::kNotOnChannel, room->name(), "You're not on that channel");
    case Chat::TopicResult::kNotOperator:
      return s.numeric(num::kChanOpPrivsNeeded, room->name(), "You're not channel operator");
  }
}

void kick(IrcSession& s, const IrcMessage& m) {
  Room* room = room_named(s, m.arg(0));
  if (room == nullptr) return;
  const std::string_view target = m.arg(1).substr(0, m.arg(1).find(','));
  const std::string reason = user_text(m.arg(2), kMaxKickReasonBytes);
  switch (s.chat().kick(s, *room, target, reason)) {
    case Chat::KickResult::kKicked:
      return;
    case Chat::KickResult::kNotInRoom:
      return s.numeric(num::kNotOnChannel, room->name(), "You're not on that channel");
    case Chat::KickResult::kNotOperator:
      return s.numeric(num::kChanOpPrivsNeeded, room->name(), "You're not channel operator");
    case Chat::KickResult::kNoSuchNick:
      return s.numeric(num::kNoSuchNick, echoed(target), "No such nick/channel");
    case Chat::KickResult::kTargetNotInRoom:
      return s.numeric(num::kUserNotInChannel, fmt::format("{} {}", echoed(target), room->name()),
                       "They aren't on that channel");
  }
}

void invite(IrcSession& s, const IrcMessage& m) {
  User* target = s.chat().find_user(m.arg(0));
  if (target == nullptr)
    return s.numeric(num::kNoSuchNick, echoed(m.arg(0)), "No such nick/channel");
  Room* room = room_named(s, m.arg(1));
  if (room == nullptr) return;
  switch (s.chat().invite(s, *room, *target)) {
    case Chat::InviteResult::kInvited:
      s.numeric_params(num::kInviting, fmt::format("{} {}", target->nick(), room->name()));
      if (!target->away().empty()) s.numeric(num::kAway, target->nick(), target->away());
      return;
    case Chat::InviteResult::kNotInRoom:
      return s.numeric(num::kNotOnChannel, room->name(), "You're not on that channel");
    case Chat::InviteResult::kNotOperator:
      return s.numeric(num::kChanOpPrivsNeeded, room->name(), "You're not channel operator");
    case Chat::InviteResult::kAlreadyThere:
      return s.numeric(num::kUserOnChannel, fmt::format("{} {}", target->nick(), room->name()),
                       "is already on channel");
  }
}

// NAMES without a room answers only its end, as most servers do: listing every
// room's members would be the whole server.
void names(IrcSession& s, const IrcMessage& m) {
  if (m.param_count == 0) return s.send_paged(end_of_names("*"));
  const std::string_view name = m.arg(0).substr(0, m.arg(0).find(','));
  const Room* room = s.chat().find_room(name);
  if (room == nullptr || !Chat::is_visible(*room, s)) {
    return s.send_paged(end_of_names(echoed(name)));
  }
  s.send_paged(names_reply(s, *room));
}

void list(IrcSession& s, const IrcMessage& m) {
  std::vector<std::string> wanted;
  for (std::string_view name : items(m.arg(0))) {
    if (!name.empty()) wanted.emplace_back(name);
  }
  s.send_paged(list_reply(s, wanted));
}

}  // namespace chatd::irc
