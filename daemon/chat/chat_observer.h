// ChatObserver: what the chat tells the cluster (daemon/cluster/) about the
// changes this node's own users make, after applying them and telling the local
// members. Changes made by other nodes' users (Chat's *_remote methods) are not
// reported: their node already did.
#pragma once

#include <string_view>

namespace chatd {

class Room;
class User;
struct Event;

class ChatObserver {
 public:
  virtual void on_entered(const User& u) = 0;
  // Before `u` leaves its rooms, so they can still be read from it.
  virtual void on_left(const User& u, std::string_view reason, bool server_reason) = 0;
  virtual void on_joined(const User& u, const Room& r) = 0;
  // After `u` has left `r`; `r` may be gone (nullptr) if it emptied.
  virtual void on_parted(const User& u, std::string_view room, std::string_view reason,
                         const Room* r) = 0;
  // A said event (Event::lines or text) relayed to `r`.
  virtual void on_said(const Event& e, const Room& r) = 0;
  virtual void on_renamed(const User& u, std::string_view old_nick) = 0;
  virtual void on_away(const User& u) = 0;
  virtual void on_oper(const User& u) = 0;
  virtual void on_topic(const User& u, const Room& r) = 0;
  // `applied` is what took effect, as the MODE line shows it: "+o-v alice bob".
  virtual void on_modes(const User& u, const Room& r, std::string_view applied) = 0;
  // After `target` (of any node) has left `room`, which may be gone.
  virtual void on_kicked(const User& u, std::string_view room, const User& target,
                         std::string_view reason) = 0;

 protected:
  ~ChatObserver() = default;
};

}  // namespace chatd
