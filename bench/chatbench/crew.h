// Crew: the load-generating threads of one run, one worker (and libuv loop) each.
// Destroying a crew stops and joins its threads, whatever happened before.
#pragma once

#include <pthread.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

namespace chatd::bench {

enum class Phase : int { kSetup, kRunning, kStop };

// Shared has `std::vector<Worker*> workers` and `std::atomic<Phase> phase`;
// Worker has `Worker(Shared&, unsigned index)`, `run()` and a thread-safe `wake()`.
template <class Worker, class Shared>
class Crew {
 public:
  Crew(Shared& shared, unsigned threads) : shared_(shared) {
    shared.workers.assign(threads, nullptr);
    for (unsigned i = 0; i < threads; ++i) {
      workers_.push_back(std::make_unique<Worker>(shared, i));
      shared.workers[i] = workers_.back().get();
    }
    for (auto& w : workers_)
      threads_.emplace_back([w = w.get()] { w->run(); });
  }
  ~Crew() { stop(); }
  Crew(const Crew&) = delete;
  Crew& operator=(const Crew&) = delete;

  void set_phase(Phase p) {
    shared_.phase.store(p, std::memory_order_release);
    for (auto& w : workers_)
      w->wake();
  }
  void stop() {
    if (threads_.empty()) return;
    set_phase(Phase::kStop);
    for (auto& t : threads_)
      t.join();
    threads_.clear();
  }
  std::vector<pthread_t> handles() {
    std::vector<pthread_t> h;
    for (auto& t : threads_)
      h.push_back(t.native_handle());
    return h;
  }
  // Sums a counter each worker publishes.
  std::uint64_t sum(std::atomic<std::uint64_t> Worker::*counter) const {
    std::uint64_t total = 0;
    for (const auto& w : workers_)
      total += ((*w).*counter).load(std::memory_order_relaxed);
    return total;
  }
  const std::vector<std::unique_ptr<Worker>>& workers() const { return workers_; }

 private:
  Shared& shared_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
};

}  // namespace chatd::bench
