// PagedReply: a reply that may be long (NAMES, WHO or LIST of a big room or a
// big server), produced a page at a time as the client reads it, so it never
// piles up in the output queue and never makes the asker a slow consumer.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "daemon/chat/chat.h"

namespace chatd {
class IrcSession;
class Room;
}  // namespace chatd

namespace chatd::irc {

class PagedReply {
 public:
  virtual ~PagedReply() = default;
  // Sends lines until about `budget` bytes have been queued or the reply is
  // complete; true once it is (its end line sent).
  virtual bool produce(IrcSession& s, std::size_t budget) = 0;
};

// 353 lines of the room's members (as of now; those who leave meanwhile are
// skipped), then 366.
std::unique_ptr<PagedReply> names_reply(IrcSession& s, const Room& room);
// Just 366, for a room the asker may not see.
std::unique_ptr<PagedReply> end_of_names(std::string room_name);
// 352 for each member of `room`, then 315 with `mask` as asked.
std::unique_ptr<PagedReply> who_room_reply(IrcSession& s, const Room& room, std::string mask);
// 352 for each of `users` (already filtered), then 315.
std::unique_ptr<PagedReply> who_users_reply(std::vector<UserHandle> users, std::string mask);
// 321, a 322 for each room (visible to the asker, among `wanted` if not
// empty), then 323.
std::unique_ptr<PagedReply> list_reply(IrcSession& s, const std::vector<std::string>& wanted);

}  // namespace chatd::irc
