// libsystemd calls behind a small interface that compiles away without it.
#include "daemon/systemd.h"

#include <fmt/format.h>
#include <sys/socket.h>

#include <stdexcept>

#ifdef CHATD_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace chatd::systemd {

#ifdef CHATD_HAVE_SYSTEMD

std::vector<int> inherited_listen_fds() {
  // unset_environment=1: children (there are none) must not inherit them.
  const int n = sd_listen_fds(1);
  if (n < 0) throw std::runtime_error(fmt::format("sd_listen_fds failed: error {}", -n));
  std::vector<int> fds;
  for (int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + n; ++fd) {
    if (sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, 1) <= 0 ||
        (sd_is_socket(fd, AF_INET, SOCK_STREAM, 1) <= 0 &&
         sd_is_socket(fd, AF_INET6, SOCK_STREAM, 1) <= 0)) {
      throw std::runtime_error(
          fmt::format("inherited fd {} is not a listening TCP socket (check chatd.socket's "
                      "ListenStream=)",
                      fd));
    }
    fds.push_back(fd);
  }
  return fds;
}

void notify(const std::string& state) {
  sd_notify(0, state.c_str());
}

#else

std::vector<int> inherited_listen_fds() {
  return {};
}
void notify(const std::string&) {}

#endif

}  // namespace chatd::systemd
