// Spawning and supervising the chatd binary for integration tests (see chatd_process.h).
// fork/exec rather than posix_spawn so that socket activation can set LISTEN_PID to the
// child's own pid; the child runs only async-signal-safe calls between fork and exec.
#include "tests/support/chatd_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstring>
#include <iostream>
#include <stdexcept>

extern char** environ;

namespace chatd::test {
namespace {

constexpr std::string_view kListeningOn = "listening on ";
constexpr std::size_t kMaxLogLines = 200000;  // a runaway log must not eat the test's memory

// Variables a systemd-started test runner could leak into chatd.
constexpr std::array<std::string_view, 6> kSystemdVars = {
    "NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "WATCHDOG_USEC", "WATCHDOG_PID"};

std::string errno_text(std::string_view what) {
  return std::string(what) + ": " + std::strerror(errno);
}

std::string_view var_name(std::string_view entry) {
  return entry.substr(0, entry.find('='));
}

bool has_listen_arg(const std::vector<std::string>& args) {
  return std::any_of(args.begin(), args.end(), [](const std::string& a) {
    return a == "--listen" || a.starts_with("--listen=");
  });
}

// Everything the child needs, built before fork so the child never allocates.
struct ExecPlan {
  std::vector<std::string> argv_storage;
  std::vector<std::string> env_storage;
  std::vector<char*> argv;
  std::vector<char*> envp;
  char* listen_pid_digits = nullptr;  // inside env_storage: where the child writes its pid
  unsigned long fd_limit = 0;
};

constexpr std::size_t kPidDigits = 24;

ExecPlan make_plan(const ChatdOptions& options) {
  ExecPlan plan;
  plan.fd_limit = options.fd_limit;
  plan.argv_storage.push_back(chatd_binary());
  if (options.default_listen && options.inherit_listen_fd < 0 && !has_listen_arg(options.args)) {
    plan.argv_storage.push_back("--listen");
    plan.argv_storage.push_back("127.0.0.1:0");
  }
  plan.argv_storage.insert(plan.argv_storage.end(), options.args.begin(), options.args.end());

  auto overridden = [&](std::string_view name) {
    if (std::find(kSystemdVars.begin(), kSystemdVars.end(), name) != kSystemdVars.end())
      return true;
    return std::any_of(options.env.begin(), options.env.end(),
                       [&](const std::string& e) { return var_name(e) == name; });
  };
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (!overridden(var_name(*e))) plan.env_storage.emplace_back(*e);
  }
  plan.env_storage.insert(plan.env_storage.end(), options.env.begin(), options.env.end());
  std::size_t listen_pid_index = 0;
  if (options.inherit_listen_fd >= 0) {
    plan.env_storage.emplace_back("LISTEN_FDS=1");
    listen_pid_index = plan.env_storage.size();
    plan.env_storage.push_back("LISTEN_PID=" + std::string(kPidDigits, '\0'));
  }

  for (auto& a : plan.argv_storage)
    plan.argv.push_back(a.data());
  plan.argv.push_back(nullptr);
  for (auto& e : plan.env_storage)
    plan.envp.push_back(e.data());
  plan.envp.push_back(nullptr);
  if (options.inherit_listen_fd >= 0) {
    plan.listen_pid_digits = plan.env_storage[listen_pid_index].data() + 11;
  }
  return plan;
}

// Async-signal-safe decimal formatting for the child.
void write_decimal(char* out, long value) {
  char tmp[kPidDigits];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0 && n < static_cast<int>(kPidDigits) - 1);
  for (int i = 0; i < n; ++i)
    out[i] = tmp[n - 1 - i];
  out[n] = '\0';
}

// Runs in the child: only async-signal-safe calls until execve.
[[noreturn]] void exec_child(const ExecPlan& plan, int out_w, int err_w, int listen_fd,
                             pid_t parent) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD})
    sigaction(sig, &dfl, nullptr);
#ifdef __linux__
  // Dies with the test runner, so a crashed test leaves no daemon behind.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);
#else
  (void)parent;
#endif
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull >= 0) dup2(devnull, 0);
  dup2(out_w, 1);
  dup2(err_w, 2);
  int first_to_close = 3;
  if (listen_fd >= 0) {
    if (listen_fd == 3) {
      fcntl(3, F_SETFD, 0);
    } else {
      dup2(listen_fd, 3);
    }
    write_decimal(plan.listen_pid_digits, static_cast<long>(getpid()));
    first_to_close = 4;
  }
#ifdef __linux__
  syscall(SYS_close_range, first_to_close, ~0U, 0);  // nothing of the test leaks into chatd
#else
  (void)first_to_close;
#endif
  if (plan.fd_limit != 0) {
    rlimit rl{};
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = plan.fd_limit;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  execve(plan.argv[0], plan.argv.data(), plan.envp.data());
  static constexpr char kMsg[] = "chatd_process: execve of the chatd binary failed\n";
  ssize_t ignored = write(2, kMsg, sizeof kMsg - 1);
  (void)ignored;
  _exit(127);
}

pid_t spawn_child(const ChatdOptions& options, int out_w, int err_w) {
  ExecPlan plan = make_plan(options);
  if (access(plan.argv[0], X_OK) != 0) {
    throw std::runtime_error(errno_text("chatd binary not executable: " + plan.argv_storage[0]));
  }
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(errno_text("fork"));
  if (pid == 0) exec_child(plan, out_w, err_w, options.inherit_listen_fd, parent);
  return pid;
}

int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

// Reaps `pid` if it has exited (blocking when `block`). Returns the wait status if reaped.
std::optional<int> reap(pid_t pid, bool block) {
  int status = 0;
  for (;;) {
    pid_t r = waitpid(pid, &status, block ? 0 : WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno == EINTR) continue;
    return std::nullopt;
  }
}

// Waits for `pid` to exit, by the deadline: on its pidfd when there is one, otherwise in
// short poll() ticks (still bounded by the deadline).
std::optional<int> wait_child(pid_t pid, int pidfd, Deadline deadline) {
  for (;;) {
    if (auto st = reap(pid, false)) return st;
    int timeout = poll_timeout_ms(deadline);
    if (timeout == 0) return std::nullopt;
    if (pidfd >= 0) {
      pollfd p{pidfd, POLLIN, 0};
      poll(&p, 1, timeout);
    } else {
      poll(nullptr, 0, std::min(timeout, 5));
    }
  }
}

void make_pipe(int fds[2]) {
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(errno_text("pipe2"));
}

void close_fd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

}  // namespace

int poll_timeout_ms(Deadline deadline) {
  auto left = deadline - Clock::now();
  if (left <= Clock::duration::zero()) return 0;
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return static_cast<int>(std::min<decltype(ms)>(ms, INT_MAX));
}

std::string chatd_binary() {
  if (const char* env = std::getenv("CHATD_BINARY"); env != nullptr && *env != '\0') return env;
#ifdef CHATD_BINARY
  return CHATD_BINARY;
#else
  return "chatd";
#endif
}

std::optional<std::uint16_t> parse_listening_port(std::string_view line) {
  auto at = line.find(kListeningOn);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view addr = line.substr(at + kListeningOn.size());
  addr = addr.substr(0, addr.find_first_of(" \t\r"));
  auto colon = addr.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view digits = addr.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size() || value == 0 || value > 65535) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(value);
}

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return "exited with " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    return "killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
  }
  return "wait status " + std::to_string(status);
}

// ---- ChatdProcess -------------------------------------------------------------------------

namespace {
ChatdOptions with_args(std::vector<std::string> args) {
  ChatdOptions options;
  options.args = std::move(args);
  return options;
}
}  // namespace

ChatdProcess::ChatdProcess(std::vector<std::string> args)
    : ChatdProcess(with_args(std::move(args))) {}

ChatdProcess::ChatdProcess(ChatdOptions options) {
  try {
    spawn(options);
  } catch (...) {
    stop();
    throw;
  }
  std::unique_lock lock(mu_);
  bool up = cv_.wait_until(lock, within(options.startup_timeout),
                           [&] { return !ports_.empty() || eof_; });
  if (up && !ports_.empty()) {
    port_ = ports_.front();
    return;
  }
  std::string why = eof_ ? "chatd exited (or closed its output) before listening"
                         : "chatd did not log `listening on HOST:PORT` in time";
  lock.unlock();
  std::string log = log_text();
  stop();
  if (status_) why += ", " + describe_wait_status(*status_);
  throw std::runtime_error(why + "; its output:\n" + log);
}

ChatdProcess::~ChatdProcess() {
  if (::testing::Test::HasFailure()) {
    std::cerr << "---- chatd log (pid " << pid_ << ") ----\n" << log_text() << "\n---- end ----\n";
  }
  stop();
}

void ChatdProcess::spawn(const ChatdOptions& options) {
  int out[2];
  make_pipe(out);
  out_fd_ = out[0];
  try {
    make_pipe(wake_fd_);
    pid_ = spawn_child(options, out[1], out[1]);
  } catch (...) {
    close(out[1]);
    throw;
  }
  close(out[1]);
  pidfd_ = open_pidfd(pid_);
  reader_ = std::thread([this] { read_output(); });
}

// Reader thread: drains chatd's output into lines until EOF or until stop() wakes it.
void ChatdProcess::read_output() {
  char buf[8192];
  for (;;) {
    pollfd fds[2] = {{out_fd_, POLLIN, 0}, {wake_fd_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents != 0) break;
    ssize_t n = read(out_fd_, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    std::lock_guard lock(mu_);
    if (n <= 0) {
      if (!partial_.empty()) lines_.push_back(std::move(partial_));
      partial_.clear();
      eof_ = true;
      cv_.notify_all();
      return;
    }
    partial_.append(buf, static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (auto nl = partial_.find('\n'); nl != std::string::npos; nl = partial_.find('\n', start)) {
      std::string line = partial_.substr(start, nl - start);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (auto p = parse_listening_port(line)) ports_.push_back(*p);
      if (lines_.size() < kMaxLogLines) lines_.push_back(std::move(line));
      start = nl + 1;
    }
    partial_.erase(0, start);
    cv_.notify_all();
  }
  std::lock_guard lock(mu_);
  eof_ = true;
  cv_.notify_all();
}

// Idempotent: kill (if still running) and reap chatd, stop the reader, close every fd.
void ChatdProcess::stop() {
  if (pid_ > 0 && !status_) {
    kill(pid_, SIGKILL);
    status_ = reap(pid_, true);
  }
  if (reader_.joinable()) {
    if (wake_fd_[1] >= 0) {
      char c = 1;
      ssize_t ignored = write(wake_fd_[1], &c, 1);
      (void)ignored;
    }
    reader_.join();
  }
  close_fd(pidfd_);
  close_fd(out_fd_);
  close_fd(wake_fd_[0]);
  close_fd(wake_fd_[1]);
}

std::vector<std::uint16_t> ChatdProcess::ports() const {
  std::lock_guard lock(mu_);
  return ports_;
}

std::uint16_t ChatdProcess::port_of(std::string_view scheme, Deadline deadline) {
  const std::string prefix = std::string(kListeningOn) + std::string(scheme) + "://";
  std::uint16_t port = 0;
  wait_for_log(
      [&](std::string_view line) {
        if (line.find(prefix) == std::string_view::npos) return false;
        port = parse_listening_port(line).value_or(0);
        return port != 0;
      },
      deadline);
  return port;
}

bool ChatdProcess::send_signal(int sig) {
  if (pid_ <= 0 || status_) return false;
  return kill(pid_, sig) == 0;  // an unreaped zombie still owns its pid, so this is safe
}

bool ChatdProcess::try_reap(bool block) {
  if (status_) return true;
  if (pid_ <= 0) return false;
  status_ = reap(pid_, block);
  if (status_) close_fd(pidfd_);
  return status_.has_value();
}

std::optional<int> ChatdProcess::wait_exit(Deadline deadline) {
  if (status_ || pid_ <= 0) return status_;
  status_ = wait_child(pid_, pidfd_, deadline);
  if (status_) close_fd(pidfd_);
  return status_;
}

bool ChatdProcess::running() {
  return !try_reap(false);
}

bool ChatdProcess::wait_for_log(std::string_view substring, Deadline deadline,
                                std::size_t from_line) {
  return wait_for_log(
      [substring](std::string_view line) { return line.find(substring) != std::string_view::npos; },
      deadline, from_line);
}

// The predicate runs without the lock held, so it may call back into this object.
bool ChatdProcess::wait_for_log(const std::function<bool(std::string_view)>& pred,
                                Deadline deadline, std::size_t from_line) {
  std::size_t checked = from_line;
  for (;;) {
    std::vector<std::string> fresh;
    bool eof = false;
    {
      std::unique_lock lock(mu_);
      cv_.wait_until(lock, deadline, [&] { return lines_.size() > checked || eof_; });
      if (lines_.size() > checked) {
        fresh.assign(lines_.begin() + static_cast<std::ptrdiff_t>(checked), lines_.end());
        checked = lines_.size();
      }
      eof = eof_;
    }
    for (const auto& line : fresh) {
      if (pred(line)) return true;
    }
    if (eof || Clock::now() >= deadline) return false;
  }
}

std::size_t ChatdProcess::log_line_count() const {
  std::lock_guard lock(mu_);
  return lines_.size();
}

std::vector<std::string> ChatdProcess::log_lines() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> all = lines_;
  if (!partial_.empty()) all.push_back(partial_);
  return all;
}

std::string ChatdProcess::log_text() const {
  std::string text;
  for (const auto& line : log_lines()) {
    text += line;
    text += '\n';
  }
  return text;
}

// ---- run_chatd ----------------------------------------------------------------------------

bool RunResult::exited() const {
  return status && WIFEXITED(*status);
}

int RunResult::exit_code() const {
  return exited() ? WEXITSTATUS(*status) : -1;
}

std::string RunResult::describe() const {
  std::string text = status ? describe_wait_status(*status) : "still running at the deadline";
  text += "\n---- stdout ----\n" + out + "\n---- stderr ----\n" + err + "\n----";
  return text;
}

RunResult run_chatd(const ChatdOptions& options, Deadline deadline) {
  int out[2];
  int err[2];
  make_pipe(out);
  make_pipe(err);
  pid_t pid = -1;
  try {
    pid = spawn_child(options, out[1], err[1]);
  } catch (...) {
    for (int fd : {out[0], out[1], err[0], err[1]})
      close(fd);
    throw;
  }
  close(out[1]);
  close(err[1]);
  int pidfd = open_pidfd(pid);

  RunResult result;
  std::string* sinks[2] = {&result.out, &result.err};
  int fds[2] = {out[0], err[0]};
  char buf[8192];
  while ((fds[0] >= 0 || fds[1] >= 0) && poll_timeout_ms(deadline) > 0) {
    pollfd p[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}};  // poll ignores fd -1
    if (poll(p, 2, poll_timeout_ms(deadline)) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i] < 0 || p[i].revents == 0) continue;
      ssize_t n = read(fds[i], buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<std::size_t>(n));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        close_fd(fds[i]);
      }
    }
  }
  result.status = wait_child(pid, pidfd, deadline);
  if (!result.status) {
    kill(pid, SIGKILL);
    reap(pid, true);
  }
  close_fd(fds[0]);
  close_fd(fds[1]);
  close_fd(pidfd);
  return result;
}

RunResult run_chatd(std::vector<std::string> args, Deadline deadline) {
  return run_chatd(with_args(std::move(args)), deadline);
}

}  // namespace chatd::test
