// ServerBans: addresses and ranges banned from the whole server by its
// operators, each with a reason and an expiry, kept in STATE_DIR/bans.toml
// across restarts (rewritten atomically on every change, read and validated at
// start: a file chatd cannot read in full stops it from starting, rather than
// silently forgetting bans).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "reactor/address.h"

namespace chatd {

struct ServerBan {
  reactor::Cidr mask;
  std::string reason;
  std::string set_by;           // the operator's name
  std::int64_t set_at = 0;      // wall-clock seconds
  std::int64_t expires_at = 0;  // wall-clock seconds; 0: never
  bool expired(std::int64_t now) const { return expires_at != 0 && now >= expires_at; }
};

class ServerBans {
 public:
  // `state_dir` empty: nothing is kept across restarts. Throws std::runtime_error
  // naming the directory, or the file, line and problem, when they cannot be used.
  ServerBans(std::string state_dir, std::int64_t now);

  bool persistent() const { return !state_dir_.empty(); }
  std::string file() const;

  // The ban on exactly `mask`, in force or not, or nullptr.
  const ServerBan* find_exact(const reactor::Cidr& mask) const;
  // The ban `peer` is under at `now`, or nullptr.
  const ServerBan* find(const reactor::PeerAddress& peer, std::int64_t now) const;
  // Adds `ban`, or replaces the one with the same mask; then saves. Throws
  // std::runtime_error if the file cannot be written (the ban holds anyway).
  void add(ServerBan ban, std::int64_t now);
  // Removes the ban on exactly `mask`; false if there is none. Saves.
  bool remove(const reactor::Cidr& mask, std::int64_t now);
  // The bans in force at `now`, oldest first.
  std::vector<ServerBan> in_force(std::int64_t now) const;

 private:
  void load(std::int64_t now);
  void save(std::int64_t now) const;

  std::string state_dir_;
  std::vector<ServerBan> bans_;
};

// "30m", "2h", "7d", "1w", "45s", a bare number of minutes (as IRC servers take
// it); "0", "perm" and "permanent" are forever. Seconds (0: forever), or -1 if
// `text` is none of these.
std::int64_t parse_ban_duration(std::string_view text);

// A ban mask as operators type it: an address or a CIDR range, IPv4 or IPv6,
// optionally after "*@" (as in IRC's user@host masks), as its network (host
// bits cleared). Ranges wider than /8 (IPv4) or /16 (IPv6) are refused. Throws
// std::invalid_argument saying what is wrong.
reactor::Cidr parse_ban_mask(std::string_view text);

}  // namespace chatd
