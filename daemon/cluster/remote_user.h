// RemoteUser: a user of another node, as this node knows it: in the chat's
// rooms and nick registry, so NAMES, WHO, WHOIS, /who and /msg see the whole
// cluster. Its own node delivers to it: room events are never sent on from
// here; a private message or an invitation to it goes to its node's inbox.
#pragma once

#include <cstdint>
#include <string>

#include "daemon/chat/user.h"

namespace chatd::cluster {

class Backplane;

class RemoteUser final : public User {
 public:
  RemoteUser(Backplane& backplane, const std::string& node_id, std::uint64_t uid, std::string ident,
             std::string host, std::string realname, std::int64_t signon)
      : User(Protocol::kRemote, std::move(ident), std::move(host), std::move(realname), signon),
        backplane_(backplane),
        node_id_(node_id),
        uid_(uid) {}
  ~RemoteUser() = default;

  const std::string& node_id() const { return node_id_; }
  std::uint64_t uid() const { return uid_; }

  void deliver(RenderCache& cache) override;

  using User::set_identity;
  using User::set_invisible;
  using User::set_oper;
  using User::set_secure;

 private:
  Backplane& backplane_;
  const std::string& node_id_;  // the key of its node in the backplane's table
  std::uint64_t uid_;
};

}  // namespace chatd::cluster
