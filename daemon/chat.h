// Chat: the protocol-neutral model of who is where: nicks, rooms, and the
// announcements that moving between them causes. Plain-mode sessions use it
// today; an IRC front end or a cluster backplane can drive the same calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/chat_event.h"
#include "daemon/nick_registry.h"
#include "daemon/room_registry.h"

namespace chatd {

class Member;

class Chat {
 public:
  struct Settings {
    std::size_t announce_limit = 200;  // bigger rooms do not announce joins/parts/quits
    std::string default_room = "#lobby";
  };

  explicit Chat(Settings settings) : settings_(std::move(settings)) {}
  void set_settings(Settings settings) { settings_ = std::move(settings); }
  const Settings& settings() const { return settings_; }

  // A new member: registers a free guest nick for it and returns it. The caller
  // then sets the member's nick and joins it to settings().default_room.
  std::string enter(Member& m);
  // The member is gone: its room hears `reason` (if `announce`), its nick is freed.
  void leave(Member& m, std::string_view reason, bool announce);

  enum class JoinResult { kJoined, kInvalidName, kAlreadyThere };
  // Moves `m` to `room_name` ("dev" or "#dev"); `joined` receives the room's name.
  JoinResult join(Member& m, std::string_view room_name, std::string& joined);

  enum class RenameResult { kRenamed, kInvalid, kTaken };
  // Claims `new_nick` for `m`; on success the caller updates the member's nick
  // *after* this returns (the room hears "old is now known as new").
  RenameResult rename(Member& m, std::string_view new_nick);

  // Relays sanitised text to the others in the member's room.
  void say(Member& m, ChatEvent::Kind kind, std::string_view text);

  Member* find_member(std::string_view nick) const { return nicks_.find(nick); }
  const RoomRegistry& rooms() const { return rooms_; }
  std::size_t member_count() const { return nicks_.size(); }
  // Lines relayed by say() since start (systemd STATUS= shows the rate).
  std::uint64_t messages_relayed() const { return messages_relayed_; }

 private:
  void announce(const Room& room, const ChatEvent& e, const Member* except) const;

  Settings settings_;
  NickRegistry nicks_;
  RoomRegistry rooms_;
  std::uint64_t messages_relayed_ = 0;
};

}  // namespace chatd
