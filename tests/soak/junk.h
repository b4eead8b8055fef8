// Junk clients, which a chat server must shrug off: random binary bytes, lines over
// --max-line-bytes, 1 MiB with no newline and NUL floods (sent from #junk, where the probe
// checks what gets relayed), and a TLS ClientHello (from the lobby). Each must stay connected
// and be served afterwards: its /who is answered, after one "! line too long" per long line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tests/soak/misbehaver.h"

namespace soak {

enum class JunkKind { kBinary, kOverlong, kMib, kNul, kTls };
inline constexpr int kJunkKinds = 5;

std::string junk_kind_name(JunkKind kind);  // "junk/binary", ...
std::string junk_rule(JunkKind kind);

class JunkClient : public Misbehaver {
 public:
  JunkClient(Poller& poller, Scoreboard& score, JunkKind kind, int serial,
             std::size_t max_line_bytes, std::uint64_t seed);
  void tick(TimePoint now) override;

 protected:
  void on_connected() override;
  void on_welcome() override;
  void on_chat_line(std::string_view line) override;
  void on_end() override;
  bool overdue(TimePoint now) const override;

 private:
  std::string junk() const;       // the junk, a resynchronising newline, then /who
  int expected_too_long() const;  // -1: any number will do

  JunkKind kind_;
  int serial_;
  std::size_t max_line_;
  std::uint64_t seed_;
  bool junk_sent_ = false;
  int too_long_ = 0;
  std::optional<TimePoint> welcomed_at_;
};

}  // namespace soak
