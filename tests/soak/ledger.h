// The delivery ledger: every sequence-numbered message of each well-behaved chatter must reach
// every other member of its room exactly once and in order. It also keeps what the rooms saw
// announced (joins, quits and their reasons), which the checks of the misbehaving kinds read.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tests/soak/client.h"

namespace soak {

struct DeliveryTotals {
  std::uint64_t sent = 0;
  std::uint64_t expected = 0;  // sent x (members of the room - 1), for members still connected
  std::uint64_t delivered = 0;
  std::uint64_t lost = 0;
  std::uint64_t duplicated = 0;
  std::uint64_t reordered = 0;
  std::uint64_t corrupted = 0;  // payload or sender name damaged
};

// A flooder's burst: lines first..last written at once. Flood control must delay, not drop.
struct Burst {
  int sender = 0;
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  TimePoint sent_at;
  std::optional<TimePoint> last_arrived;  // earliest arrival of `last` at any member
};

struct Announcement {
  std::string room;  // where the join was seen
  std::optional<std::string> quit_reason;
  TimePoint quit_at;
};

class Ledger {
 public:
  // A chatter, present from the start; its id indexes everything else.
  int add_member(std::string nick, int room);
  int id_of(std::string_view nick) const;
  const std::string& nick(int id) const { return members_[id].nick; }
  std::size_t size() const { return members_.size(); }

  void sent(int sender, std::uint64_t n) { members_[sender].sent = n; }
  void received(int receiver, int sender, std::uint64_t n, bool intact, TimePoint at);
  // A line from a chatter's nick that is not one of its messages.
  void corrupted() { ++corrupted_; }
  // A member cut off: it and its pairs leave the loss count (its disconnection fails anyway).
  void disconnected(int member) { members_[member].connected = false; }
  // Deliveries still due between connected members.
  std::uint64_t outstanding() const;
  DeliveryTotals totals() const;  // open gaps and outstanding deliveries count as lost

  void burst_sent(int sender, std::uint64_t first, std::uint64_t last, TimePoint at);
  const std::vector<Burst>& bursts() const { return bursts_; }

  void saw_join(std::string_view nick, std::string_view room);
  void saw_quit(std::string_view nick, std::string_view reason, TimePoint at);
  const Announcement* announcement(std::string_view nick) const;

  // The first few anomalies, in words, for the report.
  const std::vector<std::string>& anomalies() const { return anomalies_; }

 private:
  struct Member {
    std::string nick;
    int room = 0;
    bool connected = true;
    std::uint64_t sent = 0;
  };
  struct Pair {  // what one receiver has seen from one sender
    std::uint64_t next = 1;
    std::uint64_t delivered = 0;
    std::uint64_t duplicated = 0;
    std::uint64_t reordered = 0;
    std::set<std::uint64_t> missing;  // skipped numbers that may still come (late = reordered)
  };
  Pair& pair(int receiver, int sender) { return pairs_[receiver * members_.size() + sender]; }
  const Pair& pair(int receiver, int sender) const {
    return pairs_[receiver * members_.size() + sender];
  }
  bool counts(int receiver, int sender) const;
  void anomaly(std::string text);

  std::vector<Member> members_;
  std::vector<Pair> pairs_;  // members x members, resized as members are added
  std::unordered_map<std::string, int> by_nick_;
  std::uint64_t corrupted_ = 0;
  std::vector<Burst> bursts_;
  std::unordered_map<std::string, Announcement> announced_;
  std::vector<std::string> anomalies_;
};

}  // namespace soak
