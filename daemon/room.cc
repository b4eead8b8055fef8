// Room membership and broadcast.
#include "daemon/room.h"

#include <cassert>

#include "daemon/member.h"

namespace chatd {

void Room::add(Member& m) {
  assert(m.room_ == nullptr);
  m.room_ = this;
  m.room_slot_ = static_cast<std::uint32_t>(members_.size());
  members_.push_back(&m);
}

void Room::remove(Member& m) {
  assert(m.room_ == this && members_[m.room_slot_] == &m);
  Member* last = members_.back();
  members_[m.room_slot_] = last;
  last->room_slot_ = m.room_slot_;
  members_.pop_back();
  m.room_ = nullptr;
}

void Room::broadcast(const ChatEvent& e, const Member* except) const {
  RenderCache cache(e);
  for (Member* m : members_) {
    if (m != except) m->deliver(cache);
  }
}

}  // namespace chatd
