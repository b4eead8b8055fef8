// Room lookup, creation and removal.
#include "daemon/room_registry.h"

#include <algorithm>

#include "daemon/member.h"
#include "daemon/names.h"

namespace chatd {

Room& RoomRegistry::join(Member& m, std::string_view name) {
  auto& slot = rooms_[fold_case(name)];
  if (!slot) slot = std::make_unique<Room>(std::string(name));
  slot->add(m);
  return *slot;
}

void RoomRegistry::leave(Member& m) {
  Room* room = m.room();
  if (room == nullptr) return;
  room->remove(m);
  if (room->size() == 0) rooms_.erase(fold_case(room->name()));
}

Room* RoomRegistry::find(std::string_view name) const {
  const auto it = rooms_.find(fold_case(name));
  return it == rooms_.end() ? nullptr : it->second.get();
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
