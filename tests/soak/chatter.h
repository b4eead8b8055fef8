// A well-behaved chatter: joins its room, sends `SEQ:<nick>:<n>:<pad>` lines at a steady rate
// (or, as the flooder, in bursts far above --flood-rate), reads everything, and checks each
// message from the other chatters into the Ledger. It must never be disconnected.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tests/soak/client.h"
#include "tests/soak/ledger.h"
#include "tests/soak/scoreboard.h"

namespace soak {

struct ChatterPlan {
  std::string nick;
  std::string room;  // "#soak-0", ...
  int room_index = 0;
  double rate = 5;  // lines per second (steady), or bursts per second (flooder)
  std::size_t line_bytes = 64;
  int burst_lines = 0;  // > 0: a flooder, writing this many lines at once
};

class Chatter : public ChatClient {
 public:
  Chatter(Poller& poller, Ledger& ledger, Scoreboard& score, int id, ChatterPlan plan);

  bool ready() const { return ready_; }  // in its room, its own join seen
  void start_sending(TimePoint now);
  void stop_sending() { sending_ = false; }
  void tick(TimePoint now);
  // chatd is being stopped: its goodbye and close are expected from now on.
  void expect_shutdown() { shutdown_expected_ = true; }
  bool saw_shutdown_line() const { return saw_shutdown_; }
  std::uint64_t sent() const { return next_ - 1; }

 protected:
  void on_welcome() override;
  void on_refused() override;
  void on_chat_line(std::string_view line) override;
  void on_end() override;

 private:
  void send_lines(int count);
  void on_message(std::string_view from, std::string_view text);
  void on_notice(std::string_view line);
  bool payload_intact(std::string_view pad, std::uint64_t n) const;

  Ledger& ledger_;
  Scoreboard& score_;
  int id_;
  ChatterPlan plan_;
  bool ready_ = false;
  bool sending_ = false;
  bool shutdown_expected_ = false;
  bool saw_shutdown_ = false;
  std::uint64_t next_ = 1;  // number of the next line to send
  TimePoint next_at_;
  std::string batch_;  // lines built before one send()
};

// The padding of line n: deterministic, so every receiver can check it byte for byte.
char pad_byte(std::uint64_t n, std::size_t i);

}  // namespace soak
