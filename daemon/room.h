// Room: a named set of members and the fan-out of events to them.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "daemon/chat_event.h"

namespace chatd {

class Member;

// Members live in a dense vector, each knowing its own slot, so joining and
// leaving are O(1) (swap with the last) and a broadcast is a linear scan.
class Room {
 public:
  explicit Room(std::string name) : name_(std::move(name)) {}
  Room(const Room&) = delete;
  Room& operator=(const Room&) = delete;

  const std::string& name() const { return name_; }
  std::size_t size() const { return members_.size(); }
  std::span<Member* const> members() const { return members_; }

  void add(Member& m);
  void remove(Member& m);

  // Delivers `e` to every member but `except` (which may be null). The event is
  // rendered at most once per protocol, however many members there are.
  void broadcast(const ChatEvent& e, const Member* except) const;

 private:
  std::string name_;
  std::vector<Member*> members_;
};

}  // namespace chatd
