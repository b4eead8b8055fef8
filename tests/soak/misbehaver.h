// The base of every misbehaving client: it plays its script on tick() until it reaches one
// outcome (handled by the rule meant for it, refused at admission, or failed, with why), and
// when the run ends before that it is counted as unresolved, or as failed if it is overdue.
#pragma once

#include <string>

#include "tests/soak/client.h"
#include "tests/soak/scoreboard.h"

namespace soak {

class Misbehaver : public ChatClient {
 public:
  Misbehaver(Poller& poller, Scoreboard& score, std::string kind, std::string nick);

  // Connects to chatd; a connect that fails at once is a failure of this client.
  void start(const sockaddr_in& to, TimePoint now, const ConnectOptions& options = {});
  virtual void tick(TimePoint now) = 0;
  bool done() const { return outcome_ != Outcome::kPending; }
  // The load is over: settle now if what the client has seen already proves its rule.
  virtual void wind_down() {}
  // The run is over: settle a client that has not reached its outcome yet.
  void abandon(TimePoint now);
  const std::string& nick() const { return nick_; }

 protected:
  // Each sets the outcome once, scores it and closes the connection (RST if `reset`).
  void handled(bool reset = false);
  void failed(std::string why);
  void on_refused() override;
  // Overdue clients fail when the run ends; the others are just unresolved.
  virtual bool overdue(TimePoint now) const = 0;

  Scoreboard& score_;
  std::string kind_;
  std::string nick_;
  TimePoint started_at_;

 private:
  enum class Outcome { kPending, kHandled, kRefused, kFailed, kUnresolved };
  Outcome outcome_ = Outcome::kPending;
};

}  // namespace soak
