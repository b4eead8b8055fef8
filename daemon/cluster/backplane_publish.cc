// Backplane: what this node's users do, told to the other nodes. Each change
// is one envelope; a room line is one PUBLISH to the room's channel (or one
// script that also keeps it in the room's history), its block queued behind a
// small RESP header without being copied.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>

#include "daemon/chat/chat.h"
#include "daemon/chat/names.h"
#include "daemon/chat/room.h"
#include "daemon/cluster/backplane.h"
#include "reactor/redis/resp_command.h"

namespace chatd::cluster {
namespace {
// Past this much unsent output (a stalled Redis) publishes are dropped, and the
// reply deadline closes the link soon after.
constexpr std::size_t kMaxQueuedBytes = std::size_t{8} << 20;

std::uint8_t flags_of(const User& u) {
  return static_cast<std::uint8_t>((u.secure() ? 1 : 0) | (u.invisible() ? 2 : 0));
}
}  // namespace

std::uint64_t Backplane::uid_of(const User& u) const {
  const UserHandle h = chat_.handle_of(u);
  return (std::uint64_t{h.slot} << 32) | h.generation;
}

EnvelopeWriter Backplane::envelope(const std::string& channel, std::string_view kind) {
  return EnvelopeWriter(node_id_, ++next_seq_[channel], kind);
}

bool Backplane::can_publish() {
  if (commands_.is_up() && commands_.queued_bytes() <= kMaxQueuedBytes) {
    ++stats_.published;
    return true;
  }
  if (stats_.publish_dropped++ % 10000 == 0) {
    spdlog::warn("cluster: {} messages to other nodes dropped so far (Redis {})",
                 stats_.publish_dropped, commands_.is_up() ? "is slow" : "is unreachable");
  }
  return false;
}

void Backplane::publish(const std::string& channel, const reactor::MessageRef& envelope) {
  if (!can_publish()) return;
  const auto blocks = reactor::resp_publish(channel, envelope);
  commands_.send(blocks);
}

// When rooms keep history, a room line is also added to the room's stream, by
// the kSay script (its body until SCRIPT LOAD has answered); the envelope is
// still queued by reference.
void Backplane::publish_said(const Room& r, const std::string& channel,
                             const reactor::MessageRef& envelope, const User& sender) {
  if (!chat_.history().enabled()) return publish(channel, envelope);
  if (!can_publish()) return;
  const bool loaded = scripts_loaded_ && !say_.sha.empty();
  const std::string key = names_.history(r.name());
  const std::string keep = std::to_string(chat_.history().limits().lines_per_room);
  const std::string speaker =
      fmt::format("{} {} {} {}", r.created_at(), sender.nick(), sender.ident(), sender.host());
  const std::array<std::string_view, 7> args{loaded ? "EVALSHA" : "EVAL",
                                             loaded ? std::string_view(say_.sha) : say_.source,
                                             "1",
                                             key,
                                             channel,
                                             keep,
                                             speaker};
  const auto blocks = reactor::resp_command_with_payload(args, envelope);
  // NOSCRIPT here means the scripts were flushed under a live link: this line
  // is lost to the other nodes, and the next ones carry the body.
  commands_.send(blocks, [this](reactor::RespValue&& v) {
    if (!v.is_error() || !commands_.is_up()) return;
    ++stats_.publish_dropped;
    if (v.str.starts_with("NOSCRIPT")) say_.sha.clear();
    spdlog::warn("cluster: a room line was not published: {}", v.str);
  });
}

// "<uid> <nick> <ident> <host> <signon> <flags> <realname> <away> <oper>"
std::string Backplane::user_record(const User& u) const {
  return fmt::format("{} {} {} {} {} {} {} {} {}", uid_of(u), u.nick(), u.ident(), u.host(),
                     u.signon_time(), flags_of(u), escape_text(u.realname()), escape_text(u.away()),
                     escape_text(u.oper_name()));
}

void Backplane::publish_user(const User& u) {
  publish(control_channel_, envelope(control_channel_, "user").payload(user_record(u)).finish());
}

// "<room> <created> <flags> <key> <limit> <topic set at> <by> <topic> <bans>",
// bans as "mask by at ..." in one escaped field.
std::string Backplane::room_record(const Room& r) {
  std::string flags;
  for (const char letter : std::string_view("tnmis")) {
    if (const auto f = RoomModes::flag_of(letter); f && r.modes().has(*f)) flags += letter;
  }
  std::string bans;
  for (const Ban& b : r.modes().bans()) {
    if (!bans.empty()) bans += ' ';
    bans += fmt::format("{} {} {}", b.mask, b.set_by, b.set_at);
  }
  const Topic& t = r.topic();
  return fmt::format("{} {} {} {} {} {} {} {} {}", r.name(), r.created_at(),
                     flags.empty() ? "-" : flags, escape_text(r.modes().key()), r.modes().limit(),
                     t.set_at, escape_text(t.set_by), escape_text(t.text), escape_text(bans));
}

// Every local user, with its rooms ("<status><room>,..." or "-"), one per line;
// then the rooms this node has members in.
void Backplane::publish_state(const std::string& channel) {
  std::string records;
  chat_.for_each_user([&](const User& u) {
    if (u.protocol() == Protocol::kRemote) return;
    records += user_record(u);
    records += ' ';
    if (u.memberships().empty()) records += '-';
    bool first = true;
    for (const Membership& m : u.memberships()) {
      if (!first) records += ',';
      first = false;
      records += static_cast<char>('0' + m.status);
      records += m.room->name();
    }
    records += '\n';
  });
  for (const Room* r : chat_.rooms().by_size()) {
    if (r->local_size() == 0) continue;
    records += room_record(*r);
    records += '\n';
  }
  publish(channel, envelope(channel, "state").payload(records).finish());
}

void Backplane::on_entered(const User& u) {
  claimed_at_[uid_of(u)] = static_cast<std::uint64_t>(Chat::wall_ms());
  publish_user(u);
  if (!linked_) return;
  // A plain user's guest nick, or an IRC nick claimed before registration:
  // claiming again is harmless, and a guest number someone took is replaced.
  claim_current_nick(u);
}

void Backplane::on_left(const User& u, std::string_view reason, bool server_reason) {
  publish(control_channel_, envelope(control_channel_, "quit")
                                .field(uid_of(u))
                                .field(server_reason ? "1" : "0")
                                .text(reason)
                                .finish());
  release_nick(u, u.nick());
  claimed_at_.erase(uid_of(u));
  for (const Membership& m : u.memberships()) {
    if (m.room->local_size() == 1) unsubscribe(names_.room(m.room->name()));
    if (m.room->size() == 1) forget_history(m.room->name());
  }
}

void Backplane::on_joined(const User& u, const Room& r) {
  publish(control_channel_, envelope(control_channel_, "join")
                                .field(uid_of(u))
                                .field(r.name())
                                .field(u.status_in(r))
                                .field(static_cast<std::uint64_t>(r.created_at()))
                                .finish());
  update_subscription(r.name());
}

void Backplane::on_parted(const User& u, std::string_view room, std::string_view reason,
                          const Room* r) {
  publish(control_channel_,
          envelope(control_channel_, "part").field(uid_of(u)).field(room).text(reason).finish());
  update_subscription(room);
  if (r == nullptr) forget_history(room);
}

// "said <uid> <room> <kind> <time ms> <client tags>", then the lines.
void Backplane::on_said(const Event& e, const Room& r) {
  const std::string channel = names_.room(r.name());
  EnvelopeWriter w = envelope(channel, "said");
  w.field(uid_of(*e.actor))
      .field(r.name())
      .field(static_cast<std::uint64_t>(e.kind))
      .field(static_cast<std::uint64_t>(e.time_ms))
      .text(e.client_tags);
  bool first = true;
  for_each_said_line(e, [&](std::string_view line) {
    w.payload(first ? line : fmt::format("\n{}", line));
    first = false;
  });
  publish_said(r, channel, w.finish(), *e.actor);
}

void Backplane::on_renamed(const User& u, std::string_view old_nick) {
  publish(control_channel_,
          envelope(control_channel_, "nick").field(uid_of(u)).field(u.nick()).finish());
  if (fold_case(old_nick) == fold_case(u.nick())) return;
  release_nick(u, old_nick);
  claim_current_nick(u);
}

void Backplane::on_away(const User& u) {
  publish(control_channel_,
          envelope(control_channel_, "away").field(uid_of(u)).text(u.away()).finish());
}

// "pm <from uid> <to uid> <kind> <time ms> <client tags>", then the text.
void Backplane::forward_private(const RemoteUser& to, const Event& e) {
  if (e.actor == nullptr || e.actor->protocol() == Protocol::kRemote) return;
  const std::string channel = names_.inbox(to.node_id());
  publish(channel, envelope(channel, "pm")
                       .field(uid_of(*e.actor))
                       .field(to.uid())
                       .field(static_cast<std::uint64_t>(e.kind))
                       .field(static_cast<std::uint64_t>(e.time_ms))
                       .text(e.client_tags)
                       .payload(e.text)
                       .finish());
}

void Backplane::on_oper(const User& u) {
  publish(control_channel_,
          envelope(control_channel_, "oper").field(uid_of(u)).text(u.oper_name()).finish());
}

void Backplane::on_topic(const User& u, const Room& r) {
  publish(control_channel_, envelope(control_channel_, "topic")
                                .field(uid_of(u))
                                .field(r.name())
                                .field(static_cast<std::uint64_t>(r.topic().set_at))
                                .text(r.topic().text)
                                .finish());
}

void Backplane::on_modes(const User& u, const Room& r, std::string_view applied) {
  publish(
      control_channel_,
      envelope(control_channel_, "mode").field(uid_of(u)).field(r.name()).text(applied).finish());
}

// "kick <uid> <room> <target node> <target uid> <reason>"
void Backplane::on_kicked(const User& u, std::string_view room, const User& target,
                          std::string_view reason) {
  const auto* remote =
      target.protocol() == Protocol::kRemote ? static_cast<const RemoteUser*>(&target) : nullptr;
  publish(control_channel_,
          envelope(control_channel_, "kick")
              .field(uid_of(u))
              .field(room)
              .field(remote != nullptr ? std::string_view(remote->node_id()) : node_id_)
              .field(remote != nullptr ? remote->uid() : uid_of(target))
              .text(reason)
              .finish());
  update_subscription(room);
  if (chat_.find_room(room) == nullptr) forget_history(room);
}

// "invite <from uid> <to uid> <room>"
void Backplane::forward_invite(const RemoteUser& to, const Event& e) {
  if (e.actor == nullptr || e.actor->protocol() == Protocol::kRemote) return;
  const std::string channel = names_.inbox(to.node_id());
  publish(
      channel,
      envelope(channel, "invite").field(uid_of(*e.actor)).field(to.uid()).field(e.target).finish());
}

}  // namespace chatd::cluster
