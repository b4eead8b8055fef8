// A fake service manager for integration tests: the AF_UNIX datagram socket that
// NOTIFY_SOCKET names, collecting what chatd's sd_notify() sends, with deadlines.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/chatd_process.h"

namespace chatd::test {

// chatd built without libsystemd (CHATD_WITH_SYSTEMD=OFF or no libsystemd-dev)
// sends no notifications and refuses socket activation: tests of either skip.
#ifdef CHATD_HAVE_SYSTEMD
inline constexpr bool kChatdHasLibsystemd = true;
#else
inline constexpr bool kChatdHasLibsystemd = false;
#endif
#define SKIP_WITHOUT_LIBSYSTEMD() \
  if (!::chatd::test::kChatdHasLibsystemd) GTEST_SKIP() << "chatd built without libsystemd"

// One datagram: "READY=1\nSTATUS=..." and who sent it.
struct Notification {
  std::string text;
  pid_t sender = -1;  // from SCM_CREDENTIALS
  Clock::time_point at;

  // Whether one of its lines is exactly `line` ("READY=1").
  bool has(std::string_view line) const;
  // The value of its `KEY=` line ("STATUS" -> "3 clients, ..."), if it has one.
  std::optional<std::string> value(std::string_view key) const;
};

class NotifySocket {
 public:
  // Binds a fresh abstract socket ("@chatd-test-PID-N"), so nothing is left on disk
  // and parallel tests never share one. Throws std::runtime_error on failure.
  NotifySocket();
  ~NotifySocket();
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  // "NOTIFY_SOCKET=@..." for ChatdOptions::env.
  std::string env() const { return "NOTIFY_SOCKET=" + address_; }

  // The next datagram not yet returned, or nullopt at the deadline.
  std::optional<Notification> next(Deadline deadline);
  // Returns the next datagram with a line starting with `line_prefix` ("READY=1",
  // "STATUS="); the ones skipped on the way stay in history().
  std::optional<Notification> wait_for(std::string_view line_prefix, Deadline deadline);
  // Like wait_for, but the datagram must also satisfy `pred`.
  template <class Pred>
  std::optional<Notification> wait_for(std::string_view line_prefix, Pred pred, Deadline deadline);
  // Collects everything that arrives until the deadline.
  void collect_until(Deadline deadline);

  // Every datagram received so far, oldest first.
  const std::vector<Notification>& history() const { return history_; }
  // history() as text, for assertion messages.
  std::string describe() const;

 private:
  bool receive(Deadline deadline);

  int fd_ = -1;
  std::string address_;
  std::vector<Notification> history_;
  std::size_t returned_ = 0;  // history_[returned_..] not yet handed out by next()
};

bool has_line_prefix(const Notification& n, std::string_view prefix);

template <class Pred>
std::optional<Notification> NotifySocket::wait_for(std::string_view line_prefix, Pred pred,
                                                   Deadline deadline) {
  while (auto n = next(deadline)) {
    if (has_line_prefix(*n, line_prefix) && pred(*n)) return n;
  }
  return std::nullopt;
}

}  // namespace chatd::test
