// Backplane: rooms' recent lines kept in Redis, one capped stream per room,
// so a user joining on any node sees the same lines. A node with members in a
// room keeps its history from the lines it hears; a node about to get its
// first member in a room others are in subscribes, reads the stream, and only
// then lets the joiner in. The kSay script stores and publishes each line in
// one step, so a line is either in what the read returns or heard after it
// (or both: the sequence numbers drop the repeat).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "daemon/chat/chat.h"
#include "daemon/chat/names.h"
#include "daemon/chat/room.h"
#include "daemon/cluster/backplane.h"
#include "reactor/loop.h"
#include "reactor/redis/resp_command.h"

namespace chatd::cluster {
namespace {
// The joiners' bounded wait: past it they join with what this node has.
constexpr std::uint64_t kHistoryWaitMs = 2000;
constexpr std::uint64_t kLoadCheckMs = 100;
// Lines heard for the room while its history is read; more are dropped
// (and the sequence numbers report them).
constexpr std::size_t kMaxHeld = 1024;

// A stream entry's field, from its flat [name, value, ...] list.
std::string_view field_of(const reactor::RespValue& fields, std::string_view name) {
  for (std::size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
    if (fields.text_at(i) == name) return fields.text_at(i + 1);
  }
  return {};
}

}  // namespace

bool Backplane::prepare_rooms(std::span<const std::string_view> rooms, std::function<void()> done) {
  auto left = std::make_shared<std::size_t>(0);
  auto then = std::make_shared<std::function<void()>>(std::move(done));
  for (const std::string_view name : rooms) {
    const Room* r = chat_.find_room(name);
    if (!linked_ || !chat_.history().enabled() || r == nullptr || r->local_size() != 0) continue;
    const std::string channel = names_.room(r->name());
    const auto [it, added] = loads_.try_emplace(channel);
    ++*left;
    it->second.waiting.emplace_back([left, then] {
      if (--*left == 0) (*then)();
    });
    if (added) {
      it->second.room = r->name();
      start_history_load(channel, it->second);
    }
  }
  return *left != 0;
}

void Backplane::start_history_load(const std::string& channel, HistoryLoad& load) {
  load.id = ++next_load_id_;
  load.deadline_ms = loop_.now_ms() + kHistoryWaitMs;
  if (!loads_timer_.active()) loads_timer_.start(kLoadCheckMs, kLoadCheckMs);
  if (channels_.contains(channel)) return ask_history(channel, load);
  subscribe(channel);  // asked once the subscription is confirmed
}

// Without a command link the deadline ends the wait, so joiners never run
// from inside prepare_rooms.
void Backplane::ask_history(const std::string& channel, HistoryLoad& load) {
  if (!commands_.is_up()) return;
  load.asked = true;
  const std::string count = std::to_string(chat_.history().limits().lines_per_room);
  commands_.command(
      reactor::resp_command({"XREVRANGE", names_.history(load.room), "+", "-", "COUNT", count}),
      [this, channel, id = load.id](reactor::RespValue&& v) {
        finish_history_load(channel, id, &v);
      });
}

bool Backplane::hold_while_loading(std::string_view channel, std::string_view bytes) {
  if (loads_.empty()) return false;
  const auto it = loads_.find(std::string(channel));
  if (it == loads_.end()) return false;
  if (it->second.held.size() < kMaxHeld) it->second.held.emplace_back(bytes);
  return true;
}

void Backplane::check_history_loads() {
  const std::uint64_t now = loop_.now_ms();
  std::vector<std::pair<std::string, std::uint64_t>> late;
  for (const auto& [channel, load] : loads_) {
    if (now >= load.deadline_ms) late.emplace_back(channel, load.id);
  }
  for (const auto& [channel, id] : late) {
    const auto it = loads_.find(channel);
    if (it == loads_.end()) continue;
    spdlog::warn("cluster: the history of {} did not arrive in time", it->second.room);
    finish_history_load(channel, id, nullptr);
  }
  if (loads_.empty()) loads_timer_.stop();
}

// The stream's lines first, then those heard meanwhile; then the joiners.
void Backplane::finish_history_load(const std::string& channel, std::uint64_t id,
                                    const reactor::RespValue* reply) {
  const auto it = loads_.find(channel);
  if (it == loads_.end() || it->second.id != id) return;
  HistoryLoad load = std::move(it->second);
  loads_.erase(it);
  if (Room* r = chat_.find_room(load.room); r != nullptr && reply != nullptr) {
    if (reply->is_array()) {
      restore_history(*r, channel, *reply);
    } else if (reply->is_error()) {
      spdlog::warn("cluster: reading the history of {} failed: {}", load.room, reply->str);
    }
  }
  for (const std::string& bytes : load.held)
    on_message(channel, bytes);
  for (const auto& joined : load.waiting)
    joined();
  update_subscription(load.room);
}

// XREVRANGE's entries, newest first: [id, [u, "<created> <nick> <ident>
// <host>", e, envelope]]. Lines from an earlier room of the same name (another
// creation time) are not shown. The newest sequence number read from each
// origin is where its live lines continue.
void Backplane::restore_history(Room& r, const std::string& channel,
                                const reactor::RespValue& entries) {
  r.history().trim_to(0);
  last_seq_.erase(channel);
  auto& last = last_seq_[channel];
  std::vector<std::string_view> lines;
  for (auto entry = entries.elements.rbegin(); entry != entries.elements.rend(); ++entry) {
    if (!entry->is_array() || entry->elements.size() != 2) continue;
    const reactor::RespValue& fields = entry->elements[1];
    std::string_view speaker = field_of(fields, "u");
    const std::optional<Envelope> e = parse_envelope(field_of(fields, "e"));
    std::int64_t created = 0;
    if (!parse_number(take_word(speaker), created) || created != r.created_at() || !e ||
        e->kind != "said") {
      continue;
    }
    const std::string_view nick = take_word(speaker);
    const std::string_view ident = take_word(speaker);
    const std::string_view host = take_word(speaker);
    const std::optional<Event::Kind> kind = said_kind(e->field(2));
    std::int64_t time_ms = 0;
    if (!is_valid_nick(nick) || ident.empty() || host.empty() || !kind ||
        !parse_number(e->field(3), time_ms)) {
      continue;
    }
    if (e->origin != node_id_) {
      std::uint64_t& seen = last[std::string(e->origin)];
      seen = std::max(seen, e->seq);
    }
    split_said_lines(e->payload, lines);
    chat_.remember_said(r, *kind, {nick, ident, host}, lines, time_ms);
  }
}

// The last member anywhere has left: the next room of that name starts clean.
void Backplane::forget_history(std::string_view room) {
  // Isolated, this node may think a room empty that others still use.
  if (!chat_.history().enabled() || !linked_) return;
  commands_.command(reactor::resp_command({"DEL", names_.history(room)}));
}

}  // namespace chatd::cluster
