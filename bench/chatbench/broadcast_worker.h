// BroadcastWorker: one thread's share of a broadcast run. It connects its share
// of the receivers and senders, joins them to the room, then sends (closed loop
// from its prepare hook, open loop from a timerfd) and records every delivery.
#pragma once

#include <sys/socket.h>
#include <uv.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/chatbench/ack_window.h"
#include "bench/chatbench/client.h"
#include "bench/chatbench/crew.h"
#include "bench/chatbench/histogram.h"
#include "bench/chatbench/options.h"
#include "bench/chatbench/protocol.h"
#include "bench/chatbench/results.h"
#include "bench/chatbench/worker_loop.h"

namespace chatd::bench {

class BroadcastWorker;

// Everything the threads of one run share. Fixed before the threads start,
// except the atomics.
struct BroadcastShared {
  BroadcastShared(const CommonOptions& c, const BroadcastOptions& o)
      : common(c), opt(o), speakers(c.proto, o.room) {}

  const CommonOptions& common;
  const BroadcastOptions& opt;
  Speakers speakers;
  // Where client g goes: targets[g % n]. kMix has two, chatd's plain and IRC
  // ports, so every other client is IRC; otherwise one per --target.
  std::vector<sockaddr_storage> targets;
  const sockaddr* target_of(std::size_t global) const {
    return reinterpret_cast<const sockaddr*>(&targets[global % targets.size()]);
  }
  std::size_t receivers = 0, senders = 0;
  // Chat nodes the clients are spread over (several --target); with more than
  // one, latency is also told apart by whether sender and receiver share one.
  std::size_t nodes = 1;
  std::uint64_t epoch_ns = 0;      // payload times count from here
  std::optional<AckWindows> acks;  // closed loop only
  std::vector<BroadcastWorker*> workers;

  std::atomic<Phase> phase{Phase::kSetup};
  std::atomic<std::uint64_t> send_start_ns{0}, measure_start_ns{0}, measure_end_ns{0};
  std::atomic<std::size_t> ready{0}, failed{0};

  // Client g (senders first, then receivers) lives on worker g % threads.
  std::size_t total() const { return senders + receivers; }
  BroadcastWorker& owner_of_sender(std::size_t s) const { return *workers[s % workers.size()]; }
};

// What a worker counted, merged by the main thread after the threads ended.
struct BroadcastTotals {
  std::uint64_t sent = 0, sent_measured = 0;
  std::uint64_t delivered = 0, delivered_measured = 0, wire_bytes_measured = 0;
  std::uint64_t disconnected = 0;
  std::vector<SenderCounts> per_sender;  // gaps and reordering are counted here
  bool sender_overflow = false;
  std::map<std::string, std::size_t> failures;
};

class BroadcastWorker final : public ClientHandler {
 public:
  BroadcastWorker(BroadcastShared& shared, unsigned index);
  ~BroadcastWorker();

  void run();  // the thread's body: returns once the run is stopped
  void wake() { loop_.wake(); }

  // Progress, published by this worker's thread only (relaxed).
  std::atomic<std::uint64_t> published_sent{0}, published_delivered{0};
  // Set (release, after published_sent) once this worker will send nothing more:
  // until then a drain that compares counts could see sends not yet published.
  std::atomic<bool> published_done_sending{false};

  // Valid after run() returned.
  const BroadcastTotals& totals() const { return totals_; }
  const LatencyHistogram& latency() const { return latency_; }
  const LatencyHistogram& uncorrected() const { return uncorrected_; }
  const LatencyHistogram& same_node() const { return same_node_; }
  const LatencyHistogram& cross_node() const { return cross_node_; }

 private:
  enum class Setup : std::uint8_t { kConnecting, kGreeting, kJoining, kReady, kFailed };
  struct Member {
    std::size_t global = 0;  // < senders: a sender; else a receiver
    Setup setup = Setup::kConnecting;
    std::uint32_t receiver_slot = 0;  // receivers: row in next_seq_
    std::string nick;
  };
  struct Sender {
    Client* client = nullptr;
    std::uint32_t id = 0;
    std::uint64_t sent = 0, acked = 0, next_due_ns = 0, interval_ns = 0;
    bool stopped = false;
  };

  void on_connected(Client& c, int status) override;
  void on_read(Client& c, std::size_t bytes, std::uint64_t now) override;
  void on_line(Client& c, std::string_view line) override;
  void on_lost(Client& c, int status) override;

  void start_connects();
  void setup_line(Client& c, Member& m, std::string_view line);
  void finish_setup(Member& m, const std::string& failure);
  void deliver(Member& m, std::string_view payload);
  void record_ack(std::uint32_t sender, std::uint64_t seq);
  void on_wake();
  void begin_sending();
  void on_prepare();
  void on_check();
  void on_timer();
  void arm_timer();
  void send_one(Sender& s, std::uint64_t scheduled_ns, std::uint64_t now);
  void publish();
  bool done_sending() const;
  void stop();

  BroadcastShared& shared_;
  unsigned index_;
  WorkerLoop loop_;
  uv_prepare_t prepare_;
  uv_check_t check_;
  uv_poll_t timer_poll_;
  int timer_fd_ = -1;
  std::vector<std::unique_ptr<Client>> clients_;
  std::vector<Member> members_;
  std::vector<Sender> senders_;
  std::vector<std::uint64_t> next_seq_;  // [receiver_slot * senders + sender]
  std::size_t next_connect_ = 0, in_setup_ = 0;
  bool sending_ = false, stopping_ = false;
  std::uint64_t read_now_ = 0;             // when the current read arrived
  bool read_measured_ = false;             // whether that is inside the measured interval
  std::vector<std::uint32_t> ack_counts_;  // closed loop: this iteration's counts per slot
  std::vector<std::size_t> ack_touched_;   // slots with a non-zero count
  std::vector<bool> wake_;                 // workers to wake after adding acks
  std::string scratch_;                    // one payload
  BroadcastTotals totals_;
  LatencyHistogram latency_, uncorrected_;
  LatencyHistogram same_node_, cross_node_;  // with several nodes
};

}  // namespace chatd::bench
