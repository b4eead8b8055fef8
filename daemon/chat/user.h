// User: someone with a nick who can be in rooms, whatever protocol reaches them.
// Rooms, the nick registry and events know users only through this class; each
// front end's session derives from it and shows events in its own protocol.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace chatd {

class Room;
class RenderCache;

// kRemote: a user of another chatd node (daemon/cluster/), known here so that
// rooms, nick lists and WHO see the whole cluster; its own node delivers to it.
enum class Protocol : std::uint8_t { kPlain, kIrc, kRemote };

// A user's status bits in one room.
inline constexpr std::uint8_t kOperator = 1;
inline constexpr std::uint8_t kVoice = 2;

// A user named without a pointer, for what outlives a call (paged listings,
// invitations): Chat::resolve() gives nullptr once that user has gone.
struct UserHandle {
  std::uint32_t slot = 0;
  std::uint32_t generation = 0;
  bool operator==(const UserHandle&) const = default;
};

// One room a user is in: the room, the user's seat in its member vector (so
// leaving is O(1)) and the user's status there.
struct Membership {
  Room* room;
  std::uint32_t seat;
  std::uint8_t status;
};

class User {
 public:
  inline static const std::string kNotAway;  // also the oper name of a non-operator

  User(const User&) = delete;
  User& operator=(const User&) = delete;

  Protocol protocol() const { return protocol_; }
  const std::string& nick() const { return nick_; }
  // What IRC shows between '!' and '@': "~nc" for plain users, "~" and the name
  // an IRC client gave in USER (never checked with ident, hence the '~').
  const std::string& ident() const { return ident_; }
  // The host other users see: a cloak of the address unless configured otherwise.
  const std::string& host() const { return host_; }
  const std::string& realname() const { return realname_; }
  // The away message; empty when the user is not away.
  const std::string& away() const { return away_ ? *away_ : kNotAway; }
  // Not listed to strangers (IRC user mode +i): mask WHOs and NAMES of rooms
  // the asker is not in skip the user.
  bool invisible() const { return invisible_; }
  // Reached over TLS, chatd's own or a proxy's (PROXY v2's SSL TLV): WHOIS 671.
  bool secure() const { return secure_; }
  // A server operator (OPER, /oper): operator in every room, and may remove
  // users and ban addresses. Ends with the connection.
  bool is_oper() const { return oper_name_ != nullptr; }
  const std::string& oper_name() const { return oper_name_ ? *oper_name_ : kNotAway; }
  // Operator status in `room`, or a server operator.
  bool may_moderate(const Room& room) const;
  // Wall-clock seconds when the user came in, and when it last said something
  // (WHOIS shows both).
  std::int64_t signon_time() const { return signon_time_; }
  std::int64_t last_spoke() const { return last_spoke_; }

  std::span<const Membership> memberships() const { return rooms_; }
  // This user's membership of `room`, or nullptr.
  const Membership* membership_in(const Room& room) const;
  bool in_room(const Room& room) const { return membership_in(room) != nullptr; }
  std::uint8_t status_in(const Room& room) const;

  // Shows cache.event() to this user, rendering it (once per variant, in the
  // shared cache) in the user's protocol, or ignores it. Must not close or free
  // anything: rooms call it while iterating their members.
  virtual void deliver(RenderCache& cache) = 0;

 protected:
  User(Protocol protocol, std::string ident, std::string host, std::string realname,
       std::int64_t signon_time);
  ~User() = default;
  // What IRC's USER gave, before the user enters the chat.
  void set_identity(std::string ident, std::string realname) {
    ident_ = std::move(ident);
    realname_ = std::move(realname);
  }
  void set_invisible(bool on) { invisible_ = on; }
  void set_secure(bool on) { secure_ = on; }
  void set_oper(std::string name) { oper_name_ = std::make_unique<std::string>(std::move(name)); }
  void set_signon_time(std::int64_t t) { signon_time_ = t; }

 private:
  friend class Chat;
  friend class Room;

  std::string nick_;
  std::string ident_;
  std::string host_;
  std::string realname_;
  std::unique_ptr<std::string> away_;       // most users are never away: 8 bytes, not 32
  std::unique_ptr<std::string> oper_name_;  // null: not a server operator (most users)
  std::vector<Membership> rooms_;
  std::int64_t signon_time_;
  std::int64_t last_spoke_;
  // NICK floods reach every neighbour: changes are rate-limited as a generic
  // cell rate (the time the next change is due), 8 bytes a user.
  std::uint64_t next_nick_change_ms_ = 0;
  std::uint64_t neighbour_mark_ = 0;  // Chat::for_each_neighbour's "already visited"
  std::uint32_t handle_slot_ = 0;     // in Chat's user table
  Protocol protocol_;
  bool invisible_ = false;
  bool secure_ = false;
};

}  // namespace chatd
