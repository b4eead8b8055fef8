// Nick ownership and guest nick allocation.
#include "daemon/chat/nick_registry.h"

#include <fmt/format.h>

#include "daemon/chat/names.h"
#include "daemon/chat/user.h"

namespace chatd {

bool NickRegistry::claim(std::string_view nick, User& u) {
  const auto [it, inserted] = nicks_.try_emplace(fold_case(nick), &u);
  if (inserted || it->second == &u) return true;
  if (it->second->protocol() != Protocol::kRemote || u.protocol() == Protocol::kRemote) {
    return false;
  }
  it->second = &u;
  return true;
}

void NickRegistry::release(std::string_view nick, const User& u) {
  const auto it = nicks_.find(fold_case(nick));
  if (it != nicks_.end() && it->second == &u) nicks_.erase(it);
}

User* NickRegistry::find(std::string_view nick) const {
  const auto it = nicks_.find(fold_case(nick));
  return it == nicks_.end() ? nullptr : it->second;
}

void NickRegistry::reserve_guests(std::uint64_t first, std::uint64_t count) {
  if (next_guest_ >= guest_end_ || guest_end_ == kUnreserved) {
    next_guest_ = first;
    guest_end_ = first + count;
  } else {
    spare_first_ = first;
    spare_count_ = count;
  }
}

std::uint64_t NickRegistry::guests_left() const {
  if (guest_end_ == kUnreserved) return kUnreserved;
  return (guest_end_ > next_guest_ ? guest_end_ - next_guest_ : 0) + spare_count_;
}

std::string NickRegistry::next_guest_nick() {
  // Someone may have renamed themselves guest-N; skip those.
  for (;;) {
    if (next_guest_ >= guest_end_ && spare_count_ != 0) {
      next_guest_ = spare_first_;
      guest_end_ = spare_first_ + spare_count_;
      spare_count_ = 0;
    }
    std::string nick = fmt::format("guest-{}", next_guest_++);
    if (!nicks_.contains(nick)) return nick;
  }
}

}  // namespace chatd
