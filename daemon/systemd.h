// systemd integration through libsystemd: socket activation and sd_notify.
// Without libsystemd at build time these do nothing, and chatd binds its own
// sockets.
#pragma once

#include <string>
#include <vector>

namespace chatd::systemd {

// The listening sockets passed by systemd (LISTEN_FDS naming this process), in
// order; empty when chatd was not socket-activated. Throws std::runtime_error
// if a passed fd is not a listening TCP socket.
std::vector<int> inherited_listen_fds();

// Sends `state` (e.g. "READY=1", "STATUS=12 clients") to the service manager if
// there is one (NOTIFY_SOCKET); otherwise does nothing.
void notify(const std::string& state);

}  // namespace chatd::systemd
