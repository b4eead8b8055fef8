// The nc-like test client (see line_client.h): a non-blocking socket driven by poll() with
// deadlines, a receive buffer split into lines, and failure descriptions for assertions.
#include "tests/support/line_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <regex>
#include <stdexcept>
#include <utility>

namespace chatd::test {
namespace {

constexpr std::size_t kMaxClosingLines = 10000;
constexpr std::size_t kReadChunk = 64 * 1024;

// Waits for `events` on fd until the deadline; true if they (or an error/hangup) arrived.
bool wait_fd(int fd, short events, Deadline deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int r = poll(&p, 1, poll_timeout_ms(deadline));
    if (r > 0) return true;
    if (r == 0) return false;
    if (errno != EINTR) return false;
  }
}

std::string errno_text(std::string_view what, int err) {
  return std::string(what) + ": " + std::strerror(err);
}

}  // namespace

// ---- matchers -----------------------------------------------------------------------------

LineMatcher equals(std::string line) {
  std::string what = "the line \"" + line + "\"";
  return {[line = std::move(line)](std::string_view s) { return s == line; }, std::move(what)};
}

LineMatcher contains(std::string text) {
  std::string what = "a line containing \"" + text + "\"";
  return {[text = std::move(text)](std::string_view s) { return s.find(text) != s.npos; },
          std::move(what)};
}

LineMatcher starts_with(std::string prefix) {
  std::string what = "a line starting with \"" + prefix + "\"";
  return {[prefix = std::move(prefix)](std::string_view s) { return s.starts_with(prefix); },
          std::move(what)};
}

LineMatcher matches(std::string ecmascript_regex) {
  std::string what = "a line matching /" + ecmascript_regex + "/";
  std::regex re(ecmascript_regex);
  return {
      [re = std::move(re)](std::string_view s) { return std::regex_match(s.begin(), s.end(), re); },
      std::move(what)};
}

LineMatcher satisfies(std::function<bool(std::string_view)> pred, std::string what) {
  return {std::move(pred), std::move(what)};
}

// ---- LineClient ---------------------------------------------------------------------------

LineClient::LineClient(std::uint16_t port, ClientOptions options, Deadline deadline) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(errno_text("socket", errno));
  if (options.recv_buffer > 0) set_recv_buffer(options.recv_buffer);
  if (options.no_delay) set_no_delay(true);

  if (!options.source.empty()) {
    sockaddr_in from{};
    from.sin_family = AF_INET;
    if (inet_pton(AF_INET, options.source.c_str(), &from.sin_addr) != 1 ||
        bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0) {
      const int e = errno;
      close();
      throw std::runtime_error(errno_text("bind to " + options.source, e));
    }
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  std::string where = options.host + ":" + std::to_string(port);
  if (inet_pton(AF_INET, options.host.c_str(), &addr.sin_addr) != 1) {
    close();
    throw std::runtime_error("bad IPv4 address " + options.host);
  }
  int err = 0;
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    err = errno;
    if (err == EINPROGRESS) {
      if (!wait_fd(fd_, POLLOUT, deadline)) {
        close();
        throw std::runtime_error("connect to " + where + ": timed out");
      }
      socklen_t len = sizeof err;
      getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    }
  }
  if (err != 0) {
    close();
    throw std::runtime_error(errno_text("connect to " + where, err));
  }
}

LineClient::~LineClient() {
  close();
}

LineClient::LineClient(LineClient&& other) noexcept {
  *this = std::move(other);
}

LineClient& LineClient::operator=(LineClient&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    in_ = std::exchange(other.in_, LineBuffer());
    closed_ = other.closed_;
    reset_ = other.reset_;
    skipped_ = std::move(other.skipped_);
    last_failure_ = std::move(other.last_failure_);
  }
  return *this;
}

bool LineClient::send_raw(std::string_view bytes, Deadline deadline) {
  while (!bytes.empty()) {
    if (fd_ < 0) return false;
    ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!wait_fd(fd_, POLLOUT, deadline)) {
        last_failure_ = "send: deadline passed with " + std::to_string(bytes.size()) +
                        " bytes not yet taken by the kernel";
        return false;
      }
      continue;
    }
    last_failure_ = errno_text("send", errno);
    return false;
  }
  return true;
}

bool LineClient::send_line(std::string_view text, Deadline deadline) {
  std::string line(text);
  line += '\n';
  return send_raw(line, deadline);
}

bool LineClient::receive_available() {
  if (closed_ || fd_ < 0) return false;
  char buf[kReadChunk];
  for (;;) {
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      in_.append(std::string_view(buf, static_cast<std::size_t>(n)));
      if (static_cast<std::size_t>(n) < sizeof buf) return true;
      continue;
    }
    if (n == 0) {
      closed_ = true;
      return false;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
    reset_ = errno == ECONNRESET;
    last_failure_ = errno_text("recv", errno);
    closed_ = true;
    return false;
  }
}

std::optional<std::string> LineClient::next_buffered_line(bool keep_line_ending) {
  return in_.next(closed_, keep_line_ending);
}

std::optional<std::string> LineClient::read_line_impl(Deadline deadline, bool keep_line_ending) {
  for (;;) {
    if (auto line = next_buffered_line(keep_line_ending)) return line;
    if (closed_ || fd_ < 0) {
      last_failure_ = "connection closed" + std::string(reset_ ? " (reset)" : "");
      return std::nullopt;
    }
    if (!wait_fd(fd_, POLLIN, deadline)) {
      last_failure_ = "timed out waiting for a line";
      return std::nullopt;
    }
    receive_available();
  }
}

std::optional<std::string> LineClient::read_line(Deadline deadline) {
  return read_line_impl(deadline, false);
}

std::optional<std::string> LineClient::read_raw_line(Deadline deadline) {
  return read_line_impl(deadline, true);
}

std::optional<std::string> expect_matching(
    const std::function<std::optional<std::string>()>& read_line, const LineMatcher& m,
    std::size_t max_skip, std::vector<std::string>& skipped, std::string& failure) {
  skipped.clear();
  for (;;) {
    auto line = read_line();
    if (!line) {
      failure = "waiting for " + m.what + ": " + failure + " after skipping " +
                std::to_string(skipped.size()) + " lines";
      return std::nullopt;
    }
    if (m.test(*line)) return line;
    if (skipped.size() >= max_skip) {
      failure = "waiting for " + m.what + ": skipped " + std::to_string(max_skip) +
                " lines without a match";
      return std::nullopt;
    }
    skipped.push_back(std::move(*line));
  }
}

std::optional<std::string> LineClient::expect_line(const LineMatcher& m, Deadline deadline,
                                                   std::size_t max_skip) {
  return expect_matching([&] { return read_line_impl(deadline, false); }, m, max_skip, skipped_,
                         last_failure_);
}

std::optional<std::string> LineClient::expect_line(std::string_view substring, Deadline deadline,
                                                   std::size_t max_skip) {
  return expect_line(contains(std::string(substring)), deadline, max_skip);
}

bool LineClient::read_until_closed(Deadline deadline) {
  skipped_.clear();
  for (;;) {
    while (auto line = next_buffered_line()) {
      if (skipped_.size() < kMaxClosingLines) skipped_.push_back(std::move(*line));
    }
    if (closed_) return true;
    if (fd_ < 0) return false;
    if (!wait_fd(fd_, POLLIN, deadline)) {
      last_failure_ = "timed out waiting for the server to close the connection";
      return false;
    }
    receive_available();
  }
}

void LineClient::close_with_reset() {
  if (fd_ < 0) return;
  linger lg{1, 0};
  setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close();
}

void LineClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool LineClient::set_recv_buffer(int bytes) {
  return setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes) == 0;
}

bool LineClient::set_no_delay(bool on) {
  int v = on ? 1 : 0;
  return setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &v, sizeof v) == 0;
}

std::string LineClient::diagnostics() const {
  std::string text = last_failure_.empty() ? "no failure recorded" : last_failure_;
  text += in_.describe(skipped_);
  if (closed_) text += reset_ ? "\n  (connection reset)" : "\n  (connection closed)";
  return text;
}

// ---- helpers ------------------------------------------------------------------------------

std::optional<std::string> greeting_nick(std::string_view greeting) {
  constexpr std::string_view kPrefix = "*** welcome to chatd, you are ";
  if (!greeting.starts_with(kPrefix)) return std::nullopt;
  greeting.remove_prefix(kPrefix.size());
  auto end = greeting.find(" in #");
  if (end == std::string_view::npos || end == 0) return std::nullopt;
  return std::string(greeting.substr(0, end));
}

LineClient connect_as(std::uint16_t port, std::string_view nick, Deadline deadline,
                      ClientOptions options) {
  LineClient client(port, std::move(options), deadline);
  take_nick(client, nick, deadline);
  return client;
}

}  // namespace chatd::test
