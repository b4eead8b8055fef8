// Nick ownership and guest nick allocation.
#include "daemon/nick_registry.h"

#include <fmt/format.h>

#include "daemon/names.h"

namespace chatd {

bool NickRegistry::claim(std::string_view nick, Member& m) {
  const auto [it, inserted] = nicks_.try_emplace(fold_case(nick), &m);
  return inserted || it->second == &m;
}

void NickRegistry::release(std::string_view nick) {
  nicks_.erase(fold_case(nick));
}

Member* NickRegistry::find(std::string_view nick) const {
  const auto it = nicks_.find(fold_case(nick));
  return it == nicks_.end() ? nullptr : it->second;
}

std::string NickRegistry::next_guest_nick() {
  // Someone may have renamed themselves guest-N; skip those.
  for (;;) {
    std::string nick = fmt::format("guest-{}", next_guest_++);
    if (!nicks_.contains(nick)) return nick;
  }
}

}  // namespace chatd
