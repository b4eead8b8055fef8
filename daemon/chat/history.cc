// History: recording, the two limits, and the prefixing that makes replays.
#include "daemon/chat/history.h"

#include <string>
#include <unordered_set>

namespace chatd {

// Trimming a room drops lines anywhere in the order of age, so the rooms are
// gathered first.
void HistoryStore::set_limits(Limits limits) {
  limits_ = limits;
  std::unordered_set<RoomHistory*> rooms;
  for (HistoryLine* l = by_age_.front(); l != nullptr; l = by_age_.next(*l))
    rooms.insert(l->room);
  for (RoomHistory* room : rooms)
    room->trim_to(limits_.lines_per_room);
  trim();
}

void HistoryStore::add(HistoryLine& line) {
  by_age_.push_back(line);
  bytes_ += line.bytes;
}

void HistoryStore::grew(HistoryLine& line, std::size_t more) {
  line.bytes += more;
  bytes_ += more;
}

void HistoryStore::forget(HistoryLine& line) {
  by_age_.remove(line);
  bytes_ -= line.bytes;
}

void HistoryStore::trim() {
  while (bytes_ > limits_.max_bytes) {
    HistoryLine* oldest = by_age_.front();
    oldest->room->drop(*oldest);
  }
}

RoomHistory::~RoomHistory() {
  while (HistoryLine* l = lines_.front())
    drop(*l);
}

void RoomHistory::record(std::int64_t time_ms, std::uint32_t lines, reactor::MessageRef plain,
                         reactor::MessageRef irc) {
  if (!store_.enabled()) return;
  auto* line = new HistoryLine;
  line->time_ms = time_ms;
  line->lines = lines;
  line->bytes = sizeof(HistoryLine) + (plain ? plain.size() : 0) + (irc ? irc.size() : 0);
  line->plain = std::move(plain);
  line->irc = std::move(irc);
  line->room = this;
  lines_.push_back(*line);
  line_count_ += lines;
  store_.add(*line);
  trim_to(store_.limits().lines_per_room);
  store_.trim();
}

void RoomHistory::trim_to(std::size_t lines) {
  while (line_count_ > lines && lines_.size() > 1)
    drop(*lines_.front());
  if (lines == 0 && !lines_.empty()) drop(*lines_.front());
}

void RoomHistory::drop(HistoryLine& line) {
  lines_.remove(line);
  line_count_ -= line.lines;
  store_.forget(line);
  delete &line;
}

reactor::MessageRef prefix_each_line(std::string_view block, std::string_view prefix) {
  std::string out;
  out.reserve(block.size() + 4 * prefix.size());
  while (!block.empty()) {
    const std::size_t end = block.find('\n');
    const std::size_t n = end == std::string_view::npos ? block.size() : end + 1;
    out += prefix;
    out += block.substr(0, n);
    block.remove_prefix(n);
  }
  return reactor::MessageRef(reactor::Message::create(out));
}

}  // namespace chatd
