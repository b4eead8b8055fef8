// Misbehaver (see misbehaver.h).
#include "tests/soak/misbehaver.h"

#include <fmt/format.h>

namespace soak {

Misbehaver::Misbehaver(Poller& poller, Scoreboard& score, std::string kind, std::string nick)
    : ChatClient(poller), score_(score), kind_(std::move(kind)), nick_(std::move(nick)) {}

void Misbehaver::start(const sockaddr_in& to, TimePoint now, const ConnectOptions& options) {
  started_at_ = now;
  score_.started(kind_);
  if (!connect(to, options)) failed("connect failed: " + describe_end());
}

void Misbehaver::abandon(TimePoint now) {
  if (done()) return;
  if (overdue(now)) {
    failed("its rule never took effect");
  } else {
    outcome_ = Outcome::kUnresolved;
    score_.unresolved(kind_);
    close_rst();
  }
}

void Misbehaver::handled(bool reset) {
  if (done()) return;
  outcome_ = Outcome::kHandled;
  score_.handled(kind_);
  if (reset) {
    close_rst();
  } else {
    close_fin();
  }
}

void Misbehaver::failed(std::string why) {
  if (done()) return;
  outcome_ = Outcome::kFailed;
  score_.fail(kind_, fmt::format("{}: {}", nick_, why));
  close_rst();
}

void Misbehaver::on_refused() {
  if (done()) return;
  outcome_ = Outcome::kRefused;
  score_.refused(kind_, refusal());
  close_fin();
}

}  // namespace soak
