// RoomRegistry: rooms by case-insensitive name, created on first join and
// dropped when the last member leaves.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "daemon/room.h"

namespace chatd {

class Member;

class RoomRegistry {
 public:
  // Puts `m` (in no room) into the room called `name` ("#dev"), creating it.
  Room& join(Member& m, std::string_view name);
  // Takes `m` out of its room, dropping the room if it is now empty.
  void leave(Member& m);

  Room* find(std::string_view name) const;
  std::size_t size() const { return rooms_.size(); }
  // All rooms, largest first, then by name: the order /rooms shows.
  std::vector<const Room*> by_size() const;

 private:
  std::unordered_map<std::string, std::unique_ptr<Room>> rooms_;  // key: fold_case(name)
};

}  // namespace chatd
