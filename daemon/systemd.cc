// libsystemd calls behind a small interface that compiles away without it, and
// the checks that turn a wrong inherited fd into an error an operator can act on.
#include "daemon/systemd.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <string_view>

#ifdef CHATD_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace chatd::systemd {
namespace {

std::string_view file_kind(mode_t mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a pipe";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a socket";
}

std::string family_name(int domain) {
  switch (domain) {
    case AF_UNIX:
      return "a unix-domain";
    case AF_NETLINK:
      return "a netlink";
    default:
      return fmt::format("an address family {}", domain);
  }
}

int socket_option(int fd, int option) {
  int value = 0;
  socklen_t len = sizeof value;
  if (getsockopt(fd, SOL_SOCKET, option, &value, &len) != 0) return -1;
  return value;
}

// True when LISTEN_FDS is meant for this process. Says so when it is set for
// another one: those sockets are not ours, and the configured addresses are bound.
bool listen_fds_are_ours() {
  const char* fds = std::getenv("LISTEN_FDS");
  if (fds == nullptr) return false;
  const char* pid = std::getenv("LISTEN_PID");
  if (pid != nullptr && std::strtoll(pid, nullptr, 10) == getpid()) return true;
  spdlog::warn(
      "ignoring LISTEN_FDS={}: LISTEN_PID={} does not name this process ({}), so those sockets "
      "belong to another program; binding the configured addresses instead",
      fds, pid == nullptr ? "(unset)" : pid, getpid());
  unsetenv("LISTEN_FDS");
  unsetenv("LISTEN_PID");
  unsetenv("LISTEN_FDNAMES");
  return false;
}

bool notify_warned = false;

}  // namespace

std::string describe_unusable_listen_fd(int fd) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return fmt::format("not open ({})", std::strerror(errno));
  if (!S_ISSOCK(st.st_mode)) return std::string(file_kind(st.st_mode));
  const int domain = socket_option(fd, SO_DOMAIN);
  if (domain != AF_INET && domain != AF_INET6) {
    return family_name(domain) + " socket, not TCP (use ListenStream=[ADDRESS:]PORT)";
  }
  if (socket_option(fd, SO_TYPE) != SOCK_STREAM) {
    return "a datagram socket, not TCP (use ListenStream=, not ListenDatagram=)";
  }
  if (socket_option(fd, SO_ACCEPTCONN) != 1) {
    return "a TCP socket that is not listening (chatd.socket must use Accept=no)";
  }
  return {};
}

std::uint64_t monotonic_usec() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::uint64_t(ts.tv_sec) * 1000000 + std::uint64_t(ts.tv_nsec) / 1000;
}

#ifdef CHATD_HAVE_SYSTEMD

std::vector<InheritedSocket> inherited_listen_fds() {
  if (!listen_fds_are_ours()) return {};
  // unset_environment=1: nothing chatd might start later inherits them.
  char** names = nullptr;
  const int n = sd_listen_fds_with_names(1, &names);
  if (n < 0) {
    throw std::runtime_error(
        fmt::format("socket activation: cannot use LISTEN_FDS: {}", std::strerror(-n)));
  }
  std::vector<InheritedSocket> sockets;
  for (int i = 0; i < n; ++i) {
    sockets.push_back({SD_LISTEN_FDS_START + i, names != nullptr ? names[i] : "unknown"});
    std::free(names != nullptr ? names[i] : nullptr);
  }
  std::free(names);
  for (const InheritedSocket& s : sockets) {
    if (const std::string why = describe_unusable_listen_fd(s.fd); !why.empty()) {
      throw std::runtime_error(
          fmt::format("socket activation: inherited fd {} is {}; chatd needs listening TCP sockets",
                      s.fd, why));
    }
  }
  return sockets;
}

void notify(const std::string& state) {
  const int r = sd_notify(0, state.c_str());
  if (r >= 0 || notify_warned) return;
  notify_warned = true;
  const char* where = std::getenv("NOTIFY_SOCKET");
  spdlog::warn(
      "cannot notify the service manager at NOTIFY_SOCKET={}: {} "
      "(RestrictAddressFamilies= must allow AF_UNIX)",
      where != nullptr ? where : "", std::strerror(-r));
}

std::uint64_t watchdog_usec() {
  std::uint64_t usec = 0;
  const int r = sd_watchdog_enabled(0, &usec);
  if (r < 0) spdlog::warn("ignoring a malformed WATCHDOG_USEC/WATCHDOG_PID: {}", std::strerror(-r));
  return r > 0 ? usec : 0;
}

#else

std::vector<InheritedSocket> inherited_listen_fds() {
  if (!listen_fds_are_ours()) return {};
  throw std::runtime_error(
      "socket activation (LISTEN_FDS) needs chatd built with libsystemd (libsystemd-dev)");
}

void notify(const std::string&) {
  if (notify_warned || std::getenv("NOTIFY_SOCKET") == nullptr) return;
  notify_warned = true;
  spdlog::warn(
      "NOTIFY_SOCKET is set but chatd was built without libsystemd: it cannot report "
      "READY=1; use Type=simple or rebuild with libsystemd-dev");
}

std::uint64_t watchdog_usec() {
  return 0;
}

#endif

}  // namespace chatd::systemd
