// AcceptWorker: one thread's share of an accept run. It opens its connections
// with a bounded number in flight (and optionally at a rate), times the connect
// and the server's first line, and holds every connection until told to stop.
#pragma once

#include <sys/socket.h>
#include <uv.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/chatbench/client.h"
#include "bench/chatbench/crew.h"
#include "bench/chatbench/histogram.h"
#include "bench/chatbench/options.h"
#include "bench/chatbench/protocol.h"
#include "bench/chatbench/worker_loop.h"

namespace chatd::bench {

class AcceptWorker;

struct AcceptShared {
  AcceptShared(const CommonOptions& c, const AcceptOptions& o)
      : common(c), opt(o), speakers(c.proto, "") {}

  const CommonOptions& common;
  const AcceptOptions& opt;
  Speakers speakers;
  // Where client g goes: targets[g % n]. kMix has two, chatd's plain and IRC
  // ports, so every other client is IRC; otherwise one per --target.
  std::vector<sockaddr_storage> targets;
  const sockaddr* target_of(std::size_t global) const {
    return reinterpret_cast<const sockaddr*>(&targets[global % targets.size()]);
  }
  std::size_t connections = 0;  // to open, over all threads
  std::uint64_t start_ns = 0;
  std::vector<AcceptWorker*> workers;

  std::atomic<Phase> phase{Phase::kSetup};
  std::atomic<std::size_t> connected{0}, greeted{0}, failed{0};
  // --then-sigterm: set just before the signal; from then on a held connection
  // that ends is the server's farewell, not a drop.
  std::atomic<bool> server_stopping{false};
  std::uint64_t sigterm_ns = 0;
  std::atomic<std::size_t> farewells{0};
};

class AcceptWorker final : public ClientHandler {
 public:
  AcceptWorker(AcceptShared& shared, unsigned index);
  ~AcceptWorker();

  void run();
  void wake() { loop_.wake(); }

  // Valid after run() returned.
  const LatencyHistogram& connect_latency() const { return connect_latency_; }
  const LatencyHistogram& greeting_latency() const { return greeting_latency_; }
  const std::map<std::string, std::size_t>& failures() const { return failures_; }
  std::uint64_t last_connected_ns() const { return last_connected_ns_; }
  std::uint64_t last_greeted_ns() const { return last_greeted_ns_; }
  std::size_t dropped_while_held() const { return dropped_; }
  std::uint64_t last_farewell_ns() const { return last_farewell_ns_; }

 private:
  enum class State : std::uint8_t { kWaiting, kConnecting, kGreeting, kHeld, kFailed };

  void on_connected(Client& c, int status) override;
  void on_read(Client&, std::size_t, std::uint64_t now) override { read_now_ = now; }
  void on_line(Client& c, std::string_view line) override;
  void on_lost(Client& c, int status) override;

  void start_connects();
  void fail(std::size_t i, const std::string& why);
  void on_wake();
  void stop();

  AcceptShared& shared_;
  WorkerLoop loop_;
  uv_timer_t pacer_;  // with --rate: starts the connects that are due
  std::vector<std::unique_ptr<Client>> clients_;
  std::vector<std::size_t> global_;  // client -> its number over all threads
  std::vector<std::uint64_t> started_ns_;
  std::vector<State> state_;
  std::size_t next_ = 0, in_flight_ = 0, window_ = 1;
  double rate_ = 0;  // connects per second on this thread
  std::uint64_t read_now_ = 0;
  std::uint64_t last_connected_ns_ = 0, last_greeted_ns_ = 0, last_farewell_ns_ = 0;
  std::size_t dropped_ = 0;
  bool stopping_ = false;
  std::string nick_;  // scratch for greeting()
  std::map<std::string, std::size_t> failures_;
  LatencyHistogram connect_latency_, greeting_latency_;
};

}  // namespace chatd::bench
