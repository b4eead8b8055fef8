// Plain history replay: references to one "[HH:MM] " rendering per kept line,
// made by the first joiner who needs it.
#include "daemon/plain/history_replay.h"

#include <fmt/chrono.h>

#include <ctime>

#include "daemon/chat/room.h"
#include "daemon/plain/plain_session.h"
#include "daemon/plain/replies.h"

namespace chatd {
namespace {

reactor::MessageRef with_time(const HistoryLine& line) {
  if (!line.plain) return {};
  const std::time_t seconds = line.time_ms / 1000;
  return prefix_each_line(line.plain.view(), fmt::format("[{:%H:%M}] ", fmt::gmtime(seconds)));
}

}  // namespace

void replay_history(PlainSession& s, const Room& room) {
  RoomHistory& history = room.history();
  if (history.size() == 0) return;
  s.send(reactor::format_line(replies::kHistoryHeader, room.name()));
  history.for_each([&s, &history](HistoryLine& line) {
    if (const reactor::MessageRef& m = history.replay(line, replay::kPlain, with_time)) s.send(m);
  });
  s.send(reactor::make_line(replies::kHistoryTrailer));
}

}  // namespace chatd
