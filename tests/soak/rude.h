// Rude peers: slowloris clients trickling a byte every few seconds (one completes lines and
// must be served, one never ends a line and must be cut by --idle-timeout, "idle" meaning no
// line received), never-readers (must be cut as slow consumers: the room sees "quit (too slow
// to receive)") and RST clients (SO_LINGER 0 right after joining: the room sees the quit).
#pragma once

#include <optional>
#include <string>

#include "tests/soak/ledger.h"
#include "tests/soak/misbehaver.h"

namespace soak {

class Slowloris : public Misbehaver {
 public:
  // `completes_lines`: trickles "/who\n" and expects each answered; otherwise never sends a
  // newline. `idle_timeout_s` 0 means chatd never cuts idle clients.
  Slowloris(Poller& poller, Scoreboard& score, int serial, bool completes_lines,
            unsigned idle_timeout_s);
  void tick(TimePoint now) override;
  void wind_down() override;
  bool completes_lines() const { return completes_lines_; }

 protected:
  void on_chat_line(std::string_view line) override;
  void on_end() override;
  bool overdue(TimePoint now) const override;

 private:
  TimePoint lifetime_end() const;

  bool completes_lines_;
  unsigned idle_timeout_s_;
  TimePoint next_byte_at_;
  std::size_t bytes_sent_ = 0;
  int lines_sent_ = 0;
  int replies_ = 0;
  std::optional<TimePoint> asked_at_;
};

class NeverReader : public Misbehaver {
 public:
  NeverReader(Poller& poller, Scoreboard& score, const Ledger& ledger, int serial, std::string room,
              double cut_within_s);
  void tick(TimePoint now) override;
  std::optional<double> cut_after_s() const { return cut_after_s_; }  // join to quit line

 protected:
  void on_welcome() override;
  void on_chat_line(std::string_view line) override;
  void on_end() override {}  // the room's quit line is what counts
  bool overdue(TimePoint now) const override;

 private:
  const Ledger& ledger_;
  std::string room_;
  double cut_within_s_;
  std::optional<TimePoint> joined_at_;
  TimePoint next_ping_;
  std::optional<double> cut_after_s_;
};

class RstClient : public Misbehaver {
 public:
  RstClient(Poller& poller, Scoreboard& score, const Ledger& ledger, int serial, std::string room);
  void tick(TimePoint now) override;

 protected:
  void on_welcome() override;
  void on_chat_line(std::string_view line) override;
  void on_end() override;
  bool overdue(TimePoint now) const override;

 private:
  const Ledger& ledger_;
  std::string room_;
  int serial_;
  std::optional<TimePoint> reset_at_;  // when it should reset, then when it did
  bool reset_done_ = false;
};

}  // namespace soak
