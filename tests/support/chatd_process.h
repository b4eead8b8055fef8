// Runs the real chatd binary for integration tests: spawn it on a free port, collect its
// log, learn the port it chose, signal it, wait for it to exit; or run it to completion.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace chatd::test {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

// A deadline `d` from now. Every wait in the support code takes one, so no test can hang.
inline Deadline within(Clock::duration d) {
  return Clock::now() + d;
}
// Milliseconds left until `deadline` as a poll() timeout: 0 when past, rounded up otherwise.
int poll_timeout_ms(Deadline deadline);

// Path of the chatd binary under test (CHATD_BINARY from the build, or $CHATD_BINARY).
std::string chatd_binary();

struct ChatdOptions {
  std::vector<std::string> args;  // extra command-line arguments
  // Extra environment as "NAME=value"; each replaces a variable of that name. The test's own
  // environment is inherited without the systemd variables (NOTIFY_SOCKET, LISTEN_*,
  // WATCHDOG_*), so a test runner started by systemd cannot leak them into chatd.
  std::vector<std::string> env;
  // Prepend `--listen 127.0.0.1:0` unless `args` already holds a --listen.
  bool default_listen = true;
  // When >= 0, this listening socket becomes chatd's fd 3 with LISTEN_FDS=1 and LISTEN_PID set
  // to chatd's pid, as systemd socket activation does. The caller keeps its own copy.
  int inherit_listen_fd = -1;
  // When nonzero, chatd's soft RLIMIT_NOFILE (set in the child only).
  unsigned long fd_limit = 0;
  // How long the constructor waits for the first `listening on HOST:PORT` log line.
  Clock::duration startup_timeout = std::chrono::seconds(10);
};

// One running chatd. Its stdout and stderr go into one pipe that a reader thread drains all
// the time (so chatd never blocks on a full pipe), split into lines. The destructor SIGKILLs
// and reaps the process if it is still running; nothing is ever killed by name. When the
// current test has failed, the destructor prints the collected log, which is usually the
// first thing one wants to see.
class ChatdProcess {
 public:
  // Starts chatd and waits until it logs its first listener. Throws std::runtime_error, with
  // the log collected so far, when it cannot be spawned or does not come up in time.
  explicit ChatdProcess(std::vector<std::string> args = {});
  explicit ChatdProcess(ChatdOptions options);
  ~ChatdProcess();

  ChatdProcess(const ChatdProcess&) = delete;
  ChatdProcess& operator=(const ChatdProcess&) = delete;

  // The port of the first `listening on SCHEME://HOST:PORT` line, and of every one seen so far.
  std::uint16_t port() const { return port_; }
  std::vector<std::uint16_t> ports() const;
  // The port of the first listener logged with `scheme` ("irc" for `listening on irc://...`),
  // waiting for that line until the deadline; 0 if there is none by then.
  std::uint16_t port_of(std::string_view scheme,
                        Deadline deadline = Clock::now() + std::chrono::seconds(5));
  pid_t pid() const { return pid_; }

  // Sends `sig` to chatd. False (and nothing sent) once it has been reaped, so a recycled
  // pid can never be hit.
  bool send_signal(int sig);

  // Waits until chatd exits and returns its raw wait status (use WIFEXITED/WEXITSTATUS), or
  // nullopt if it is still running at the deadline. Returns the same status when called again.
  std::optional<int> wait_exit(Deadline deadline);
  // Whether chatd is still running (reaps it without waiting if it has exited).
  bool running();

  // Waits until some log line (already collected or arriving later) contains `substring` /
  // satisfies `pred`. False at the deadline, or as soon as chatd's output reaches EOF. Only
  // lines from index `from_line` on count: pass log_line_count() taken before an action
  // (a SIGHUP, say) to wait for what that action logs.
  bool wait_for_log(std::string_view substring, Deadline deadline, std::size_t from_line = 0);
  bool wait_for_log(const std::function<bool(std::string_view)>& pred, Deadline deadline,
                    std::size_t from_line = 0);

  std::size_t log_line_count() const;  // complete lines collected so far
  std::vector<std::string> log_lines() const;
  std::string log_text() const;  // the lines joined with '\n', for assertion messages

 private:
  void spawn(const ChatdOptions& options);
  void read_output();
  bool try_reap(bool block);
  void stop();

  pid_t pid_ = -1;
  int pidfd_ = -1;
  int out_fd_ = -1;            // read end of chatd's stdout+stderr
  int wake_fd_[2] = {-1, -1};  // tells the reader thread to stop
  std::optional<int> status_;
  std::uint16_t port_ = 0;
  std::thread reader_;

  mutable std::mutex mu_;  // guards everything below
  std::condition_variable cv_;
  std::vector<std::string> lines_;
  std::vector<std::uint16_t> ports_;
  std::string partial_;
  bool eof_ = false;
};

// What running chatd to completion produced.
struct RunResult {
  std::optional<int> status;  // raw wait status; nullopt if it had to be killed at the deadline
  std::string out;            // everything on stdout
  std::string err;            // everything on stderr

  bool exited() const;           // exited normally (not by a signal, not timed out)
  int exit_code() const;         // WEXITSTATUS, or -1 if !exited()
  std::string describe() const;  // status and both streams, for assertion messages
};

// Runs chatd with `options.args` (and --listen 127.0.0.1:0 unless disabled or given) until it
// exits, capturing stdout and stderr separately. If it is still running at the deadline it is
// SIGKILLed, reaped, and `status` is nullopt. For --check-config, --help, bad flags, bad files.
RunResult run_chatd(const ChatdOptions& options, Deadline deadline);
RunResult run_chatd(std::vector<std::string> args,
                    Deadline deadline = within(std::chrono::seconds(10)));

// Parses the port of a `listening on HOST:PORT` log line (any prefix before it is allowed).
std::optional<std::uint16_t> parse_listening_port(std::string_view line);

// "exited with 0", "killed by signal 9 (Killed)", ... for messages.
std::string describe_wait_status(int status);

}  // namespace chatd::test
