// Chat: users coming and going, joins and parts, and what is said.
#include "daemon/chat/chat.h"

#include <algorithm>
#include <cassert>
#include <chrono>

#include "daemon/chat/mask.h"
#include "daemon/chat/names.h"
#include "daemon/chat/render_cache.h"

namespace chatd {
namespace {
constexpr std::uint64_t kNickChangeIntervalMs = 10000;
constexpr std::uint64_t kNickChangeBurst = 3;
}  // namespace

std::int64_t Chat::wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Event Chat::event_by(Event::Kind kind, const User& u) const {
  Event e;
  e.kind = kind;
  e.actor = &u;
  e.nick = u.nick();
  e.ident = u.ident();
  e.host = u.host();
  e.time_ms = wall_ms();
  return e;
}

Chat::NickCheck Chat::check_nick(std::string_view nick, const User* asking) const {
  if (!is_valid_nick(nick)) return NickCheck::kInvalid;
  const User* holder = nicks_.find(nick);
  if (holder == nullptr || holder == asking) return NickCheck::kFree;
  return is_local(*holder) ? NickCheck::kTaken : NickCheck::kHeldRemotely;
}

std::string Chat::guest_nick() {
  return nicks_.next_guest_nick();
}

void Chat::enter(User& u, std::string_view nick) {
  [[maybe_unused]] const bool claimed = nicks_.claim(nick, u);
  assert(claimed || !is_local(u));
  u.nick_ = nick;
  if (free_slots_.empty()) {
    u.handle_slot_ = static_cast<std::uint32_t>(users_.size());
    users_.push_back({&u, 0});
  } else {
    u.handle_slot_ = free_slots_.back();
    free_slots_.pop_back();
    users_[u.handle_slot_].user = &u;
  }
  if (ChatObserver* o = observer_for(u)) o->on_entered(u);
}

bool Chat::contains(const User& u) const {
  return u.handle_slot_ < users_.size() && users_[u.handle_slot_].user == &u;
}

void Chat::leave(User& u, std::string_view reason, bool server_reason, bool announce) {
  flush_said();
  assert(contains(u));
  if (ChatObserver* o = observer_for(u)) o->on_left(u, reason, server_reason);
  if (announce) announce_quit(u, reason, server_reason);
  drop_memberships(u);
  forget_user(u);
}

void Chat::announce_quit(User& u, std::string_view reason, bool server_reason) {
  if (u.rooms_.empty()) return;
  Event e = event_by(Event::Kind::kQuit, u);
  e.text = reason;
  e.server_reason = server_reason;
  RenderCache cache(e);
  for_each_neighbour(
      u, [&](User& n) { n.deliver(cache); }, Reach::kAnnouncement);
}

void Chat::drop_memberships(User& u) {
  while (!u.rooms_.empty())
    remove_member(u, *u.rooms_.back().room);
}

void Chat::forget_user(User& u) {
  nicks_.release(u.nick_, u);
  UserSlot& slot = users_[u.handle_slot_];
  slot.user = nullptr;
  ++slot.generation;
  free_slots_.push_back(u.handle_slot_);
}

UserHandle Chat::handle_of(const User& u) const {
  return {u.handle_slot_, users_[u.handle_slot_].generation};
}

User* Chat::resolve(UserHandle h) const {
  if (h.slot >= users_.size() || users_[h.slot].generation != h.generation) return nullptr;
  return users_[h.slot].user;
}

bool Chat::is_visible(const Room& room, const User& asking) {
  return !room.modes().has(RoomModes::kSecret) || asking.in_room(room);
}

void Chat::announce(const Room& r, RenderCache& cache) const {
  if (is_quiet_for_plain(r)) {
    r.broadcast(cache, Protocol::kIrc);
  } else {
    r.broadcast(cache);
  }
}

void Chat::add_member(User& u, Room& r) {
  r.add(u, r.size() == 0 ? kOperator : 0);
}

void Chat::remove_member(User& u, Room& r) {
  r.remove(u);
  if (r.size() == 0) rooms_.erase(r);
}

Membership* Chat::membership_of(User& u, const Room& r) {
  for (Membership& m : u.rooms_) {
    if (m.room == &r) return &m;
  }
  return nullptr;
}

// Server operators go through bans, keys, limits and invitations.
Chat::JoinResult Chat::admit(const User& u, const Room& r, std::string_view key) const {
  if (u.is_oper()) return JoinResult::kJoined;
  const RoomModes& modes = r.modes();
  if (modes.is_banned(full_mask(u))) return JoinResult::kBanned;
  if (!modes.key().empty() && key != modes.key()) return JoinResult::kBadKey;
  if (modes.limit() != 0 && r.size() >= modes.limit()) return JoinResult::kFull;
  return JoinResult::kJoined;
}

Chat::JoinResult Chat::join(User& u, std::string_view name, std::string_view key, Room** joined) {
  flush_said();
  if (!is_valid_room_name(name)) return JoinResult::kInvalidName;
  Room* room = rooms_.find(name);
  if (room != nullptr && u.in_room(*room)) {
    if (joined != nullptr) *joined = room;
    return JoinResult::kAlreadyThere;
  }
  const bool plain = u.protocol() == Protocol::kPlain;
  if (!plain && u.rooms_.size() >= settings_.irc_max_rooms) return JoinResult::kTooManyRooms;
  if (room != nullptr) {
    if (const JoinResult r = admit(u, *room, key); r != JoinResult::kJoined) return r;
    if (room->modes().has(RoomModes::kInviteOnly) && !u.is_oper() &&
        !room->modes_.take_invite(handle_of(u))) {
      return JoinResult::kInviteOnly;
    }
  }
  if (plain && !u.rooms_.empty()) part(u, u.rooms_.front().room->name(), {});
  if (room == nullptr) room = &rooms_.create(name, wall_seconds());
  add_member(u, *room);
  Event e = event_by(Event::Kind::kJoin, u);
  e.target = room->name();
  e.to_room = true;
  e.arg = u.realname();
  RenderCache cache(e);
  announce(*room, cache);
  if (ChatObserver* o = observer_for(u)) o->on_joined(u, *room);
  if (joined != nullptr) *joined = room;
  return JoinResult::kJoined;
}

// The member hears its own part too (IRC shows it); it leaves after the event.
Chat::PartResult Chat::part(User& u, std::string_view name, std::string_view reason) {
  flush_said();
  Room* room = rooms_.find(name);
  if (room == nullptr) return PartResult::kNoSuchRoom;
  if (!u.in_room(*room)) return PartResult::kNotInRoom;
  Event e = event_by(Event::Kind::kPart, u);
  e.target = room->name();
  e.to_room = true;
  e.text = reason;
  RenderCache cache(e);
  announce(*room, cache);
  const std::string room_name = room->name();
  remove_member(u, *room);
  if (ChatObserver* o = observer_for(u)) o->on_parted(u, room_name, reason, rooms_.find(room_name));
  return PartResult::kParted;
}

Chat::SayResult Chat::may_say(const User& u, const Room& r) const {
  const bool member = u.in_room(r);
  if (!member && r.modes().has(RoomModes::kNoExternal)) return SayResult::kNotInRoom;
  if (u.status_in(r) == 0 && !u.is_oper()) {
    if (r.modes().has(RoomModes::kModerated)) return SayResult::kModerated;
    if (!r.modes().bans().empty() && r.modes().is_banned(full_mask(u))) return SayResult::kBanned;
  }
  return SayResult::kSent;
}

void Chat::relay_said(User& u, Room& r, Event& e, std::size_t lines) {
  e.target = r.name();
  e.to_room = true;
  RenderCache cache(e);
  r.broadcast(cache);
  if (!u.in_room(r)) u.deliver(cache);  // the echo, for a front end that shows one
  keep_in_history(r, cache, lines);
  if (ChatObserver* o = observer_for(u)) o->on_said(e, r);
  fanout_.record(static_cast<double>(r.size()));
  u.last_spoke_ = e.time_ms / 1000;
  messages_relayed_ += lines;
}

// What people say is kept; CTCP requests and bare tags are not.
void Chat::keep_in_history(Room& r, RenderCache& cache, std::size_t lines) {
  if (!history_.enabled() || history_renderers_.plain == nullptr) return;
  const Event::Kind k = cache.event().kind;
  if (k != Event::Kind::kMessage && k != Event::Kind::kNotice && k != Event::Kind::kAction) return;
  r.history().record(cache.event().time_ms, static_cast<std::uint32_t>(lines),
                     history_renderers_.plain(cache), history_renderers_.irc(cache));
}

Chat::SayResult Chat::say(User& u, Room& r, Event::Kind kind, std::string_view text,
                          std::string_view client_tags) {
  assert(is_said(kind));
  flush_said();
  if (const SayResult ok = may_say(u, r); ok != SayResult::kSent) return ok;
  Event e = event_by(kind, u);
  e.text = text;
  e.client_tags = client_tags;
  relay_said(u, r, e, 1);
  return SayResult::kSent;
}

// Nothing can change between a say_later() and its flush that would change
// may_say(): any other change to the chat flushes first.
Chat::SayResult Chat::say_later(User& u, Room& r, Event::Kind kind, std::string_view text) {
  assert(is_said(kind) && kind != Event::Kind::kTagMsg);
  constexpr std::size_t kMaxLines = 512;
  constexpr std::size_t kMaxBytes = std::size_t{64} * 1024;
  const bool joins = pending_.user == &u && pending_.room == &r && pending_.kind == kind &&
                     pending_.spans.size() < kMaxLines &&
                     pending_.text.size() + text.size() <= kMaxBytes;
  if (!joins) flush_said();
  if (const SayResult ok = may_say(u, r); ok != SayResult::kSent) return ok;
  pending_.user = &u;
  pending_.room = &r;
  pending_.kind = kind;
  const auto begin = static_cast<std::uint32_t>(pending_.text.size());
  pending_.text.append(text);
  pending_.spans.emplace_back(begin, static_cast<std::uint32_t>(pending_.text.size()));
  return SayResult::kSent;
}

void Chat::flush_said() {
  if (pending_.user == nullptr) return;
  std::vector<std::string_view> lines;
  lines.reserve(pending_.spans.size());
  for (const auto& [begin, end] : pending_.spans)
    lines.emplace_back(pending_.text.data() + begin, end - begin);
  Event e = event_by(pending_.kind, *pending_.user);
  e.lines = lines;
  User& u = *pending_.user;
  Room& r = *pending_.room;
  pending_.user = nullptr;
  pending_.room = nullptr;
  relay_said(u, r, e, lines.size());
  pending_.text.clear();
  pending_.spans.clear();
}

void Chat::tell(User& from, User& to, Event::Kind kind, std::string_view text,
                std::string_view client_tags) {
  assert(is_said(kind));
  flush_said();
  Event e = event_by(kind, from);
  e.target = to.nick();
  e.subject = &to;
  e.text = text;
  e.client_tags = client_tags;
  RenderCache cache(e);
  to.deliver(cache);
  if (&to != &from) from.deliver(cache);
  from.last_spoke_ = e.time_ms / 1000;
}

Chat::RenameResult Chat::check_rename(const User& u, std::string_view nick,
                                      std::uint64_t now_ms) const {
  if (nick == u.nick_) return RenameResult::kUnchanged;
  if (!is_valid_nick(nick)) return RenameResult::kInvalid;
  const bool case_only = fold_case(nick) == fold_case(u.nick_);
  const User* holder = case_only ? nullptr : nicks_.find(nick);
  if (holder != nullptr && is_local(*holder)) return RenameResult::kTaken;
  // A burst of 3 changes, then one every 10 s: each change moves the due time on
  // by 10 s, and a change may come at most 20 s before it is due.
  const std::uint64_t due = std::max(u.next_nick_change_ms_, now_ms);
  if (due - now_ms > (kNickChangeBurst - 1) * kNickChangeIntervalMs) return RenameResult::kTooFast;
  return holder != nullptr ? RenameResult::kHeldRemotely : RenameResult::kRenamed;
}

// A nick another node's user held (kHeldRemotely) is taken over: the caller
// has had the cluster's word that it is free.
Chat::RenameResult Chat::rename(User& u, std::string_view nick, std::uint64_t now_ms) {
  flush_said();
  const RenameResult check = check_rename(u, nick, now_ms);
  if (check != RenameResult::kRenamed && check != RenameResult::kHeldRemotely) return check;
  u.next_nick_change_ms_ = std::max(u.next_nick_change_ms_, now_ms) + kNickChangeIntervalMs;
  apply_rename(u, nick);
  return RenameResult::kRenamed;
}

void Chat::rename_by_server(User& u, std::string_view nick) {
  flush_said();
  apply_rename(u, nick);
}

void Chat::apply_rename(User& u, std::string_view nick) {
  if (fold_case(nick) != fold_case(u.nick_)) {
    nicks_.claim(nick, u);
    nicks_.release(u.nick_, u);
  }
  Event e = event_by(Event::Kind::kNick, u);
  e.text = nick;
  RenderCache cache(e);
  u.deliver(cache);
  for_each_neighbour(
      u, [&](User& n) { n.deliver(cache); }, Reach::kAnnouncement);
  // The registry key of a case-only change is the same; the shown nick changes.
  const std::string old_nick = std::exchange(u.nick_, std::string(nick));
  if (ChatObserver* o = observer_for(u)) o->on_renamed(u, old_nick);
}

std::uint64_t Chat::seconds_until_rename(const User& u, std::uint64_t now_ms) const {
  const std::uint64_t allowed_from =
      u.next_nick_change_ms_ -
      std::min(u.next_nick_change_ms_, (kNickChangeBurst - 1) * kNickChangeIntervalMs);
  return allowed_from > now_ms ? (allowed_from - now_ms + 999) / 1000 : 0;
}

void Chat::set_away(User& u, std::string_view text) {
  flush_said();
  if (u.away() == text) return;
  apply_away(u, text);
  if (ChatObserver* o = observer_for(u)) o->on_away(u);
}

void Chat::apply_away(User& u, std::string_view text) {
  if (text.empty()) {
    u.away_.reset();
  } else {
    u.away_ = std::make_unique<std::string>(text);
  }
  Event e = event_by(Event::Kind::kAway, u);
  e.text = u.away();
  RenderCache cache(e);
  for_each_neighbour(u, [&](User& n) { n.deliver(cache); });
}

void Chat::set_realname(User& u, std::string_view realname) {
  flush_said();
  u.realname_ = realname;
  Event e = event_by(Event::Kind::kSetname, u);
  e.text = u.realname_;
  RenderCache cache(e);
  u.deliver(cache);
  for_each_neighbour(u, [&](User& n) { n.deliver(cache); });
}

Chat::TopicResult Chat::set_topic(User& u, Room& r, std::string_view text) {
  flush_said();
  if (!u.in_room(r)) return TopicResult::kNotInRoom;
  if (r.modes().has(RoomModes::kTopicLock) && !u.may_moderate(r)) {
    return TopicResult::kNotOperator;
  }
  apply_topic(u, r, text, wall_seconds());
  if (ChatObserver* o = observer_for(u)) o->on_topic(u, r);
  return TopicResult::kSet;
}

void Chat::apply_topic(User& u, Room& r, std::string_view text, std::int64_t set_at) {
  r.topic_ = {std::string(text), u.nick_, set_at};
  Event e = event_by(Event::Kind::kTopic, u);
  e.target = r.name();
  e.to_room = true;
  e.text = r.topic_.text;
  RenderCache cache(e);
  r.broadcast(cache);
}

Chat::KickResult Chat::kick(User& u, Room& r, std::string_view nick, std::string_view reason) {
  flush_said();
  if (!u.in_room(r)) return KickResult::kNotInRoom;
  if (!u.may_moderate(r)) return KickResult::kNotOperator;
  User* target = nicks_.find(nick);
  if (target == nullptr) return KickResult::kNoSuchNick;
  if (!target->in_room(r)) return KickResult::kTargetNotInRoom;
  const std::string room = r.name();
  apply_kick(u, r, *target, reason);
  if (ChatObserver* o = observer_for(u)) o->on_kicked(u, room, *target, reason);
  return KickResult::kKicked;
}

// `r` may be gone afterwards: the target may have been its last member.
void Chat::apply_kick(User& u, Room& r, User& target, std::string_view reason) {
  Event e = event_by(Event::Kind::kKick, u);
  e.target = r.name();
  e.to_room = true;
  e.subject = &target;
  e.arg = target.nick();
  e.text = reason;
  RenderCache cache(e);
  r.broadcast(cache);
  remove_member(target, r);
}

Chat::InviteResult Chat::invite(User& u, Room& r, User& target) {
  flush_said();
  if (!u.in_room(r)) return InviteResult::kNotInRoom;
  if (target.in_room(r)) return InviteResult::kAlreadyThere;
  if (r.modes().has(RoomModes::kInviteOnly) && !u.may_moderate(r)) {
    return InviteResult::kNotOperator;
  }
  apply_invite(u, r, target);
  return InviteResult::kInvited;
}

// Another node's user hears of it from its own node (RemoteUser::deliver).
void Chat::apply_invite(User& u, Room& r, User& target) {
  r.modes_.invite(handle_of(target));
  Event e = event_by(Event::Kind::kInvite, u);
  e.target = r.name();
  e.subject = &target;
  e.arg = target.nick();
  RenderCache cache(e);
  target.deliver(cache);
}

}  // namespace chatd
