// Room lookup, creation and removal.
#include "daemon/chat/room_registry.h"

#include <algorithm>
#include <cassert>

#include "daemon/chat/names.h"

namespace chatd {

Room* RoomRegistry::find(std::string_view name) const {
  const auto it = rooms_.find(fold_case(name));
  return it == rooms_.end() ? nullptr : it->second.get();
}

Room& RoomRegistry::create(std::string_view name, std::int64_t created_at) {
  auto& slot = rooms_[fold_case(name)];
  assert(!slot);
  slot = std::make_unique<Room>(std::string(name), created_at, history_);
  return *slot;
}

void RoomRegistry::erase(const Room& room) {
  assert(room.size() == 0);
  rooms_.erase(fold_case(room.name()));
}

std::size_t RoomRegistry::largest_size() const {
  std::size_t largest = 0;
  for (const auto& [key, room] : rooms_)
    largest = std::max(largest, room->size());
  return largest;
}

std::vector<const Room*> RoomRegistry::by_size() const {
  std::vector<const Room*> out;
  out.reserve(rooms_.size());
  for (const auto& [key, room] : rooms_)
    out.push_back(room.get());
  std::sort(out.begin(), out.end(), [](const Room* a, const Room* b) {
    return a->size() != b->size() ? a->size() > b->size() : a->name() < b->name();
  });
  return out;
}

}  // namespace chatd
