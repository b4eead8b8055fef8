// History: the last lines said in each room, replayed to whoever joins. A line
// is kept as references to two renderings of its broadcast, plain and untagged
// IRC: shared with the members who got them, or made once for history when no
// member used that form; the replays (plain with times,
// IRC with server-time and batch tags) are made from those the first time a
// joiner needs one and shared by every later joiner.
//
// Bounded per room (lines) and in total (bytes of the blocks kept): past the
// total, the oldest lines of any room go first. A run of lines relayed together
// (Chat::say_later) is one block, so it is kept or dropped whole: a room keeps
// at most its limit of lines, fewer when a run straddles it, and its newest run
// however long (a run is at most 512 lines). In memory only, so a restart
// forgets it; and a room's history goes with the room when its last member
// leaves, since a room made again under that name (perhaps without the key or
// the invitation list it had) must not show what was said in it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "reactor/intrusive_list.h"
#include "reactor/message.h"

namespace chatd {

class RoomHistory;
struct RoomOrderTag;
struct AgeOrderTag;

// The replays a line may need, one slot each.
namespace replay {
inline constexpr std::size_t kPlain = 0;         // "[12:34] <alice> hi"
inline constexpr std::size_t kIrcTime = 1;       // "@time=... :alice!... PRIVMSG ..."
inline constexpr std::size_t kIrcBatch = 2;      // "@batch=... :alice!..."
inline constexpr std::size_t kIrcBatchTime = 3;  // "@batch=...;time=... :alice!..."
inline constexpr std::size_t kCount = 4;
}  // namespace replay

struct HistoryLine : reactor::ListHook<RoomOrderTag>, reactor::ListHook<AgeOrderTag> {
  std::int64_t time_ms = 0;
  reactor::MessageRef plain;  // "<alice> hi\r\n" (a run of lines said at once: several)
  reactor::MessageRef irc;    // ":alice!~nc@host PRIVMSG #room :hi\r\n"
  std::uint32_t lines = 1;    // said lines in the blocks
  std::array<reactor::MessageRef, replay::kCount> replays;
  RoomHistory* room = nullptr;
  std::size_t bytes = 0;  // what keeping it costs: the blocks it holds, and itself
};

// Every room's history together: the total and the order of age.
class HistoryStore {
 public:
  struct Limits {
    std::size_t lines_per_room = 20;  // 0: no history
    std::size_t max_bytes = std::size_t{64} << 20;
  };

  explicit HistoryStore(Limits limits) : limits_(limits) {}
  HistoryStore(const HistoryStore&) = delete;
  HistoryStore& operator=(const HistoryStore&) = delete;

  // Lowered limits drop the oldest lines at once.
  void set_limits(Limits limits);
  const Limits& limits() const { return limits_; }
  bool enabled() const { return limits_.lines_per_room != 0 && limits_.max_bytes != 0; }

  std::size_t lines() const { return by_age_.size(); }
  std::size_t bytes() const { return bytes_; }

 private:
  friend class RoomHistory;
  void add(HistoryLine& line);
  void grew(HistoryLine& line, std::size_t more);
  void forget(HistoryLine& line);
  void trim();

  Limits limits_;
  reactor::IntrusiveList<HistoryLine, AgeOrderTag> by_age_;  // oldest first
  std::size_t bytes_ = 0;
};

class RoomHistory {
 public:
  explicit RoomHistory(HistoryStore& store) : store_(store) {}
  RoomHistory(const RoomHistory&) = delete;
  RoomHistory& operator=(const RoomHistory&) = delete;
  ~RoomHistory();

  // Keeps `lines` lines said together at `time_ms`, dropping the room's oldest
  // past the limit.
  void record(std::int64_t time_ms, std::uint32_t lines, reactor::MessageRef plain,
              reactor::MessageRef irc);

  // Runs kept, and the lines in them.
  std::size_t size() const { return lines_.size(); }
  std::size_t line_count() const { return line_count_; }
  // f(HistoryLine&) for each line kept, oldest first. The replays f makes count
  // against the total once the walk is over (then the oldest lines may go).
  template <class F>
  void for_each(F&& f);

  // The replay in `slot` of `line`, made by make(line) the first time (within
  // for_each).
  template <class Make>
  const reactor::MessageRef& replay(HistoryLine& line, std::size_t slot, Make&& make);

  // Oldest runs go while the room keeps more than `lines` lines, but never the
  // newest, unless `lines` is 0 (then all go).
  void trim_to(std::size_t lines);

 private:
  friend class HistoryStore;
  void drop(HistoryLine& line);

  HistoryStore& store_;
  reactor::IntrusiveList<HistoryLine, RoomOrderTag> lines_;  // oldest first
  std::size_t line_count_ = 0;
};

class RenderCache;

// The renderings a line is kept as, taken from (or added to) its broadcast's
// cache: plain, and IRC without tags.
struct HistoryRenderers {
  reactor::MessageRef (*plain)(RenderCache&) = nullptr;
  reactor::MessageRef (*irc)(RenderCache&) = nullptr;
};

// `block`, each of its CRLF-ended lines preceded by `prefix`: one new block.
reactor::MessageRef prefix_each_line(std::string_view block, std::string_view prefix);

template <class F>
void RoomHistory::for_each(F&& f) {
  for (HistoryLine* l = lines_.front(); l != nullptr; l = lines_.next(*l))
    f(*l);
  store_.trim();
}

template <class Make>
const reactor::MessageRef& RoomHistory::replay(HistoryLine& line, std::size_t slot, Make&& make) {
  reactor::MessageRef& r = line.replays[slot];
  if (!r) {
    r = make(line);
    if (r) store_.grew(line, r.size());
  }
  return r;
}

}  // namespace chatd
