// NickRegistry: who is called what. Nicks are unique case-insensitively (ASCII),
// and every new member gets a free guest-N nick.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace chatd {

class User;

class NickRegistry {
 public:
  // Registers `nick` for `u`; false if someone else holds it (any case). A
  // local user's claim takes a nick from another node's user: the cluster has
  // decided, and what this node knew of the other was out of date.
  bool claim(std::string_view nick, User& u);
  // Forgets `nick` if `u` holds it.
  void release(std::string_view nick, const User& u);
  User* find(std::string_view nick) const;
  // A guest-N nick nobody holds, N counting up from 1 for the server's life,
  // or through the blocks reserved for this node in a cluster.
  std::string next_guest_nick();
  // Guest numbers [first, first+count) are this node's: used once the current
  // block runs out. At most one block waits.
  void reserve_guests(std::uint64_t first, std::uint64_t count);
  std::uint64_t guests_left() const;
  std::size_t size() const { return nicks_.size(); }

 private:
  std::unordered_map<std::string, User*> nicks_;  // key: fold_case(nick)
  std::uint64_t next_guest_ = 1;
  static constexpr std::uint64_t kUnreserved = UINT64_MAX;  // counting on our own
  std::uint64_t guest_end_ = kUnreserved;
  std::uint64_t spare_first_ = 0;
  std::uint64_t spare_count_ = 0;
};

}  // namespace chatd
