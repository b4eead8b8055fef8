// Runs a program other than plain chatd for the systemd tests (systemd-socket-activate,
// systemd-analyze, cmake --install), or chatd with its stderr as a fake journal stream.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/chatd_process.h"

namespace chatd::test {

struct SubprocessOptions {
  std::vector<std::string> argv;  // argv[0] is the program: a path, or a name to find in PATH
  // Extra "NAME=value" entries over the test's environment, which is passed on
  // without the systemd variables (NOTIFY_SOCKET, LISTEN_*, WATCHDOG_*, JOURNAL_STREAM).
  std::vector<std::string> env;
  // Sets JOURNAL_STREAM to the "DEV:INODE" of the output pipe, as systemd does
  // for a service whose stderr is connected to the journal.
  bool stderr_is_journal = false;
};

// One child process; stdout and stderr go into one pipe read on demand. The
// destructor SIGKILLs and reaps it if it is still running.
class Subprocess {
 public:
  // Throws std::runtime_error when it cannot be started.
  explicit Subprocess(SubprocessOptions options);
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  bool send_signal(int sig);  // false (nothing sent) once reaped

  // Reads output until a line contains `text`: false at the deadline or at EOF.
  bool wait_for_output(std::string_view text, Deadline deadline);
  // Reads the output to EOF and reaps the process: its wait status, or nullopt at
  // the deadline (it is then still running).
  std::optional<int> wait_exit(Deadline deadline);

  const std::vector<std::string>& lines() const { return lines_; }  // complete lines so far
  std::string output() const;  // everything so far, for messages

 private:
  bool read_some(Deadline deadline);  // false at EOF or the deadline

  pid_t pid_ = -1;
  int out_fd_ = -1;
  bool eof_ = false;
  std::optional<int> status_;
  std::string partial_;
  std::vector<std::string> lines_;
};

// Runs `argv` to completion (killed at the deadline): {exit status, output}.
struct ToolResult {
  std::optional<int> status;
  std::string output;
  int exit_code() const;  // -1 unless it exited normally
};
ToolResult run_tool(std::vector<std::string> argv, Deadline deadline);

// Whether `name` is an executable in PATH.
bool have_program(std::string_view name);

}  // namespace chatd::test
