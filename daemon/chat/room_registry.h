// RoomRegistry: rooms by case-insensitive name. The chat creates a room on its
// first join and drops it when the last member leaves.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "daemon/chat/room.h"

namespace chatd {

class RoomRegistry {
 public:
  // Rooms keep their history in `history`, which must outlive the registry.
  explicit RoomRegistry(HistoryStore& history) : history_(history) {}

  Room* find(std::string_view name) const;
  // A new, empty room called `name` ("#dev"), which must not exist yet.
  Room& create(std::string_view name, std::int64_t created_at);
  void erase(const Room& room);

  std::size_t size() const { return rooms_.size(); }
  // Members of the largest room (0 without rooms); a scan.
  std::size_t largest_size() const;
  // All rooms, largest first, then by name: the order /rooms and LIST show.
  std::vector<const Room*> by_size() const;

 private:
  HistoryStore& history_;
  std::unordered_map<std::string, std::unique_ptr<Room>> rooms_;  // key: fold_case(name)
};

}  // namespace chatd
