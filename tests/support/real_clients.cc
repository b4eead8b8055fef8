// Helpers for the real-client tests (see real_clients.h).
#include "tests/support/real_clients.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

namespace chatd::test {

using namespace std::chrono_literals;

PrivateTmux::PrivateTmux(std::string command) : socket_("chatd-test-" + std::to_string(getpid())) {
  const ToolResult r = run_tool(
      {"tmux", "-L", socket_, "new-session", "-d", "-s", "t", "-x", "200", "-y", "50", command},
      within(10s));
  if (r.exit_code() != 0) throw std::runtime_error("tmux new-session failed: " + r.output);
}

PrivateTmux::~PrivateTmux() {
  run_tool({"tmux", "-L", socket_, "kill-server"}, within(10s));
}

void PrivateTmux::type(const std::string& keys) {
  run_tool({"tmux", "-L", socket_, "send-keys", "-t", "t", "-l", keys}, within(5s));
  run_tool({"tmux", "-L", socket_, "send-keys", "-t", "t", "Enter"}, within(5s));
}

std::string irssi_config(const std::filesystem::path& home, const std::string& server) {
  return "servers = (\n  " + server + R"(
);
chatnets = { chatd = { type = "IRC"; }; };
channels = ( { name = "#lobby"; chatnet = "chatd"; autojoin = "yes"; } );
settings = {
  core = { real_name = "Alice Irssi"; user_name = "alice"; nick = "alice"; };
  "fe-common/core" = {
    autolog = "yes";
    autolog_level = "all";
    autolog_path = ")" +
         (home / "logs/$tag/$0.log").string() + R"(";
  };
};
)";
}

HeadlessWeechat::HeadlessWeechat(const std::string& commands)
    : process_({{"weechat-headless", "--dir", dir_.path().string(), "-r",
                 "/set logger.file.flush_delay 0; /set fifo.file.enabled on; " + commands},
                {},
                false}) {}

HeadlessWeechat::~HeadlessWeechat() {
  if (process_.send_signal(SIGKILL)) process_.wait_exit(within(10s));
}

std::string HeadlessWeechat::log(const std::string& buffer) const {
  return dir_.read("logs/" + buffer + ".weechatlog");
}

bool HeadlessWeechat::type(const std::string& buffer, const std::string& text, Deadline deadline) {
  const std::string line = buffer + " *" + text + "\n";
  // Up to PIPE_BUF bytes go into a pipe whole or not at all: a retry never repeats a part.
  if (line.size() > PIPE_BUF) throw std::runtime_error("line too long for WeeChat's FIFO");
  const std::string fifo =
      (dir_.path() / ("weechat_fifo_" + std::to_string(process_.pid()))).string();
  for (;;) {
    // Non-blocking, so that with no reader (WeeChat not up yet, or gone) open fails at once
    // instead of waiting for one.
    const int fd = open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) {
      const ssize_t n = write(fd, line.data(), line.size());
      close(fd);
      if (n == static_cast<ssize_t>(line.size())) return true;
    }
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
}

std::string weechat_lobby_commands(const std::string& address, const std::string& settings) {
  return "/server add chatd " + address + "; " + (settings.empty() ? "" : settings + "; ") +
         "/set irc.server.chatd.nicks bob; /set irc.server.chatd.autojoin #lobby; /connect chatd";
}

}  // namespace chatd::test
