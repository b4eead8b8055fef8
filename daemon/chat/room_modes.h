// RoomModes: a room's settings (+t +n +m +i +s, a key, a member limit) and its
// ban and invite lists, with the checks a join or a line has to pass.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/chat/user.h"

namespace chatd {

struct Ban {
  std::string mask;  // normalized: nick!user@host
  std::string set_by;
  std::int64_t set_at = 0;  // wall-clock seconds
};

class RoomModes {
 public:
  enum Flag : std::uint8_t {
    kTopicLock = 1,   // t: only operators set the topic
    kNoExternal = 2,  // n: only members send to the room
    kModerated = 4,   // m: only operators and voiced members speak
    kInviteOnly = 8,  // i: joining needs an invitation
    kSecret = 16,     // s: hidden from non-members in lists
  };
  static constexpr std::size_t kMaxBans = 100;
  static constexpr std::size_t kMaxKeyLength = 23;
  static constexpr std::size_t kMaxInvites = 100;
  // The flags in order, as MODE spells them ("tnmis").
  static std::optional<Flag> flag_of(char letter);

  bool has(Flag f) const { return (flags_ & f) != 0; }
  // False when the flag already had that value.
  bool set(Flag f, bool on);

  const std::string& key() const { return key_; }
  void set_key(std::string key) { key_ = std::move(key); }
  std::uint32_t limit() const { return limit_; }  // 0: no limit
  void set_limit(std::uint32_t limit) { limit_ = limit; }

  const std::vector<Ban>& bans() const { return bans_; }
  // False when the mask is already listed or the list is full.
  bool add_ban(Ban ban);
  bool remove_ban(std::string_view mask);
  bool is_banned(std::string_view full_mask) const;

  // An invitation is for one user (not a nick someone else may take next) and
  // lasts until used or the room empties.
  void invite(UserHandle user);
  // Uses up an invitation; false when there is none.
  bool take_invite(UserHandle user);

  // Everything but the invitations, from another node's copy of the room.
  void adopt_settings(const RoomModes& other) {
    key_ = other.key_;
    bans_ = other.bans_;
    limit_ = other.limit_;
    flags_ = other.flags_;
  }

  // "+ntk" and, when `with_values`, the key and limit after it: "+ntkl key 10".
  std::string describe(bool with_values) const;

 private:
  std::string key_;
  std::vector<Ban> bans_;
  std::vector<UserHandle> invites_;
  std::uint32_t limit_ = 0;
  std::uint8_t flags_ = kTopicLock | kNoExternal;
};

}  // namespace chatd
