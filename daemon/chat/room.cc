// Room membership, kept consistent on both sides, and broadcast.
#include "daemon/chat/room.h"

#include <cassert>

#include "daemon/chat/render_cache.h"
#include "daemon/chat/user.h"

namespace chatd {

void Room::add(User& u, std::uint8_t status) {
  assert(!u.in_room(*this));
  std::vector<Seat>& seats = seats_[index(u.protocol())];
  const auto membership = static_cast<std::uint32_t>(u.rooms_.size());
  u.rooms_.push_back({this, static_cast<std::uint32_t>(seats.size()), status});
  seats.push_back({&u, membership});
}

// Swap-and-pop on both sides: the last seat (of the user's protocol) moves into
// the freed one, and the user's last membership into the freed index; each
// moved entry is told where its partner now is.
void Room::remove(User& u) {
  std::uint32_t index = 0;
  while (index < u.rooms_.size() && u.rooms_[index].room != this)
    ++index;
  assert(index < u.rooms_.size());
  std::vector<Seat>& seats = seats_[Room::index(u.protocol())];
  const std::uint32_t seat = u.rooms_[index].seat;
  assert(seats[seat].user == &u);

  const Seat moved_seat = seats.back();
  seats[seat] = moved_seat;
  moved_seat.user->rooms_[moved_seat.membership].seat = seat;
  seats.pop_back();

  if (index + 1 != u.rooms_.size()) {
    const Membership moved = u.rooms_.back();
    u.rooms_[index] = moved;
    moved.room->seats_[Room::index(u.protocol())][moved.seat].membership = index;
  }
  u.rooms_.pop_back();
}

void Room::broadcast(RenderCache& cache) const {
  broadcast(cache, Protocol::kPlain);
  broadcast(cache, Protocol::kIrc);
}

void Room::broadcast(RenderCache& cache, Protocol p) const {
  for (const Seat& s : seats_[index(p)])
    s.user->deliver(cache);
}

}  // namespace chatd
