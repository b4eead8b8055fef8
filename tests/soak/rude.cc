// Slowloris, NeverReader and RstClient (see rude.h).
#include "tests/soak/rude.h"

#include <fmt/format.h>

#include "tests/soak/protocol.h"

namespace soak {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr auto kByteEvery = milliseconds(2500);
constexpr auto kSlowLifetime = seconds(30);
constexpr auto kReplyWithin = seconds(10);
constexpr auto kIdleEarly = milliseconds(1500);  // the idle sweep runs once a second
constexpr auto kIdleLate = seconds(5);
constexpr auto kJoinWithin = seconds(30);
constexpr auto kPingEvery = seconds(5);  // keeps a never-reader clear of --idle-timeout
constexpr auto kQuitSeenWithin = seconds(10);
constexpr std::string_view kSlowLine = "/who\n";
constexpr std::string_view kLobby = "#lobby";

double seconds_between(TimePoint from, TimePoint to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace

Slowloris::Slowloris(Poller& poller, Scoreboard& score, int serial, bool completes_lines,
                     unsigned idle_timeout_s)
    : Misbehaver(poller, score, completes_lines ? "slowloris/lines" : "slowloris/partial",
                 fmt::format("slow{}", serial)),
      completes_lines_(completes_lines),
      idle_timeout_s_(idle_timeout_s) {}

TimePoint Slowloris::lifetime_end() const {
  if (completes_lines_ || idle_timeout_s_ == 0) return started_at_ + kSlowLifetime;
  return started_at_ + seconds(idle_timeout_s_) + kIdleLate;
}

void Slowloris::tick(TimePoint now) {
  if (done() || !connected()) return;
  if (asked_at_ && now - *asked_at_ > kReplyWithin) {
    return failed("a /who sent a byte at a time got no reply within 10 s");
  }
  if (now >= lifetime_end()) {
    if (!completes_lines_ && idle_timeout_s_ > 0) {
      return failed(fmt::format(
          "not cut {:.0f} s after connecting with --idle-timeout {}: bytes with no newline "
          "kept it alive",
          seconds_between(started_at_, now), idle_timeout_s_));
    }
    if (!asked_at_) handled();
    return;
  }
  if (now < next_byte_at_) return;
  next_byte_at_ = now + kByteEvery;
  const char byte = completes_lines_ ? kSlowLine[bytes_sent_ % kSlowLine.size()] : 'z';
  ++bytes_sent_;
  send(std::string_view(&byte, 1));
  if (byte == '\n') {
    ++lines_sent_;
    asked_at_ = now;
  }
}

void Slowloris::wind_down() {
  if (completes_lines_ && replies_ > 0 && !asked_at_) handled();
}

void Slowloris::on_chat_line(std::string_view line) {
  if (is_who_header(line, kLobby) && asked_at_) {
    ++replies_;
    asked_at_.reset();
  }
}

void Slowloris::on_end() {
  const double after = seconds_between(started_at_, Clock::now());
  if (completes_lines_ || idle_timeout_s_ == 0) {
    return failed(fmt::format("chatd ended it after {:.1f} s: {}", after, describe_end()));
  }
  const auto early = seconds(idle_timeout_s_) - kIdleEarly;
  if (Clock::now() - started_at_ < early) {
    return failed(
        fmt::format("cut after {:.1f} s, before --idle-timeout {}", after, idle_timeout_s_));
  }
  handled();
}

bool Slowloris::overdue(TimePoint now) const {
  if (asked_at_ && now - *asked_at_ > kReplyWithin) return true;
  return !completes_lines_ && idle_timeout_s_ > 0 && now >= lifetime_end();
}

NeverReader::NeverReader(Poller& poller, Scoreboard& score, const Ledger& ledger, int serial,
                         std::string room, double cut_within_s)
    : Misbehaver(poller, score, "never-reader", fmt::format("nr{}", serial)),
      ledger_(ledger),
      room_(std::move(room)),
      cut_within_s_(cut_within_s) {}

void NeverReader::on_welcome() {
  send(fmt::format("/nick {}\n/join {}\n", nick_, room_));
}

void NeverReader::on_chat_line(std::string_view line) {
  const auto join = parse_join(line);
  if (joined_at_ || !join || join->nick != nick_) return;
  joined_at_ = Clock::now();
  next_ping_ = *joined_at_ + kPingEvery;
  set_reading(false);  // from here on chatd's output for it piles up
}

void NeverReader::tick(TimePoint now) {
  if (done()) return;
  if (!joined_at_) {
    if (now - started_at_ > kJoinWithin) failed("did not get into its room within 30 s");
    return;
  }
  const Announcement* a = ledger_.announcement(nick_);
  if (a != nullptr && a->quit_reason) {
    if (*a->quit_reason != kTooSlowReason) return failed("quit with reason " + *a->quit_reason);
    cut_after_s_ = seconds_between(*joined_at_, a->quit_at);
    return handled(true);
  }
  if (seconds_between(*joined_at_, now) > cut_within_s_) {
    return failed(
        fmt::format("not cut as a slow consumer within {:.0f} s (chatd had it read {} "
                    "bytes before it stopped reading)",
                    cut_within_s_, bytes_received()));
  }
  if (now >= next_ping_ && is_open()) {
    send("/who\n");
    next_ping_ = now + kPingEvery;
  }
}

bool NeverReader::overdue(TimePoint now) const {
  if (!joined_at_) return now - started_at_ > kJoinWithin;
  return seconds_between(*joined_at_, now) > cut_within_s_;
}

RstClient::RstClient(Poller& poller, Scoreboard& score, const Ledger& ledger, int serial,
                     std::string room)
    : Misbehaver(poller, score, "rst", fmt::format("rst{}", serial)),
      ledger_(ledger),
      room_(std::move(room)),
      serial_(serial) {}

void RstClient::on_welcome() {
  send(fmt::format("/nick {}\n/join {}\n", nick_, room_));
}

void RstClient::on_chat_line(std::string_view line) {
  const auto join = parse_join(line);
  if (reset_at_ || !join || join->nick != nick_) return;
  for (int i = 0; i < serial_ % 3; ++i)
    send(fmt::format("{} says goodbye, abruptly\n", nick_));
  reset_at_ = Clock::now() + milliseconds(100 * (serial_ % 4));
}

void RstClient::tick(TimePoint now) {
  if (done()) return;
  if (!reset_at_) {
    if (now - started_at_ > kJoinWithin) failed("did not get into its room within 30 s");
    return;
  }
  if (!reset_done_) {
    if (now < *reset_at_) return;
    close_rst();
    reset_done_ = true;
    reset_at_ = now;
  }
  const Announcement* a = ledger_.announcement(nick_);
  if (a != nullptr && a->quit_reason) {
    if (*a->quit_reason == kClosedReason) return handled();
    return failed("quit with reason " + *a->quit_reason);
  }
  if (now - *reset_at_ > kQuitSeenWithin) failed("no quit announced within 10 s of its RST");
}

void RstClient::on_end() {
  failed("chatd ended it before its RST: " + describe_end());
}

bool RstClient::overdue(TimePoint now) const {
  if (!reset_at_) return now - started_at_ > kJoinWithin;
  return reset_done_ && now - *reset_at_ > kQuitSeenWithin;
}

}  // namespace soak
