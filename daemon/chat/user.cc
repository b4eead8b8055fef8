// User identity and membership lookups.
#include "daemon/chat/user.h"

namespace chatd {

User::User(Protocol protocol, std::string ident, std::string host, std::string realname,
           std::int64_t signon_time)
    : ident_(std::move(ident)),
      host_(std::move(host)),
      realname_(std::move(realname)),
      signon_time_(signon_time),
      last_spoke_(signon_time),
      protocol_(protocol) {}

const Membership* User::membership_in(const Room& room) const {
  for (const Membership& m : rooms_) {
    if (m.room == &room) return &m;
  }
  return nullptr;
}

std::uint8_t User::status_in(const Room& room) const {
  const Membership* m = membership_in(room);
  return m == nullptr ? 0 : m->status;
}

bool User::may_moderate(const Room& room) const {
  return is_oper() || (status_in(room) & kOperator) != 0;
}

}  // namespace chatd
