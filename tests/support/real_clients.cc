// Helpers for the real-client tests (see real_clients.h).
#include "tests/support/real_clients.h"

#include <unistd.h>

#include <stdexcept>

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

}  // namespace chatd::test
