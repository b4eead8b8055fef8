// The probe: sits in #junk, sends /who once a second and times the reply (chatd must stay
// responsive whatever else is going on), and checks that every line the junk clients got
// relayed was sanitised, and that NUL-only lines were not relayed at all.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tests/soak/client.h"
#include "tests/soak/scoreboard.h"

namespace soak {

inline constexpr std::string_view kJunkRoom = "#junk";
inline constexpr std::string_view kNulNickPrefix = "jnul";

class Probe : public ChatClient {
 public:
  Probe(Poller& poller, Scoreboard& score) : ChatClient(poller), score_(score) {}

  bool ready() const { return ready_; }
  void tick(TimePoint now);
  void expect_shutdown() { shutdown_expected_ = true; }
  bool saw_shutdown_line() const { return saw_shutdown_; }

  const std::vector<double>& rtt_ms() const { return rtt_ms_; }  // one per /who
  std::uint64_t timeouts() const { return timeouts_; }
  std::uint64_t relayed_checked() const { return relayed_checked_; }

 protected:
  void on_welcome() override;
  void on_refused() override;
  void on_chat_line(std::string_view line) override;
  void on_end() override;

 private:
  void check_relayed(std::string_view nick, std::string_view text);

  Scoreboard& score_;
  bool ready_ = false;
  bool shutdown_expected_ = false;
  bool saw_shutdown_ = false;
  std::optional<TimePoint> asked_at_;  // a /who is out
  bool timed_out_ = false;             // ... and was already counted as too slow
  TimePoint next_ask_;
  std::vector<double> rtt_ms_;
  std::uint64_t timeouts_ = 0;
  std::uint64_t relayed_checked_ = 0;
};

}  // namespace soak
