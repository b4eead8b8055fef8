// Chat: applying what other nodes' users did. Their node checked it (bans,
// keys, limits, floods) and told its own members; this node only shows it to
// its members and keeps its picture of the cluster's rooms and nicks current.
#include <cassert>

#include "daemon/chat/chat.h"
#include "daemon/chat/names.h"
#include "daemon/chat/render_cache.h"

namespace chatd {

void Chat::enter_remote(User& u, std::string_view nick) {
  assert(!is_local(u));
  enter(u, nick);
}

void Chat::leave_remote(User& u, std::string_view reason, bool server_reason) {
  flush_said();
  announce_quit(u, reason, server_reason);
  drop_memberships(u);
  forget_user(u);
}

void Chat::join_remote(User& u, std::string_view name, std::uint8_t status,
                       std::int64_t created_at) {
  flush_said();
  Room* room = rooms_.find(name);
  if (room != nullptr && u.in_room(*room)) return;
  if (room == nullptr) room = &rooms_.create(name, created_at);
  room->add(u, status);
  Event e = event_by(Event::Kind::kJoin, u);
  e.target = room->name();
  e.to_room = true;
  e.arg = u.realname();
  RenderCache cache(e);
  announce(*room, cache);
}

void Chat::part_remote(User& u, Room& r, std::string_view reason) {
  flush_said();
  if (!u.in_room(r)) return;
  Event e = event_by(Event::Kind::kPart, u);
  e.target = r.name();
  e.to_room = true;
  e.text = reason;
  RenderCache cache(e);
  announce(r, cache);
  remove_member(u, r);
}

void Chat::say_remote(User& u, Room& r, Event::Kind kind, std::span<const std::string_view> lines,
                      std::string_view client_tags, std::int64_t time_ms) {
  flush_said();
  Event e = event_by(kind, u);
  e.time_ms = time_ms;
  e.client_tags = client_tags;
  if (lines.size() == 1) {
    e.text = lines.front();
  } else {
    e.lines = lines;
  }
  relay_said(u, r, e, lines.size());
}

void Chat::remember_said(Room& r, Event::Kind kind, const Speaker& by,
                         std::span<const std::string_view> lines, std::int64_t time_ms) {
  Event e;
  e.kind = kind;
  e.nick = by.nick;
  e.ident = by.ident;
  e.host = by.host;
  e.time_ms = time_ms;
  e.target = r.name();
  e.to_room = true;
  if (lines.size() == 1) {
    e.text = lines.front();
  } else {
    e.lines = lines;
  }
  RenderCache cache(e);
  keep_in_history(r, cache, lines.size());
}

void Chat::tell_remote(User& from, User& to, Event::Kind kind, std::string_view text,
                       std::string_view client_tags, std::int64_t time_ms) {
  flush_said();
  Event e = event_by(kind, from);
  e.time_ms = time_ms;
  e.target = to.nick();
  e.subject = &to;
  e.text = text;
  e.client_tags = client_tags;
  RenderCache cache(e);
  to.deliver(cache);
}

void Chat::rename_remote(User& u, std::string_view nick) {
  flush_said();
  if (fold_case(nick) != fold_case(u.nick_)) {
    nicks_.release(u.nick_, u);
    nicks_.claim(nick, u);
  }
  Event e = event_by(Event::Kind::kNick, u);
  e.text = nick;
  RenderCache cache(e);
  for_each_neighbour(
      u, [&](User& n) { n.deliver(cache); }, Reach::kAnnouncement);
  u.nick_ = nick;
}

void Chat::set_away_remote(User& u, std::string_view text) {
  flush_said();
  apply_away(u, text);
}

void Chat::set_topic_remote(User& u, Room& r, std::string_view text, std::int64_t set_at) {
  flush_said();
  apply_topic(u, r, text, set_at);
}

void Chat::kick_remote(User& u, Room& r, User& target, std::string_view reason) {
  flush_said();
  if (target.in_room(r)) apply_kick(u, r, target, reason);
}

void Chat::invite_remote(User& from, Room& r, User& to) {
  flush_said();
  if (!to.in_room(r)) apply_invite(from, r, to);
}

void Chat::merge_room_remote(Room& r, std::int64_t created_at, const RoomModes& modes,
                             const Topic& topic) {
  if (created_at < r.created_at_) {
    r.created_at_ = created_at;
    r.modes_.adopt_settings(modes);
  }
  if (topic.set_at > r.topic_.set_at) r.topic_ = topic;
}

}  // namespace chatd
