// A plain user who has stopped reading while another filled its path: its goodbye cannot
// leave, so it holds a shutdown's drain open until the drain deadline (or until it reads).
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "tests/support/line_client.h"

namespace chatd::test {

struct StuckReader {
  LineClient sleeper;  // a 4 KiB receive buffer, never read by the test
  LineClient talker;   // sent `lines` lines of `bytes` bytes to the room
};

// Throws std::runtime_error with diagnostics if a step fails.
inline StuckReader stuck_reader(std::uint16_t port, int lines, std::size_t bytes) {
  ClientOptions tiny;
  tiny.recv_buffer = 4096;
  StuckReader r{connect_as(port, "sleeper", default_deadline(), tiny), connect_as(port, "talker")};
  const std::string text(bytes, 't');
  for (int i = 0; i < lines; ++i) {
    if (!r.talker.send_line(text)) throw std::runtime_error("send: " + r.talker.diagnostics());
  }
  // The answer comes once every line before it has been handled and queued.
  if (!r.talker.send_line("/who") || !r.talker.expect_line(starts_with("*** 2 users in"))) {
    throw std::runtime_error("/who: " + r.talker.diagnostics());
  }
  return r;
}

}  // namespace chatd::test
