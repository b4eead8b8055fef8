// Room: a named set of users, its topic and modes, and the fan-out of events to
// its members.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "daemon/chat/history.h"
#include "daemon/chat/room_modes.h"
#include "daemon/chat/user.h"

namespace chatd {

class User;
class RenderCache;

// A member's place in the room: the user and the index of this room in the
// user's memberships, so both sides unlink in O(1).
struct Seat {
  User* user;
  std::uint32_t membership;
};

struct Topic {
  std::string text;  // empty: no topic
  std::string set_by;
  std::int64_t set_at = 0;  // wall-clock seconds
};

// Members live in dense vectors (swap-and-pop removal), one per protocol:
// joining and leaving are O(1), a broadcast is a linear scan (faster than any
// set at 10,000), and an announcement that plain users are spared in a big room
// (announce_limit) costs only a scan of the IRC members.
class Room {
 public:
  Room(std::string name, std::int64_t created_at, HistoryStore& history)
      : name_(std::move(name)), created_at_(created_at), history_(history) {}
  Room(const Room&) = delete;
  Room& operator=(const Room&) = delete;

  const std::string& name() const { return name_; }
  std::int64_t created_at() const { return created_at_; }
  // Members on every node of the cluster, and on this one.
  std::size_t size() const { return local_size() + seats_[2].size(); }
  std::size_t local_size() const { return seats_[0].size() + seats_[1].size(); }
  std::span<const Seat> seats(Protocol p) const { return seats_[index(p)]; }
  // f(const Seat&) for every member, plain ones first, other nodes' last.
  template <class F>
  void for_each_seat(F&& f) const {
    for (const auto& seats : seats_) {
      for (const Seat& s : seats)
        f(s);
    }
  }
  const Topic& topic() const { return topic_; }
  const RoomModes& modes() const { return modes_; }
  // The last lines said here. Replaying them to a joiner makes (and caches)
  // renderings, which changes no state anyone sees: hence from a const room.
  RoomHistory& history() const { return history_; }

  // Shows the event to every member on this node; each member's front end
  // decides what it sees (the actor itself included). Rendered at most once per
  // variant. Other nodes' members hear it from their own node.
  void broadcast(RenderCache& cache) const;
  // The same, for the members of one protocol only.
  void broadcast(RenderCache& cache, Protocol p) const;

 private:
  friend class Chat;
  void add(User& u, std::uint8_t status);
  void remove(User& u);
  static std::size_t index(Protocol p) { return static_cast<std::size_t>(p); }

  std::string name_;
  std::int64_t created_at_;
  Topic topic_;
  RoomModes modes_;
  std::vector<Seat> seats_[3];  // by index(protocol)
  mutable RoomHistory history_;
};

}  // namespace chatd
