// Chat: joins, parts, renames and quits, with their announcements.
#include "daemon/chat.h"

#include "daemon/member.h"
#include "daemon/names.h"

namespace chatd {

std::string Chat::enter(Member& m) {
  std::string nick = nicks_.next_guest_nick();
  nicks_.claim(nick, m);
  return nick;
}

void Chat::leave(Member& m, std::string_view reason, bool announce_it) {
  if (Room* room = m.room()) {
    if (announce_it) announce(*room, {ChatEvent::Kind::kQuit, m.nick(), room->name(), reason}, &m);
    rooms_.leave(m);
  }
  nicks_.release(m.nick());
}

Chat::JoinResult Chat::join(Member& m, std::string_view room_name, std::string& joined) {
  const auto name = normalize_room(room_name);
  if (!name) return JoinResult::kInvalidName;
  if (m.room() != nullptr && fold_case(m.room()->name()) == fold_case(*name)) {
    joined = m.room()->name();
    return JoinResult::kAlreadyThere;
  }
  if (Room* old = m.room()) {
    announce(*old, {ChatEvent::Kind::kPart, m.nick(), old->name(), {}}, &m);
    rooms_.leave(m);
  }
  Room& room = rooms_.join(m, *name);
  joined = room.name();
  announce(room, {ChatEvent::Kind::kJoin, m.nick(), room.name(), {}}, &m);
  return JoinResult::kJoined;
}

Chat::RenameResult Chat::rename(Member& m, std::string_view new_nick) {
  if (!is_valid_nick(new_nick)) return RenameResult::kInvalid;
  if (!nicks_.claim(new_nick, m)) return RenameResult::kTaken;
  // A change of case only keeps the same registry key: nothing to release.
  if (fold_case(new_nick) != fold_case(m.nick())) nicks_.release(m.nick());
  if (Room* room = m.room()) {
    room->broadcast({ChatEvent::Kind::kRename, m.nick(), room->name(), new_nick}, &m);
  }
  return RenameResult::kRenamed;
}

void Chat::say(Member& m, ChatEvent::Kind kind, std::string_view text) {
  if (Room* room = m.room()) {
    room->broadcast({kind, m.nick(), room->name(), text}, &m);
    ++messages_relayed_;
  }
}

// Announcements are made while the member is still in the room (and excluded),
// and in a big room not at all: there n joins would cost n^2 lines.
void Chat::announce(const Room& room, const ChatEvent& e, const Member* except) const {
  if (room.size() <= settings_.announce_limit) room.broadcast(e, except);
}

}  // namespace chatd
