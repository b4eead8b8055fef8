// Nick ownership and guest nick allocation.
#include "daemon/chat/nick_registry.h"

#include <fmt/format.h>

#include "daemon/chat/names.h"

namespace chatd {

bool NickRegistry::claim(std::string_view nick, User& u) {
  const auto [it, inserted] = nicks_.try_emplace(fold_case(nick), &u);
  return inserted || it->second == &u;
}

void NickRegistry::release(std::string_view nick) {
  nicks_.erase(fold_case(nick));
}

User* NickRegistry::find(std::string_view nick) const {
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
