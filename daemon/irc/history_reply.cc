// IRC history replay. Every joiner with the same capabilities gets references
// to the same tagged renderings, so the batch's reference tag is one constant:
// a client has at most one history batch open, as each is sent whole before
// the next reply starts.
#include "daemon/irc/history_reply.h"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "daemon/chat/room.h"
#include "daemon/irc/irc_render.h"
#include "daemon/irc/irc_service.h"
#include "daemon/irc/irc_session.h"

namespace chatd::irc {
namespace {

constexpr std::string_view kBatchRef = "history";

std::size_t slot_for(Caps caps) {
  const bool time = (caps & kServerTime) != 0;
  if ((caps & kBatch) == 0) return replay::kIrcTime;
  return time ? replay::kIrcBatchTime : replay::kIrcBatch;
}

reactor::MessageRef tagged(const HistoryLine& line, std::size_t slot) {
  if (!line.irc) return {};
  std::string tags = "@";
  if (slot != replay::kIrcTime) fmt::format_to(std::back_inserter(tags), "batch={}", kBatchRef);
  if (slot != replay::kIrcBatch) {
    if (tags.size() > 1) tags += ';';
    tags += "time=" + server_time(line.time_ms);
  }
  tags += ' ';
  return prefix_each_line(line.irc.view(), tags);
}

class HistoryReply final : public PagedReply {
 public:
  explicit HistoryReply(std::vector<reactor::MessageRef> lines) : lines_(std::move(lines)) {}

  bool produce(IrcSession& s, std::size_t budget) override {
    std::size_t sent = 0;
    while (next_ < lines_.size() && sent < budget) {
      sent += lines_[next_].size();
      s.send(std::move(lines_[next_++]));
    }
    return next_ == lines_.size();
  }

 private:
  std::vector<reactor::MessageRef> lines_;
  std::size_t next_ = 0;
};

}  // namespace

std::unique_ptr<PagedReply> history_reply(IrcSession& s, const Room& room) {
  RoomHistory& history = room.history();
  if (history.size() == 0) return nullptr;
  const bool batch = s.has(kBatch);
  const bool time = s.has(kServerTime);
  std::vector<reactor::MessageRef> lines;
  lines.reserve(history.size() + 2);
  if (batch) {
    lines.push_back(reactor::format_line(":{} BATCH +{} chathistory {}", s.irc().server_name(),
                                         kBatchRef, room.name()));
  }
  const std::size_t slot = slot_for(s.caps());
  history.for_each([&](HistoryLine& line) {
    const reactor::MessageRef& m =
        batch || time
            ? history.replay(line, slot, [slot](const HistoryLine& l) { return tagged(l, slot); })
            : line.irc;
    if (m) lines.push_back(m);
  });
  if (batch) {
    lines.push_back(reactor::format_line(":{} BATCH -{}", s.irc().server_name(), kBatchRef));
  }
  return std::make_unique<HistoryReply>(std::move(lines));
}

}  // namespace chatd::irc
