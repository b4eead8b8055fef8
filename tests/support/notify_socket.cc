// NotifySocket: an abstract AF_UNIX SOCK_DGRAM socket with SO_PASSCRED, read
// with poll() so every wait ends at its deadline.
#include "tests/support/notify_socket.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <stdexcept>

namespace chatd::test {
namespace {

std::atomic<int> next_id{0};

int poll_ms(Deadline deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::clamp<long long>(left.count(), 0, INT_MAX));
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    lines.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

// Fills `n` from a received message's control data: the sender's pid, and any fds
// passed along (closed at once, as a service manager that does not want them would).
void read_control(msghdr& msg, Notification& n) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET) continue;
    if (c->cmsg_type == SCM_CREDENTIALS) {
      ucred cred{};
      std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
      n.sender = cred.pid;
    } else if (c->cmsg_type == SCM_RIGHTS) {
      const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (std::size_t i = 0; i < count; ++i) {
        int fd = -1;
        std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
        close(fd);
      }
    }
  }
}

}  // namespace

bool Notification::has(std::string_view line) const {
  const auto lines = lines_of(text);
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

std::optional<std::string> Notification::value(std::string_view key) const {
  for (std::string_view line : lines_of(text)) {
    if (line.size() > key.size() && line.starts_with(key) && line[key.size()] == '=') {
      return std::string(line.substr(key.size() + 1));
    }
  }
  return std::nullopt;
}

bool has_line_prefix(const Notification& n, std::string_view prefix) {
  const auto lines = lines_of(n.text);
  return std::any_of(lines.begin(), lines.end(),
                     [&](std::string_view l) { return l.starts_with(prefix); });
}

NotifySocket::NotifySocket() {
  fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd_ < 0) throw std::runtime_error(std::string("notify socket: ") + std::strerror(errno));
  const int on = 1;
  setsockopt(fd_, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
  address_ = "@chatd-test-" + std::to_string(getpid()) + "-" + std::to_string(next_id++);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  // Abstract namespace: a leading NUL instead of the '@'.
  std::memcpy(addr.sun_path + 1, address_.data() + 1, address_.size() - 1);
  const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address_.size());
  if (bind(fd_, reinterpret_cast<const sockaddr*>(&addr), len) != 0) {
    const int err = errno;
    close(fd_);
    throw std::runtime_error("notify socket: bind " + address_ + ": " + std::strerror(err));
  }
}

NotifySocket::~NotifySocket() {
  if (fd_ >= 0) close(fd_);
}

// Waits for one datagram and appends it to history_. False at the deadline.
bool NotifySocket::receive(Deadline deadline) {
  for (;;) {
    char data[4096];
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred)) + CMSG_SPACE(16 * sizeof(int))];
    iovec iov{data, sizeof data};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t n = recvmsg(fd_, &msg, MSG_CMSG_CLOEXEC);
    if (n >= 0) {
      Notification note{std::string(data, static_cast<std::size_t>(n)), -1, Clock::now()};
      read_control(msg, note);
      history_.push_back(std::move(note));
      return true;
    }
    if (errno != EAGAIN && errno != EINTR) return false;
    pollfd p{fd_, POLLIN, 0};
    const int timeout = poll_ms(deadline);
    if (timeout == 0 || poll(&p, 1, timeout) == 0) return false;
  }
}

std::optional<Notification> NotifySocket::next(Deadline deadline) {
  if (returned_ == history_.size() && !receive(deadline)) return std::nullopt;
  return history_[returned_++];
}

std::optional<Notification> NotifySocket::wait_for(std::string_view line_prefix,
                                                   Deadline deadline) {
  return wait_for(
      line_prefix, [](const Notification&) { return true; }, deadline);
}

void NotifySocket::collect_until(Deadline deadline) {
  while (receive(deadline)) {
  }
}

std::string NotifySocket::describe() const {
  std::string text = std::to_string(history_.size()) + " notifications:";
  for (const Notification& n : history_) {
    std::string one = n.text;
    std::replace(one.begin(), one.end(), '\n', ' ');
    text += "\n  [pid " + std::to_string(n.sender) + "] " + one;
  }
  return text;
}

}  // namespace chatd::test
