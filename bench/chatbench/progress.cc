// Progress line, interrupt flag and the main thread's waits.
#include "bench/chatbench/progress.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "bench/chatbench/timing.h"

namespace chatd::bench {
namespace {

std::atomic<bool> g_interrupted{false};
constexpr std::uint64_t kTickNs = 250 * kNsPerMs;
constexpr std::uint64_t kPollNs = 10 * kNsPerMs;

}  // namespace

Progress::Progress(bool enabled) : enabled_(enabled && isatty(STDERR_FILENO) == 1) {}

void Progress::show(std::string_view line) {
  if (!enabled_) return;
  std::fprintf(stderr, "\r%.*s\033[K", static_cast<int>(line.size()), line.data());
  std::fflush(stderr);
  shown_ = true;
}

void Progress::clear() {
  if (!shown_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  shown_ = false;
}

void install_interrupt_handler() {
  struct sigaction sa {};
  sa.sa_handler = [](int) { g_interrupted.store(true); };
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

bool interrupted() {
  return g_interrupted.load();
}

bool wait_until(std::uint64_t deadline_ns, const std::function<bool()>& done,
                const std::function<void()>& tick) {
  std::uint64_t next_tick = now_ns();
  for (;;) {
    if (done()) return true;
    const std::uint64_t now = now_ns();
    if (now >= deadline_ns || interrupted()) return false;
    if (now >= next_tick) {
      tick();
      next_tick = now + kTickNs;
    }
    const std::uint64_t nap = std::min({deadline_ns - now, next_tick - now, kPollNs});
    std::this_thread::sleep_for(std::chrono::nanoseconds(nap));
  }
}

}  // namespace chatd::bench
