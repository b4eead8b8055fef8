// What a chatbench run measured, in the form both reports (table and JSON) print.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bench/chatbench/histogram.h"

namespace chatd::bench {

struct LatencySummary {
  std::uint64_t count = 0;
  std::uint64_t p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;  // nanoseconds
  double mean = 0;
};
LatencySummary summarize(const LatencyHistogram& h);

// Who used the CPU during the measured interval, in percent of one core.
struct CpuUse {
  double self = 0;               // all of chatbench's threads together
  double busiest_thread = 0;     // the most loaded load-generating thread
  unsigned threads = 0;          // load-generating threads
  unsigned cores = 0;            // CPUs chatbench may run on
  std::optional<double> server;  // the server process, given --server-pid
  double machine = 0;            // every CPU of the machine (up to 100 x CPUs)
  // What neither chatbench nor the server used: other processes disturbing the run.
  double others() const { return std::max(0.0, machine - self - server.value_or(0)); }
};

// Notes when the CPU figures cast doubt on a run: chatbench itself saturated, or
// other processes competing for the CPUs.
void note_cpu_doubts(const CpuUse& cpu, std::vector<std::string>& notes);

struct AcceptResult {
  std::size_t requested = 0;
  std::size_t attempted = 0;  // after sizing to the fd limit
  std::size_t connected = 0;
  std::size_t greeted = 0;
  std::map<std::string, std::size_t> failures;  // by errno name or server reply
  double connect_s = 0;                         // first connect started .. last connect done
  double greeting_s = 0;                        // first connect started .. last greeting
  double connects_per_s = 0;
  double greetings_per_s = 0;
  LatencySummary connect_latency, greeting_latency;
  std::optional<std::uint64_t> rss_before, rss_after;  // server RSS, bytes
  std::optional<double> rss_per_connection;            // bytes
  // --then-sigterm: from the signal to the server's exit, and to the last
  // connection's EOF; how many of the held connections saw one.
  std::optional<double> exit_s, last_farewell_s;
  std::size_t farewells = 0;
  CpuUse cpu;
  std::vector<std::string> notes;
};

// One sender's messages as the receivers saw them.
struct SenderCounts {
  std::uint64_t sent = 0;
  std::uint64_t delivered = 0;  // to receivers, whole run
  std::uint64_t gaps = 0;       // sequence numbers skipped while running
  std::uint64_t reordered = 0;  // deliveries older than one already seen
};

struct BroadcastResult {
  std::size_t receivers = 0, senders = 0;  // as connected
  double measured_s = 0;
  std::uint64_t sent = 0;                 // messages, whole run
  std::uint64_t sent_measured = 0;        // messages sent in the measured interval
  std::uint64_t expected = 0;             // sent * receivers
  std::uint64_t delivered = 0;            // deliveries to receivers, whole run
  std::uint64_t delivered_measured = 0;   // deliveries received in the measured interval
  std::uint64_t wire_bytes_measured = 0;  // bytes receivers read in the measured interval
  std::uint64_t lost = 0;                 // expected - delivered after the drain
  std::uint64_t gaps = 0;                 // sequence numbers skipped while running
  std::uint64_t reordered = 0;            // deliveries older than one already seen
  std::uint64_t disconnected = 0;         // connections the server closed
  double deliveries_per_s = 0, messages_per_s = 0;
  double payload_mb_per_s = 0, wire_mb_per_s = 0;
  LatencySummary latency;              // open loop: from the scheduled send time
  LatencySummary latency_uncorrected;  // open loop: from the actual send time
  // Several --target nodes: sender and receiver on the same node, or not.
  std::optional<LatencySummary> latency_same_node, latency_cross_node;
  std::vector<SenderCounts> per_sender;
  bool drained = true;                      // every message sent arrived everywhere in time
  std::optional<std::uint64_t> server_rss;  // bytes, at the end of the measured interval
  CpuUse cpu;
  std::vector<std::string> notes;
};

}  // namespace chatd::bench
