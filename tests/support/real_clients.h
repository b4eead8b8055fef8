// What tests of real clients from Debian (irssi, weechat, ZNC, openssl s_client) share: a
// skip when the program is missing, a private tmux server to run a terminal client in, a
// bounded wait on what a client writes to its log, an irssi home, and weechat-headless
// driven through its FIFO.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>

#include "tests/support/chatd_process.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

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

// weechat-headless with a config dir of its own (a TempDir), its FIFO on and its logs flushed
// at once, that runs `commands` (WeeChat commands separated by ";", as for -r) once started.
// The log of buffer B is dir()/logs/B.weechatlog: "irc.server.chatd" for server chatd,
// "irc.chatd.#lobby" for its #lobby. The destructor SIGKILLs the process by its PID (unless it
// has been reaped) and reaps it, with a deadline.
class HeadlessWeechat {
 public:
  explicit HeadlessWeechat(const std::string& commands);
  ~HeadlessWeechat();
  HeadlessWeechat(const HeadlessWeechat&) = delete;
  HeadlessWeechat& operator=(const HeadlessWeechat&) = delete;

  Subprocess& process() { return process_; }
  const TempDir& dir() const { return dir_; }
  std::string log(const std::string& buffer) const;  // "" until it is written
  // Writes `BUFFER *TEXT` to the FIFO: TEXT typed in BUFFER ("irc.chatd.#lobby"), a command
  // if it starts with "/". Retries until WeeChat has the FIFO open; false at the deadline.
  bool type(const std::string& buffer, const std::string& text, Deadline deadline);

 private:
  TempDir dir_{"weechat"};
  Subprocess process_;
};

// The commands that make WeeChat connect to a server "chatd" at `address` ("HOST/PORT", then
// any /server add options) as nick bob and auto-join #lobby; `settings` (commands separated
// by ";", e.g. server options) run after /server add and before /connect.
std::string weechat_lobby_commands(const std::string& address, const std::string& settings = "");

}  // namespace chatd::test
