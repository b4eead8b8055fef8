// Subprocess: fork/exec with one output pipe, PR_SET_PDEATHSIG so a crashed test
// leaves nothing running, and poll()-bounded reads.
#include "tests/support/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <utility>

extern char** environ;

namespace chatd::test {
namespace {

constexpr std::array<std::string_view, 7> kDropped = {
    "NOTIFY_SOCKET", "LISTEN_FDS",   "LISTEN_PID",    "LISTEN_FDNAMES",
    "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM"};

int poll_ms(Deadline deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::clamp<long long>(left.count(), 0, INT_MAX));
}

std::vector<std::string> child_env(const SubprocessOptions& o, int out_w) {
  auto name = [](std::string_view e) { return e.substr(0, e.find('=')); };
  auto replaced = [&](std::string_view n) {
    return std::find(kDropped.begin(), kDropped.end(), n) != kDropped.end() ||
           std::any_of(o.env.begin(), o.env.end(), [&](const auto& e) { return name(e) == n; });
  };
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!replaced(name(*e))) env.emplace_back(*e);
  }
  env.insert(env.end(), o.env.begin(), o.env.end());
  if (o.stderr_is_journal) {
    struct stat st {};
    fstat(out_w, &st);
    env.push_back("JOURNAL_STREAM=" + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino));
  }
  return env;
}

// In the child: only async-signal-safe calls until exec.
[[noreturn]] void exec_child(char* const* argv, char* const* envp, int out_w, pid_t parent) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);
  const int devnull = open("/dev/null", O_RDONLY);
  dup2(devnull, 0);
  dup2(out_w, 1);
  dup2(out_w, 2);
  syscall(SYS_close_range, 3, ~0U, 0);
  execvpe(argv[0], argv, envp);
  _exit(127);
}

}  // namespace

Subprocess::Subprocess(SubprocessOptions options) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  std::vector<std::string> env = child_env(options, out[1]);
  std::vector<char*> argv;
  std::vector<char*> envp;
  for (auto& a : options.argv)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env)
    envp.push_back(e.data());
  envp.push_back(nullptr);
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ == 0) exec_child(argv.data(), envp.data(), out[1], parent);
  close(out[1]);
  out_fd_ = out[0];
  if (pid_ < 0) {
    close(out_fd_);
    throw std::runtime_error("fork failed");
  }
}

Subprocess::~Subprocess() {
  if (pid_ > 0 && !status_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_fd_ >= 0) close(out_fd_);
}

bool Subprocess::send_signal(int sig) {
  return pid_ > 0 && !status_ && kill(pid_, sig) == 0;
}

bool Subprocess::read_some(Deadline deadline) {
  if (eof_) return false;
  pollfd p{out_fd_, POLLIN, 0};
  const int r = poll(&p, 1, poll_ms(deadline));
  if (r == 0) return false;
  if (r < 0) return errno == EINTR;
  char buf[8192];
  const ssize_t n = read(out_fd_, buf, sizeof buf);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) {
    eof_ = true;
    if (!partial_.empty()) lines_.push_back(std::exchange(partial_, {}));
    return false;
  }
  partial_.append(buf, static_cast<std::size_t>(n));
  for (auto nl = partial_.find('\n'); nl != std::string::npos; nl = partial_.find('\n')) {
    lines_.push_back(partial_.substr(0, nl));
    partial_.erase(0, nl + 1);
  }
  return true;
}

bool Subprocess::wait_for_output(std::string_view text, Deadline deadline) {
  std::size_t checked = 0;
  for (;;) {
    for (; checked < lines_.size(); ++checked) {
      if (lines_[checked].find(text) != std::string::npos) return true;
    }
    if (!read_some(deadline)) return false;
  }
}

std::optional<int> Subprocess::wait_exit(Deadline deadline) {
  while (read_some(deadline)) {
  }
  while (!status_) {
    int st = 0;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
      status_ = st;
    } else if (Clock::now() >= deadline) {
      return std::nullopt;
    } else {
      poll(nullptr, 0, 5);
    }
  }
  return status_;
}

std::string Subprocess::output() const {
  std::string text;
  for (const auto& l : lines_)
    text += l + "\n";
  return text + partial_;
}

int ToolResult::exit_code() const {
  return status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
}

ToolResult run_tool(std::vector<std::string> argv, Deadline deadline) {
  Subprocess p(SubprocessOptions{std::move(argv), {}, false});
  ToolResult r;
  r.status = p.wait_exit(deadline);
  r.output = p.output();
  return r;
}

bool have_program(std::string_view name) {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/bin:/bin";
  while (!dirs.empty()) {
    const auto colon = dirs.find(':');
    const std::string candidate = std::string(dirs.substr(0, colon)) + "/" + std::string(name);
    if (access(candidate.c_str(), X_OK) == 0) return true;
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return false;
}

}  // namespace chatd::test
