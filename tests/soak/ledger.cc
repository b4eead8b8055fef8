// Ledger (see ledger.h): per (receiver, sender) the next number due and the gaps still open.
#include "tests/soak/ledger.h"

#include <fmt/format.h>

namespace soak {
namespace {
constexpr std::size_t kAnomaliesKept = 10;
constexpr std::size_t kMaxOpenGaps = 100000;  // per pair; beyond it gaps count as lost at once
}  // namespace

int Ledger::add_member(std::string nick, int room) {
  const int id = static_cast<int>(members_.size());
  by_nick_[nick] = id;
  members_.push_back({std::move(nick), room});
  // Re-lay the square matrix; members are only added before anyone sends.
  pairs_.assign(members_.size() * members_.size(), Pair{});
  return id;
}

int Ledger::id_of(std::string_view nick) const {
  const auto it = by_nick_.find(std::string(nick));
  return it == by_nick_.end() ? -1 : it->second;
}

bool Ledger::counts(int receiver, int sender) const {
  return receiver != sender && members_[receiver].room == members_[sender].room &&
         members_[receiver].connected && members_[sender].connected;
}

void Ledger::received(int receiver, int sender, std::uint64_t n, bool intact, TimePoint at) {
  if (!intact) ++corrupted_;
  Pair& p = pair(receiver, sender);
  const std::string& who = members_[sender].nick;
  const std::string& to = members_[receiver].nick;
  if (n == p.next) {
    ++p.next;
    ++p.delivered;
  } else if (n > p.next) {
    anomaly(fmt::format("{} got {}'s #{} while #{} was due (gap)", to, who, n, p.next));
    for (std::uint64_t k = p.next; k < n && p.missing.size() < kMaxOpenGaps; ++k) {
      p.missing.insert(k);
    }
    p.next = n + 1;
    ++p.delivered;
  } else if (p.missing.erase(n) != 0) {
    anomaly(fmt::format("{} got {}'s #{} late, after #{} (reordered)", to, who, n, p.next - 1));
    ++p.reordered;
    ++p.delivered;
  } else {
    anomaly(fmt::format("{} got {}'s #{} again (duplicate)", to, who, n));
    ++p.duplicated;
  }
  for (Burst& b : bursts_) {
    if (b.sender == sender && b.last == n && (!b.last_arrived || at < *b.last_arrived)) {
      b.last_arrived = at;
    }
  }
}

std::uint64_t Ledger::outstanding() const {
  std::uint64_t due = 0;
  for (std::size_t r = 0; r < members_.size(); ++r) {
    for (std::size_t s = 0; s < members_.size(); ++s) {
      const int ri = static_cast<int>(r);
      const int si = static_cast<int>(s);
      if (!counts(ri, si)) continue;
      const Pair& p = pair(ri, si);
      if (members_[s].sent + 1 > p.next) due += members_[s].sent + 1 - p.next;
    }
  }
  return due;
}

DeliveryTotals Ledger::totals() const {
  DeliveryTotals t;
  t.corrupted = corrupted_;
  for (const Member& m : members_)
    t.sent += m.sent;
  for (std::size_t r = 0; r < members_.size(); ++r) {
    for (std::size_t s = 0; s < members_.size(); ++s) {
      if (!counts(static_cast<int>(r), static_cast<int>(s))) continue;
      const Pair& p = pair(static_cast<int>(r), static_cast<int>(s));
      t.expected += members_[s].sent;
      t.delivered += p.delivered;
      t.duplicated += p.duplicated;
      t.reordered += p.reordered;
      t.lost += p.missing.size();
      if (members_[s].sent + 1 > p.next) t.lost += members_[s].sent + 1 - p.next;
    }
  }
  return t;
}

void Ledger::burst_sent(int sender, std::uint64_t first, std::uint64_t last, TimePoint at) {
  bursts_.push_back({sender, first, last, at, std::nullopt});
}

void Ledger::saw_join(std::string_view nick, std::string_view room) {
  Announcement& a = announced_[std::string(nick)];
  if (a.room.empty()) a.room = room;
}

void Ledger::saw_quit(std::string_view nick, std::string_view reason, TimePoint at) {
  Announcement& a = announced_[std::string(nick)];
  if (a.quit_reason) return;
  a.quit_reason = std::string(reason);
  a.quit_at = at;
}

const Announcement* Ledger::announcement(std::string_view nick) const {
  const auto it = announced_.find(std::string(nick));
  return it == announced_.end() ? nullptr : &it->second;
}

void Ledger::anomaly(std::string text) {
  if (anomalies_.size() < kAnomaliesKept) anomalies_.push_back(std::move(text));
}

}  // namespace soak
