// Chatter (see chatter.h).
#include "tests/soak/chatter.h"

#include <fmt/format.h>

#include <charconv>

#include "tests/soak/protocol.h"

namespace soak {
namespace {

constexpr int kMaxLinesPerTick = 5;
constexpr auto kKeepAliveEvery =
    std::chrono::seconds(5);  // a stalled soak catches up gently, not in one burst
constexpr std::string_view kSeq = "SEQ:";

std::chrono::nanoseconds period(double per_second) {
  return std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 / per_second));
}

}  // namespace

char pad_byte(std::uint64_t n, std::size_t i) {
  return static_cast<char>('a' + (n + i) % 26);
}

Chatter::Chatter(Poller& poller, Ledger& ledger, Scoreboard& score, int id, ChatterPlan plan)
    : ChatClient(poller), ledger_(ledger), score_(score), id_(id), plan_(std::move(plan)) {}

void Chatter::on_welcome() {
  send(fmt::format("/nick {}\n/join {}\n", plan_.nick, plan_.room));
}

void Chatter::on_refused() {
  score_.fail("chatter", fmt::format("{} was refused: {}", plan_.nick, refusal()));
  close_fin();
}

void Chatter::start_sending(TimePoint now) {
  sending_ = true;
  next_at_ = now + period(plan_.rate) * (id_ % 10) / 10;  // spread the chatters out
}

void Chatter::tick(TimePoint now) {
  if (!ready_ || !is_open()) return;
  if (!sending_) {
    // Quiet (waiting to start, or draining): a /who now and then stays clear of --idle-timeout.
    if (now < next_at_) return;
    next_at_ = now + kKeepAliveEvery;
    return send("/who\n");
  }
  if (plan_.burst_lines > 0) {
    if (now < next_at_) return;
    ledger_.burst_sent(id_, next_, next_ + plan_.burst_lines - 1, now);
    send_lines(plan_.burst_lines);
    next_at_ = now + period(plan_.rate);
    return;
  }
  int lines = 0;
  while (next_at_ <= now && lines < kMaxLinesPerTick) {
    ++lines;
    next_at_ += period(plan_.rate);
  }
  if (next_at_ <= now) next_at_ = now;  // too far behind: drop the backlog of the schedule
  if (lines > 0) send_lines(lines);
}

void Chatter::send_lines(int count) {
  batch_.clear();
  for (int k = 0; k < count; ++k) {
    const std::size_t start = batch_.size();
    fmt::format_to(std::back_inserter(batch_), "{}{}:{}:", kSeq, plan_.nick, next_);
    const std::size_t prefix = batch_.size() - start;
    const std::size_t pad = plan_.line_bytes > prefix ? plan_.line_bytes - prefix : 1;
    for (std::size_t i = 0; i < pad; ++i)
      batch_.push_back(pad_byte(next_, i));
    batch_.push_back('\n');
    ledger_.sent(id_, next_);
    ++next_;
  }
  send(batch_);
}

void Chatter::on_chat_line(std::string_view line) {
  if (auto said = parse_said(line)) return on_message(said->nick, said->text);
  if (line.starts_with("*** ")) return on_notice(line);
  if (line.starts_with("! ")) {
    score_.fail("chatter", fmt::format("{} got an error: {}", plan_.nick, line));
  }
}

// `<from> SEQ:<from>:<n>:<pad>` from another chatter of this room.
void Chatter::on_message(std::string_view from, std::string_view text) {
  const int sender = ledger_.id_of(from);
  if (sender < 0) return;  // an RST client or a junk client passing through
  const std::string prefix = fmt::format("{}{}:", kSeq, from);
  if (sender == id_ || !text.starts_with(prefix)) return ledger_.corrupted();
  text.remove_prefix(prefix.size());
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end == text.data() + text.size() || *end != ':') {
    return ledger_.corrupted();
  }
  const std::string_view pad = text.substr(static_cast<std::size_t>(end - text.data()) + 1);
  ledger_.received(id_, sender, n, payload_intact(pad, n), Clock::now());
}

bool Chatter::payload_intact(std::string_view pad, std::uint64_t n) const {
  for (std::size_t i = 0; i < pad.size(); ++i) {
    if (pad[i] != pad_byte(n, i)) return false;
  }
  return !pad.empty();
}

void Chatter::on_notice(std::string_view line) {
  if (auto quit = parse_quit(line)) return ledger_.saw_quit(quit->nick, quit->reason, Clock::now());
  if (auto join = parse_join(line)) {
    if (join->nick == plan_.nick && join->room == plan_.room) {
      ready_ = true;
    } else {
      ledger_.saw_join(join->nick, join->room);
    }
    return;
  }
  if (line == kShutdownLine) saw_shutdown_ = true;
}

void Chatter::on_end() {
  if (shutdown_expected_) return;
  ledger_.disconnected(id_);
  score_.fail("chatter", fmt::format("{} was disconnected: {}", plan_.nick, describe_end()));
}

}  // namespace soak
