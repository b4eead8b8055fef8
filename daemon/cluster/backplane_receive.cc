// Backplane: what other nodes publish, applied to this node's picture of the
// cluster and shown to its own users.
#include <spdlog/spdlog.h>

#include <limits>
#include <unordered_set>

#include "daemon/chat/chat.h"
#include "daemon/chat/names.h"
#include "daemon/chat/room.h"
#include "daemon/cluster/backplane.h"
#include "reactor/loop.h"

namespace chatd::cluster {
namespace {
std::string tags_of(std::string_view field) {
  return unescape_text(field);
}
}  // namespace

void Backplane::on_message(std::string_view channel, std::string_view bytes) {
  if (hold_while_loading(channel, bytes)) return;
  const std::optional<Envelope> e = parse_envelope(bytes);
  if (!e) {
    spdlog::warn("cluster: ignored a message on {} that is not a chatd envelope", channel);
    return;
  }
  if (e->origin == node_id_) {
    if (e->kind == "beat") last_own_beat_ms_ = loop_.now_ms();
    return;
  }
  ++stats_.received;
  if (!in_sequence(channel, *e)) return;
  apply(channel, *e);
}

// Lines from one origin on one channel arrive in order; a gap is what Redis
// dropped (a node cut off as a slow subscriber, a publish while isolated).
bool Backplane::in_sequence(std::string_view channel, const Envelope& e) {
  auto& by_origin = last_seq_[std::string(channel)];
  const auto [it, first] = by_origin.try_emplace(std::string(e.origin), e.seq);
  if (first) return true;
  std::uint64_t& last = it->second;
  if (e.seq <= last) {
    ++stats_.duplicates;
    return false;
  }
  const std::uint64_t missed = e.seq - last - 1;
  last = e.seq;
  if (missed == 0) return true;
  stats_.lost += missed;
  spdlog::warn("cluster: {} messages from node {} on {} were lost", missed, e.origin, channel);
  const std::string_view room = names_.room_of(channel);
  if (!room.empty()) {
    if (const Room* r = chat_.find_room(room)) {
      const std::string text = fmt::format("{} {} from another server in {} did not arrive", missed,
                                           missed == 1 ? "message" : "messages", r->name());
      r->for_each_seat([&](const Seat& s) {
        if (s.user->protocol() != Protocol::kRemote) host_.notify(*s.user, text);
      });
    }
  } else {
    // A lost join, part or rename: ask that node for its users again.
    const std::string to = names_.inbox(std::string(e.origin));
    publish(to, envelope(to, "hello").finish());
  }
  return true;
}

Backplane::Peer& Backplane::peer(std::string_view id) {
  const auto [it, added] = peers_.try_emplace(std::string(id));
  Peer& p = it->second;
  if (added) {
    p.id = it->first;
    spdlog::info("cluster: node {} is up", id);
  }
  p.last_heard_ms = loop_.now_ms();
  return p;
}

RemoteUser* Backplane::remote_user(std::string_view node, std::string_view uid) {
  const auto p = peers_.find(std::string(node));
  std::uint64_t n = 0;
  if (p == peers_.end() || !parse_number(uid, n)) return nullptr;
  const auto u = p->second.users.find(n);
  return u == p->second.users.end() ? nullptr : u->second.get();
}

void Backplane::apply(std::string_view channel, const Envelope& e) {
  const bool known = peers_.contains(std::string(e.origin));
  Peer& p = peer(e.origin);
  const std::string_view kind = e.kind;
  if (kind == "bye") {
    spdlog::info("cluster: node {} has shut down", e.origin);
    return drop_peer(p.id, "server shut down");
  }
  if (kind == "hello") return publish_state(names_.inbox(std::string(e.origin)));
  if (kind == "state") return apply_state(p, e.payload);
  // A node first heard from mid-stream: ask for everything it has.
  if (!known && kind != "user") {
    const std::string to = names_.inbox(p.id);
    publish(to, envelope(to, "hello").finish());
  }
  if (kind == "beat") return;
  if (kind == "save") return apply_save(e);
  if (kind == "ban") return apply_ban(e.payload);
  if (kind == "unban") {
    try {
      host_.unban_here(reactor::parse_cidr(e.field(0)));
    } catch (const std::invalid_argument&) {
      spdlog::warn("cluster: ignored the lifting of a server ban with a bad mask");
    }
    return;
  }
  if (kind == "user") {
    apply_user_record(p, e.payload, false);
    return;
  }
  RemoteUser* u = remote_user(e.origin, e.field(0));
  if (u == nullptr) return;
  if (kind == "quit") {
    std::uint64_t uid = 0;
    parse_number(e.field(0), uid);
    return drop_remote_user(p, uid, unescape_text(e.field(2)), e.field(1) == "1");
  }
  if (kind == "join") {
    unsigned status = 0;
    std::int64_t created = Chat::wall_seconds();
    parse_number(e.field(2), status);
    parse_number(e.field(3), created);
    if (is_valid_room_name(e.field(1))) {
      chat_.join_remote(*u, e.field(1), static_cast<std::uint8_t>(status & 3), created);
    }
    return;
  }
  if (kind == "part") {
    if (Room* r = chat_.find_room(e.field(1))) chat_.part_remote(*u, *r, unescape_text(e.field(2)));
    return;
  }
  if (kind == "nick") {
    if (is_valid_nick(e.field(1))) chat_.rename_remote(*u, e.field(1));
    return;
  }
  if (kind == "away") return chat_.set_away_remote(*u, unescape_text(e.field(1)));
  if (kind == "said") return apply_said(*u, e);
  if (kind == "pm") return apply_private(*u, e);
  if (kind == "kick") return apply_kick(*u, e);
  if (kind == "invite") return apply_invite(*u, e);
  if (kind == "kill") return apply_kill(*u, e);
  if (kind == "oper") return u->set_oper(unescape_text(e.field(1)));
  Room* r = chat_.find_room(e.field(1));
  if (r == nullptr) return;
  if (kind == "topic") {
    std::int64_t set_at = 0;
    if (parse_number(e.field(2), set_at)) {
      chat_.set_topic_remote(*u, *r, unescape_text(e.field(3)), set_at);
    }
    return;
  }
  if (kind == "mode") return chat_.change_modes_remote(*u, *r, unescape_text(e.field(2)));
  spdlog::debug("cluster: ignored a '{}' from node {} on {}", kind, e.origin, channel);
}

// "<uid> <nick> <ident> <host> <signon> <flags> <realname> <away> <oper> [rooms]"
RemoteUser* Backplane::apply_user_record(Peer& p, std::string_view record, bool with_rooms) {
  std::string_view rest = record;
  std::uint64_t uid = 0;
  std::int64_t signon = 0;
  unsigned flags = 0;
  const std::string_view uid_text = take_word(rest);
  const std::string_view nick = take_word(rest);
  const std::string_view ident = take_word(rest);
  const std::string_view host = take_word(rest);
  const std::string_view signon_text = take_word(rest);
  const std::string_view flags_text = take_word(rest);
  const std::string realname = unescape_text(take_word(rest));
  const std::string away = unescape_text(take_word(rest));
  const std::string oper = unescape_text(take_word(rest));
  std::string_view rooms = take_word(rest);
  if (!parse_number(uid_text, uid) || !is_valid_nick(nick) || ident.empty() || host.empty() ||
      !parse_number(signon_text, signon) || !parse_number(flags_text, flags)) {
    spdlog::warn("cluster: ignored a malformed user record from node {}", p.id);
    return nullptr;
  }
  auto& slot = p.users[uid];
  if (!slot) {
    slot = std::make_unique<RemoteUser>(*this, p.id, uid, std::string(ident), std::string(host),
                                        realname, signon);
    slot->set_secure((flags & 1) != 0);
    slot->set_invisible((flags & 2) != 0);
    if (!oper.empty()) slot->set_oper(oper);
    chat_.enter_remote(*slot, nick);
  } else if (slot->nick() != nick) {
    chat_.rename_remote(*slot, nick);
  }
  RemoteUser& u = *slot;
  if (u.away() != away) chat_.set_away_remote(u, away);
  if (!with_rooms) return &u;
  std::unordered_set<std::string> listed;
  while (!rooms.empty() && rooms != "-") {
    const auto comma = rooms.find(',');
    const std::string_view item = rooms.substr(0, comma);
    rooms = comma == std::string_view::npos ? std::string_view() : rooms.substr(comma + 1);
    if (item.size() < 2 || !is_valid_room_name(item.substr(1))) continue;
    listed.insert(fold_case(item.substr(1)));
    // A room new here takes its creation time (and modes) from the room
    // record that follows the users in the same state.
    chat_.join_remote(u, item.substr(1), static_cast<std::uint8_t>((item[0] - '0') & 3),
                      std::numeric_limits<std::int64_t>::max());
  }
  std::vector<Room*> gone;
  for (const Membership& m : u.memberships()) {
    if (!listed.contains(fold_case(m.room->name()))) gone.push_back(m.room);
  }
  for (Room* r : gone)
    chat_.part_remote(u, *r, {});
  return &u;
}

// A node's whole list of users: what this node knew of it is brought up to
// date, joins and parts it missed shown as such.
void Backplane::apply_state(Peer& p, std::string_view records) {
  std::unordered_set<std::uint64_t> listed;
  while (!records.empty()) {
    const auto newline = records.find('\n');
    const std::string_view record = records.substr(0, newline);
    records = newline == std::string_view::npos ? std::string_view() : records.substr(newline + 1);
    if (record.starts_with('#')) {
      apply_room_record(record);
      continue;
    }
    if (const RemoteUser* u = apply_user_record(p, record, true)) listed.insert(u->uid());
  }
  std::vector<std::uint64_t> gone;
  for (const auto& [uid, u] : p.users) {
    if (!listed.contains(uid)) gone.push_back(uid);
  }
  for (const std::uint64_t uid : gone)
    drop_remote_user(p, uid, {}, false);
}

// "said <uid> <room> <kind> <time ms> <client tags>", the lines as payload.
void Backplane::apply_said(RemoteUser& from, const Envelope& e) {
  const std::optional<Event::Kind> kind = said_kind(e.field(2));
  std::int64_t time_ms = 0;
  Room* r = chat_.find_room(e.field(1));
  if (!kind || r == nullptr || !parse_number(e.field(3), time_ms)) return;
  std::vector<std::string_view> lines;
  split_said_lines(e.payload, lines);
  const std::string tags = tags_of(e.field(4));
  chat_.say_remote(from, *r, *kind, lines, tags, time_ms);
}

// "pm <from uid> <to uid> <kind> <time ms> <client tags>", the text as payload.
void Backplane::apply_private(RemoteUser& from, const Envelope& e) {
  const std::optional<Event::Kind> kind = said_kind(e.field(2));
  std::uint64_t to_uid = 0;
  std::int64_t time_ms = 0;
  if (!kind || !parse_number(e.field(1), to_uid) || !parse_number(e.field(3), time_ms)) return;
  User* to = chat_.resolve(
      {static_cast<std::uint32_t>(to_uid >> 32), static_cast<std::uint32_t>(to_uid & 0xffffffffu)});
  if (to == nullptr || to->protocol() == Protocol::kRemote) return;  // gone since
  const std::string tags = tags_of(e.field(4));
  chat_.tell_remote(from, *to, *kind, e.payload, tags, time_ms);
}

void Backplane::drop_remote_user(Peer& p, std::uint64_t uid, std::string_view reason,
                                 bool server_reason) {
  const auto it = p.users.find(uid);
  if (it == p.users.end()) return;
  chat_.leave_remote(*it->second, reason, server_reason);
  p.users.erase(it);
}

void Backplane::drop_peer(const std::string& id, std::string_view reason) {
  const auto it = peers_.find(id);
  if (it == peers_.end()) return;
  Peer& p = it->second;
  while (!p.users.empty())
    drop_remote_user(p, p.users.begin()->first, reason, true);
  for (auto& [channel, by_origin] : last_seq_)
    by_origin.erase(id);
  peers_.erase(it);
}

User* Backplane::user_at(std::string_view node, std::string_view uid) {
  if (node != node_id_) return remote_user(node, uid);
  std::uint64_t n = 0;
  if (!parse_number(uid, n)) return nullptr;
  User* u = chat_.resolve(
      {static_cast<std::uint32_t>(n >> 32), static_cast<std::uint32_t>(n & 0xffffffffu)});
  return u != nullptr && u->protocol() != Protocol::kRemote ? u : nullptr;
}

// "kick <uid> <room> <target node> <target uid> <reason>": every node removes
// the target from its copy of the room; the target's own node tells it.
void Backplane::apply_kick(RemoteUser& by, const Envelope& e) {
  Room* r = chat_.find_room(e.field(1));
  User* target = user_at(e.field(2), e.field(3));
  if (r == nullptr || target == nullptr) return;
  const std::string room = r->name();
  chat_.kick_remote(by, *r, *target, unescape_text(e.field(4)));
  update_subscription(room);
}

// "invite <from uid> <to uid> <room>", to the invited user's node.
void Backplane::apply_invite(RemoteUser& from, const Envelope& e) {
  Room* r = chat_.find_room(e.field(2));
  User* to = user_at(node_id_, e.field(1));
  if (r != nullptr && to != nullptr) chat_.invite_remote(from, *r, *to);
}

// "<room> <created> <flags> <key> <limit> <topic set at> <by> <topic> <bans>"
void Backplane::apply_room_record(std::string_view record) {
  std::string_view rest = record;
  const std::string_view name = take_word(rest);
  std::int64_t created = 0;
  std::int64_t topic_at = 0;
  std::uint32_t limit = 0;
  const std::string_view created_text = take_word(rest);
  const std::string_view flags = take_word(rest);
  const std::string key = unescape_text(take_word(rest));
  const std::string_view limit_text = take_word(rest);
  const std::string_view topic_at_text = take_word(rest);
  Topic topic{{}, unescape_text(take_word(rest)), 0};
  topic.text = unescape_text(take_word(rest));
  const std::string bans = unescape_text(take_word(rest));
  Room* r = chat_.find_room(name);
  if (r == nullptr || !parse_number(created_text, created) || !parse_number(limit_text, limit) ||
      !parse_number(topic_at_text, topic_at)) {
    return;
  }
  topic.set_at = topic_at;
  RoomModes modes;
  for (const char letter : std::string_view("tnmis")) {
    if (const auto f = RoomModes::flag_of(letter)) {
      modes.set(*f, flags.find(letter) != std::string_view::npos);
    }
  }
  modes.set_key(key);
  modes.set_limit(limit);
  for (std::string_view list = bans; !list.empty();) {
    const std::string_view mask = take_word(list);
    const std::string_view by = take_word(list);
    std::int64_t at = 0;
    if (!parse_number(take_word(list), at) || mask.empty()) break;
    modes.add_ban({std::string(mask), std::string(by), at});
  }
  chat_.merge_room_remote(*r, created, modes, topic);
}

}  // namespace chatd::cluster
