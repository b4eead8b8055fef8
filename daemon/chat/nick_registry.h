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
  // Registers `nick` for `m`; false if someone else holds it (any case).
  bool claim(std::string_view nick, User& u);
  void release(std::string_view nick);
  User* find(std::string_view nick) const;
  // A guest-N nick nobody holds, N counting up from 1 for the server's life.
  std::string next_guest_nick();
  std::size_t size() const { return nicks_.size(); }

 private:
  std::unordered_map<std::string, User*> nicks_;  // key: fold_case(nick)
  std::uint64_t next_guest_ = 1;
};

}  // namespace chatd
