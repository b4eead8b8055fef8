// systemd integration through libsystemd: socket activation and sd_notify.
// Without libsystemd at build time notify() does nothing and socket activation
// is refused with a clear error; chatd then binds its own sockets.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace chatd::systemd {

// A listening socket systemd passed, with its FileDescriptorName= ("unknown"
// when the socket unit set none and LISTEN_FDNAMES is absent).
struct InheritedSocket {
  int fd;
  std::string name;
};

// The listening sockets passed by systemd (LISTEN_FDS with LISTEN_PID naming
// this process), in order; empty when chatd was not socket-activated. A
// LISTEN_PID naming another process is logged and ignored. Throws
// std::runtime_error naming the fd and what it is when a passed fd is not a
// listening TCP socket (a file, a UDP or unix socket, an Accept=yes connection).
std::vector<InheritedSocket> inherited_listen_fds();

// Why `fd` cannot serve as a listening TCP socket ("a regular file", "not
// listening: ..."), or empty when it can.
std::string describe_unusable_listen_fd(int fd);

// Sends `state` (e.g. "READY=1", "STATUS=12 clients") to the service manager if
// there is one (NOTIFY_SOCKET). A failed send is logged once, as a warning.
void notify(const std::string& state);

// The watchdog interval systemd expects pings within (WATCHDOG_USEC, for this
// process per WATCHDOG_PID), in microseconds; 0 when the watchdog is off.
std::uint64_t watchdog_usec();

// CLOCK_MONOTONIC in microseconds: the clock of RELOADING=1's MONOTONIC_USEC=.
std::uint64_t monotonic_usec();

}  // namespace chatd::systemd
