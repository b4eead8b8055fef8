// The main thread's side of a run: a one-line live progress display on stderr
// (when it is a terminal), bounded waits, and Ctrl-C, which ends a run early but
// still reports what was measured.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace chatd::bench {

class Progress {
 public:
  // Shows anything only if `enabled` and stderr is a terminal.
  explicit Progress(bool enabled);
  ~Progress() { clear(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void show(std::string_view line);
  void clear();

 private:
  bool enabled_;
  bool shown_ = false;
};

// Ctrl-C (SIGINT) and SIGTERM set a flag instead of killing chatbench.
void install_interrupt_handler();
bool interrupted();

// Sleeps until `deadline_ns` (now_ns() clock), until `done()` holds, or until
// interrupted, calling `tick()` about four times a second. True if `done()` held.
bool wait_until(std::uint64_t deadline_ns, const std::function<bool()>& done,
                const std::function<void()>& tick);

}  // namespace chatd::bench
