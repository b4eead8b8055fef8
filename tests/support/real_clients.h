// What tests of real clients from Debian (irssi, weechat, ZNC, openssl s_client) share: a
// skip when the program is missing, a private tmux server to run a terminal client in, a
// bounded wait on what a client writes to its log, and an irssi home.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>

#include "tests/support/chatd_process.h"
#include "tests/support/subprocess.h"

namespace chatd::test {

// Skips the current test, saying so, when `name` is not in PATH.
#define REQUIRE_PROGRAM(name)                                                     \
  do {                                                                            \
    if (!::chatd::test::have_program(name)) {                                     \
      GTEST_SKIP() << name << " is not installed (scripts/setup.sh installs it)"; \
    }                                                                             \
  } while (false)

// Polls `read()` every 100 ms until `pattern` matches somewhere in it, or the deadline. For
// files another process writes (a client's log), which cannot be waited on otherwise.
template <class Read>
bool eventually_matches(Read read, const std::string& pattern, Deadline deadline) {
  const std::regex re(pattern);
  for (;;) {
    if (std::regex_search(read(), re)) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// A tmux server of our own (its own socket name), killed with everything in it at the end.
class PrivateTmux {
 public:
  explicit PrivateTmux(std::string command);
  ~PrivateTmux();
  PrivateTmux(const PrivateTmux&) = delete;
  PrivateTmux& operator=(const PrivateTmux&) = delete;
  void type(const std::string& keys);  // the keys, then Enter

 private:
  std::string socket_;
};

// An irssi config for nick alice (user alice) that joins #lobby on network "chatd" and logs
// everything under HOME/logs/$tag/$0.log, so #lobby's log is HOME/logs/chatd/#lobby.log.
// `server` is one entry of its `servers` list, e.g. `{ address = "127.0.0.1"; chatnet =
// "chatd"; port = "6667"; autoconnect = "yes"; }`, or empty for none (connect with /connect).
std::string irssi_config(const std::filesystem::path& home, const std::string& server);

}  // namespace chatd::test
