// StallingProxy (see stalling_proxy.h).
#include "tests/support/stalling_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

namespace chatd::test {
namespace {

constexpr int kPollMs = 20;
constexpr std::size_t kChunk = std::size_t{64} * 1024;

// One relayed connection: the node's socket and Redis's, and for each the
// bytes read from it that the other has not taken yet.
struct Link {
  int fd[2] = {-1, -1};
  std::string pending[2];
  bool done = false;
};

void close_link(Link& l, bool reset) {
  for (const int fd : l.fd) {
    if (fd < 0) continue;
    if (reset) {
      const linger abort{1, 0};
      setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
    }
    close(fd);
  }
}

int connect_unix(const std::string& path) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  if (fd < 0 || connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

// Writes what `from` has pending to `to`, as much as the kernel takes.
void flush(Link& l, int from) {
  std::string& out = l.pending[from];
  while (!out.empty()) {
    const ssize_t n = send(l.fd[1 - from], out.data(), out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      out.erase(0, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    l.done = true;
    return;
  }
}

void read_side(Link& l, int side, char* buf) {
  const ssize_t n = recv(l.fd[side], buf, kChunk, MSG_DONTWAIT);
  if (n > 0) {
    l.pending[side].assign(buf, static_cast<std::size_t>(n));
    flush(l, side);
  } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
    l.done = true;
  }
}

}  // namespace

StallingProxy::StallingProxy(std::string upstream) : upstream_(std::move(upstream)) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0 ||
      listen(listen_fd_, 64) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    const std::string why = std::strerror(errno);
    if (listen_fd_ >= 0) close(listen_fd_);
    throw std::runtime_error("stalling proxy: cannot listen: " + why);
  }
  port_ = ntohs(a.sin_port);
  thread_ = std::thread([this] { run(); });
}

StallingProxy::~StallingProxy() {
  stop_ = true;
  thread_.join();
  close(listen_fd_);
}

void StallingProxy::run() {
  std::vector<std::unique_ptr<Link>> links;
  std::vector<pollfd> fds;
  std::vector<char> buf(kChunk);
  while (!stop_) {
    if (resume_.exchange(false)) {
      for (auto& l : links)
        close_link(*l, true);
      links.clear();
      stalled_ = false;
    }
    const bool stalled = stalled_;
    fds.assign(1, pollfd{listen_fd_, POLLIN, 0});
    if (!stalled) {
      for (const auto& l : links) {
        for (int side = 0; side < 2; ++side) {
          short events = l->pending[side].empty() ? POLLIN : 0;
          if (!l->pending[1 - side].empty()) events |= POLLOUT;
          fds.push_back(pollfd{l->fd[side], events, 0});
        }
      }
    }
    if (poll(fds.data(), fds.size(), kPollMs) <= 0) continue;
    if (!stalled) {
      for (std::size_t k = 0; k < links.size(); ++k) {
        Link& l = *links[k];
        for (int side = 0; side < 2 && !l.done; ++side) {
          const short revents = fds[1 + 2 * k + static_cast<std::size_t>(side)].revents;
          if ((revents & POLLOUT) != 0) flush(l, 1 - side);
          if ((revents & (POLLIN | POLLHUP | POLLERR)) != 0 && l.pending[side].empty()) {
            read_side(l, side, buf.data());
          }
        }
      }
      std::erase_if(links, [](const std::unique_ptr<Link>& l) {
        if (l->done) close_link(*l, false);
        return l->done;
      });
    }
    if ((fds[0].revents & POLLIN) == 0) continue;
    for (int accepted = 0; accepted < 64; ++accepted) {
      const int node = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (node < 0) break;
      auto l = std::make_unique<Link>();
      l->fd[0] = node;
      l->fd[1] = connect_unix(upstream_);
      if (l->fd[1] < 0) {
        close_link(*l, true);
        continue;
      }
      links.push_back(std::move(l));
      ++connections_;
    }
  }
  for (auto& l : links)
    close_link(*l, false);
}

}  // namespace chatd::test
