// Poller, Client and ChatClient (see client.h): plain non-blocking sockets on epoll.
#include "tests/soak/client.h"

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace soak {
namespace {

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

constexpr std::size_t kMaxEvents = 1024;
constexpr std::size_t kReadChunk = std::size_t{64} * 1024;
constexpr int kReadsPerEvent = 4;                 // then let other clients have a turn
constexpr std::size_t kMaxPartialLine = 1 << 20;  // chatd's lines are a few KiB at most
constexpr std::size_t kCompactAfter =
    std::size_t{256} * 1024;                       // sent bytes kept before the output shifts
constexpr std::size_t kMaxDrainOnClose = 1 << 20;  // unread input discarded before a FIN

}  // namespace

Poller::Poller() : epoll_fd_(epoll_create1(EPOLL_CLOEXEC)), events_(kMaxEvents) {
  if (epoll_fd_ < 0) throw std::runtime_error(std::string("epoll_create1: ") + strerror(errno));
}

Poller::~Poller() {
  close(epoll_fd_);
}

void Poller::watch(int fd, Client* client, std::uint32_t events, bool added_before) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = client;
  epoll_ctl(epoll_fd_, added_before ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev);
}

void Poller::forget(int fd) {
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

void Poller::poll(int timeout_ms) {
  const int n = epoll_wait(epoll_fd_, events_.data(), static_cast<int>(events_.size()), timeout_ms);
  for (int i = 0; i < n; ++i) {
    static_cast<Client*>(events_[i].data.ptr)->on_events(events_[i].events);
  }
}

Client::~Client() {
  release();
}

bool Client::connect(const sockaddr_in& to, const ConnectOptions& options) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    end_ = End::kError;
    error_ = errno;
    return false;
  }
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (options.recv_buffer > 0) {
    setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &options.recv_buffer, sizeof options.recv_buffer);
  }
  if (options.source.s_addr != 0) {
    // The port is picked at connect time, per destination: many sources, many ports.
    setsockopt(fd_, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    from.sin_addr = options.source;
    if (bind(fd_, reinterpret_cast<const sockaddr*>(&from), sizeof from) != 0) {
      finish(End::kError, errno);
      return false;
    }
  }
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0 &&
      errno != EINPROGRESS) {
    finish(End::kError, errno);
    return false;
  }
  connecting_ = true;
  update_interest();
  return true;
}

void Client::send(std::string_view bytes) {
  if (fd_ < 0) return;
  out_.append(bytes);
  if (!connecting_) write_some();
}

void Client::close_fin() {
  if (fd_ < 0) return;
  char sink[kReadChunk];
  std::size_t drained = 0;
  while (drained < kMaxDrainOnClose) {
    const ssize_t n = recv(fd_, sink, sizeof sink, MSG_DONTWAIT);
    if (n <= 0) break;
    drained += static_cast<std::size_t>(n);
  }
  end_ = End::kByUs;
  release();
}

void Client::close_rst() {
  if (fd_ < 0) return;
  const linger lg{1, 0};
  setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  end_ = End::kByUs;
  release();
}

void Client::set_reading(bool on) {
  reading_ = on;
  if (fd_ >= 0) update_interest();
}

std::string Client::describe_end() const {
  switch (end_) {
    case End::kOpen:
      return "open";
    case End::kByUs:
      return "closed by the soak";
    case End::kPeerClosed:
      return "closed by chatd";
    case End::kPeerReset:
      return std::string("reset by chatd (") + strerror(error_) + ")";
    case End::kError:
      return std::string("socket error: ") + strerror(error_);
  }
  return "?";
}

void Client::on_events(std::uint32_t events) {
  if (fd_ < 0) return;
  if (connecting_) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return finish(End::kError, err);
    if ((events & (EPOLLOUT | EPOLLHUP)) == 0) return;
    connecting_ = false;
    update_interest();
    on_connected();
    if (fd_ >= 0 && unsent() > 0) write_some();
    return;
  }
  if (reading_ && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0) read_some();
  if (fd_ >= 0 && !reading_ && (events & (EPOLLHUP | EPOLLERR)) != 0) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    return finish(err == 0 ? End::kPeerClosed : End::kPeerReset, err);
  }
  if (fd_ >= 0 && (events & EPOLLOUT) != 0) write_some();
}

void Client::read_some() {
  char buf[kReadChunk];
  for (int round = 0; round < kReadsPerEvent && fd_ >= 0 && reading_; ++round) {
    const ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n == 0) return finish(End::kPeerClosed, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      return finish(errno == ECONNRESET ? End::kPeerReset : End::kError, errno);
    }
    bytes_in_ += static_cast<std::uint64_t>(n);
    in_.append(buf, static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (auto nl = in_.find('\n'); nl != std::string::npos; nl = in_.find('\n', start)) {
      std::string_view line(in_.data() + start, nl - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      start = nl + 1;
      on_line(line);
      if (fd_ < 0) return;
    }
    in_.erase(0, start);
    if (in_.size() > kMaxPartialLine) return finish(End::kError, EMSGSIZE);
  }
}

void Client::write_some() {
  while (out_pos_ < out_.size()) {
    const ssize_t n = ::send(fd_, out_.data() + out_pos_, out_.size() - out_pos_, MSG_NOSIGNAL);
    if (n > 0) {
      out_pos_ += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    const bool reset = errno == EPIPE || errno == ECONNRESET;
    return finish(reset ? End::kPeerReset : End::kError, errno);
  }
  if (out_pos_ == out_.size()) {
    out_.clear();
    out_pos_ = 0;
  } else if (out_pos_ > kCompactAfter) {
    out_.erase(0, out_pos_);
    out_pos_ = 0;
  }
  update_interest();
}

void Client::finish(End how, int error) {
  if (fd_ < 0) return;
  end_ = how;
  error_ = error;
  release();
  on_end();
}

void Client::update_interest() {
  std::uint32_t want = 0;
  if (connecting_ || unsent() > 0) want |= EPOLLOUT;
  if (reading_ && !connecting_) want |= EPOLLIN;
  if (watched_ && want == interest_) return;
  poller_.watch(fd_, this, want, watched_);
  watched_ = true;
  interest_ = want;
}

void Client::release() {
  if (fd_ < 0) return;
  if (watched_) poller_.forget(fd_);
  close(fd_);
  fd_ = -1;
  watched_ = false;
  connecting_ = false;
}

std::string parse_greeting(std::string_view line) {
  constexpr std::string_view kPrefix = "*** welcome to chatd, you are ";
  if (!line.starts_with(kPrefix)) return {};
  line.remove_prefix(kPrefix.size());
  const auto end = line.find(" in #");
  return end == std::string_view::npos ? std::string() : std::string(line.substr(0, end));
}

void ChatClient::on_line(std::string_view line) {
  if (!guest_.empty() || !refusal_.empty()) return on_chat_line(line);
  guest_ = parse_greeting(line);
  if (!guest_.empty()) return on_welcome();
  refusal_ = line.empty() ? std::string("(an empty first line)") : std::string(line);
  on_refused();
}

}  // namespace soak
