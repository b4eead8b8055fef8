// Probe (see probe.h).
#include "tests/soak/probe.h"

#include <fmt/format.h>

#include "tests/soak/protocol.h"

namespace soak {
namespace {
constexpr auto kAskEvery = std::chrono::seconds(1);
constexpr auto kGiveUpAfter = std::chrono::seconds(5);  // counted once as a timeout
constexpr std::string_view kProbeNick = "probe";
}  // namespace

void Probe::on_welcome() {
  send(fmt::format("/nick {}\n/join {}\n", kProbeNick, kJunkRoom));
}

void Probe::on_refused() {
  score_.fail("probe", "refused: " + refusal());
  close_fin();
}

void Probe::tick(TimePoint now) {
  if (!ready_ || !is_open()) return;
  if (asked_at_) {
    if (!timed_out_ && now - *asked_at_ > kGiveUpAfter) {
      timed_out_ = true;
      ++timeouts_;
      score_.fail("probe", "no /who reply within 5 s");
    }
    return;
  }
  if (now < next_ask_) return;
  asked_at_ = now;
  timed_out_ = false;
  next_ask_ = now + kAskEvery;
  send("/who\n");
}

void Probe::on_chat_line(std::string_view line) {
  if (auto said = parse_said(line)) return check_relayed(said->nick, said->text);
  if (is_who_header(line, kJunkRoom) && asked_at_) {
    const std::chrono::duration<double, std::milli> rtt = Clock::now() - *asked_at_;
    rtt_ms_.push_back(rtt.count());
    asked_at_.reset();
    return;
  }
  if (auto join = parse_join(line); join && join->nick == kProbeNick) {
    ready_ = true;
    next_ask_ = Clock::now();
    return;
  }
  if (line == kShutdownLine) saw_shutdown_ = true;
}

void Probe::check_relayed(std::string_view nick, std::string_view text) {
  ++relayed_checked_;
  if (nick.starts_with(kNulNickPrefix)) {
    score_.fail("junk/NUL", fmt::format("a line of {} was relayed ({} bytes)", nick, text.size()));
    return;
  }
  const std::string why = sanitize_violation(text);
  if (!why.empty()) {
    score_.fail("junk/binary", fmt::format("unsanitised line relayed from {}: {}", nick, why));
  }
}

void Probe::on_end() {
  if (shutdown_expected_) return;
  score_.fail("probe", "disconnected: " + describe_end());
}

}  // namespace soak
