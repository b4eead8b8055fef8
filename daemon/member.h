// Member: someone who can be in a room and own a nick, whatever protocol they
// speak. Rooms and the nick registry know members only through this interface.
#pragma once

#include <cstdint>
#include <string>

#include "daemon/chat_event.h"

namespace chatd {

class Room;

class Member {
 public:
  virtual const std::string& nick() const = 0;
  // Shows cache.event() to this member, using (and filling) the shared
  // renderings in `cache`. Must not close or free anything: rooms call it while
  // iterating their members.
  virtual void deliver(RenderCache& cache) = 0;

  Room* room() const { return room_; }

 protected:
  ~Member() = default;

 private:
  friend class Room;
  Room* room_ = nullptr;
  std::uint32_t room_slot_ = 0;  // index in room_'s member vector
};

}  // namespace chatd
