// Pumping a reactor Loop with bounded waits, and raw non-blocking loopback clients.
#include "tests/support/pump.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "reactor/timer.h"

namespace chatd::test {
namespace {

using std::chrono::steady_clock;

// How long one pumped iteration may block when nothing happens on the loop.
constexpr std::uint64_t kTickMs = 1;

bool to_sockaddr(const std::string& host, std::uint16_t port, sockaddr_storage& ss,
                 socklen_t& len) {
  ss = {};
  if (host.find(':') != std::string::npos) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    len = sizeof(sockaddr_in6);
    return inet_pton(AF_INET6, host.c_str(), &in6->sin6_addr) == 1;
  }
  auto* in = reinterpret_cast<sockaddr_in*>(&ss);
  in->sin_family = AF_INET;
  in->sin_port = htons(port);
  len = sizeof(sockaddr_in);
  return inet_pton(AF_INET, host.c_str(), &in->sin_addr) == 1;
}

bool same_address(const sockaddr_storage& a, const sockaddr_storage& b) {
  if (a.ss_family != b.ss_family) return false;
  if (a.ss_family == AF_INET) {
    const auto& x = reinterpret_cast<const sockaddr_in&>(a);
    const auto& y = reinterpret_cast<const sockaddr_in&>(b);
    return x.sin_port == y.sin_port && x.sin_addr.s_addr == y.sin_addr.s_addr;
  }
  if (a.ss_family == AF_INET6) {
    const auto& x = reinterpret_cast<const sockaddr_in6&>(a);
    const auto& y = reinterpret_cast<const sockaddr_in6&>(b);
    return x.sin6_port == y.sin6_port &&
           std::memcmp(&x.sin6_addr, &y.sin6_addr, sizeof x.sin6_addr) == 0;
  }
  return false;
}

// Calls f(fd) for every fd this process has open (the directory's own fd excluded).
template <class F>
void for_each_open_fd(F&& f) {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return;
  const int own = dirfd(dir);
  while (const dirent* e = readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    const int fd = std::atoi(e->d_name);
    if (fd != own) f(fd);
  }
  closedir(dir);
}

}  // namespace

bool pump_until(reactor::Loop& loop, const std::function<bool()>& done,
                std::chrono::milliseconds deadline) {
  const auto end = steady_clock::now() + deadline;
  // The timer keeps each UV_RUN_ONCE from blocking longer than a tick; it is closed (and
  // freed by the loop's next iteration) when this returns.
  reactor::Timer tick(loop, [] {});
  tick.start(kTickMs, kTickMs);
  for (;;) {
    if (done()) return true;
    if (steady_clock::now() >= end) return false;
    uv_run(loop.uv(), UV_RUN_ONCE);
  }
}

void pump_for(reactor::Loop& loop, std::chrono::milliseconds duration) {
  pump_until(
      loop, [] { return false; }, duration);
}

void run_once(reactor::Loop& loop) {
  uv_run(loop.uv(), UV_RUN_NOWAIT);
}

RawClient::RawClient(const std::string& host, std::uint16_t port, int rcvbuf) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (!to_sockaddr(host, port, ss, len)) {
    ADD_FAILURE() << "not a numeric address: " << host;
    return;
  }
  const int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    ADD_FAILURE() << "socket: " << std::strerror(errno);
    return;
  }
  if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  // A blocking connect bounded by SO_SNDTIMEO; the listener's backlog completes it.
  const timeval timeout{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&ss), len) != 0) {
    ADD_FAILURE() << "connect to " << host << ":" << port << ": " << std::strerror(errno);
    ::close(fd);
    return;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  fd_ = fd;
}

RawClient::~RawClient() {
  close();
}

std::uint16_t RawClient::local_port() const {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (fd_ < 0 || getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
  return ntohs(ss.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(ss).sin6_port
                                        : reinterpret_cast<sockaddr_in&>(ss).sin_port);
}

std::size_t RawClient::write_some(std::string_view bytes) {
  std::size_t done = 0;
  while (fd_ >= 0 && done < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;
    }
  }
  return done;
}

void RawClient::write_all(std::string_view bytes) {
  const std::size_t n = write_some(bytes);
  EXPECT_EQ(n, bytes.size()) << "short write: " << std::strerror(errno);
}

void RawClient::shutdown_write() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

std::size_t RawClient::read_available(std::size_t max) {
  char buf[64 * 1024];
  std::size_t total = 0;
  while (fd_ >= 0 && total < max && !eof_ && error_ == 0) {
    const std::size_t want = std::min(sizeof buf, max - total);
    const ssize_t n = ::recv(fd_, buf, want, 0);
    if (n > 0) {
      received_.append(buf, static_cast<std::size_t>(n));
      total += static_cast<std::size_t>(n);
    } else if (n == 0) {
      eof_ = true;
    } else if (errno == EINTR) {
      continue;
    } else {
      if (errno != EAGAIN && errno != EWOULDBLOCK) error_ = errno;
      break;
    }
  }
  return total;
}

bool RawClient::await_bytes(std::size_t total, std::chrono::milliseconds deadline) {
  const auto end = steady_clock::now() + deadline;
  for (;;) {
    read_available();
    if (received_.size() >= total) return true;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(end - steady_clock::now());
    if (fd_ < 0 || closed_by_peer() || left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    poll(&p, 1, static_cast<int>(left.count()));
  }
}

void RawClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void RawClient::reset() {
  if (fd_ < 0) return;
  const linger abort_on_close{1, 0};
  setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
  close();
}

std::vector<std::string> crlf_lines(std::string_view text) {
  std::vector<std::string> lines;
  for (std::size_t pos = 0;;) {
    const std::size_t end = text.find("\r\n", pos);
    if (end == std::string_view::npos) return lines;
    lines.emplace_back(text.substr(pos, end - pos));
    pos = end + 2;
  }
}

int find_accepted_fd(const RawClient& client) {
  sockaddr_storage local{};
  sockaddr_storage remote{};
  socklen_t len = sizeof local;
  if (getsockname(client.fd(), reinterpret_cast<sockaddr*>(&local), &len) != 0) return -1;
  len = sizeof remote;
  if (getpeername(client.fd(), reinterpret_cast<sockaddr*>(&remote), &len) != 0) return -1;
  int found = -1;
  for_each_open_fd([&](int fd) {
    if (fd == client.fd()) return;
    sockaddr_storage a{};
    sockaddr_storage b{};
    socklen_t la = sizeof a;
    socklen_t lb = sizeof b;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&a), &la) != 0) return;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&b), &lb) != 0) return;
    if (same_address(a, remote) && same_address(b, local)) found = fd;
  });
  return found;
}

int count_open_fds() {
  int n = 0;
  for_each_open_fd([&](int) { ++n; });
  return n;
}

int highest_open_fd() {
  int highest = -1;
  for_each_open_fd([&](int fd) { highest = std::max(highest, fd); });
  return highest;
}

}  // namespace chatd::test
