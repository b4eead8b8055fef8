// The main thread's side of a broadcast run: phases, waits, CPU sampling, merging.
#include "bench/chatbench/broadcast_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>

#include "bench/chatbench/broadcast_worker.h"
#include "bench/chatbench/crew.h"
#include "bench/chatbench/proc_stats.h"
#include "bench/chatbench/timing.h"

namespace chatd::bench {
namespace {

constexpr std::uint64_t kStartDelayNs = 5 * kNsPerMs;

using BroadcastCrew = Crew<BroadcastWorker, BroadcastShared>;

std::uint64_t sent(const BroadcastCrew& crew) {
  return crew.sum(&BroadcastWorker::published_sent);
}
std::uint64_t delivered(const BroadcastCrew& crew) {
  return crew.sum(&BroadcastWorker::published_delivered);
}

void fit_to_fd_limit(unsigned threads, BroadcastOptions& opt, std::vector<std::string>& notes) {
  const std::size_t limit = raise_fd_limit();
  const std::size_t reserve = reserved_fds(threads);
  const std::size_t budget = limit > reserve ? limit - reserve : 0;
  if (opt.receivers + opt.senders <= budget) return;
  if (budget <= opt.senders) {
    throw std::runtime_error(fmt::format("fd limit {} leaves no room for receivers", limit));
  }
  notes.push_back(
      fmt::format("fd limit {} (hard limit; {} kept for chatbench): {} receivers, "
                  "not {}",
                  limit, reserve, budget - opt.senders, opt.receivers));
  opt.receivers = budget - opt.senders;
}

std::string failure_text(const std::map<std::string, std::size_t>& failures) {
  std::string text;
  for (const auto& [why, n] : failures)
    text += fmt::format("{}{} x {}", text.empty() ? "" : ", ", n, why);
  return text;
}

void set_up(BroadcastShared& shared, BroadcastCrew& crew, Progress& progress) {
  const std::uint64_t deadline = now_ns() + seconds_to_ns(shared.common.setup_timeout_s);
  const std::size_t total = shared.total();
  const bool all = wait_until(
      deadline, [&] { return shared.ready.load() + shared.failed.load() >= total; },
      [&] {
        progress.show(fmt::format("[{}] setting up: {}/{} connected and in {}",
                                  to_string(shared.speakers.proto()), shared.ready.load(), total,
                                  shared.speakers.room()));
      });
  if (all && shared.failed.load() == 0) return;
  crew.stop();
  std::map<std::string, std::size_t> failures;
  for (const auto& w : crew.workers()) {
    for (const auto& [why, n] : w->totals().failures)
      failures[why] += n;
  }
  throw std::runtime_error(
      fmt::format("setup failed: {} of {} connections ready{}{}", shared.ready.load(), total,
                  all ? "" : (interrupted() ? " (interrupted)" : " at the setup timeout"),
                  failures.empty() ? "" : "; failures: " + failure_text(failures)));
}

// Warm-up, then the measured interval. Returns the CPU use during the latter.
CpuUse measure(BroadcastShared& shared, BroadcastCrew& crew, Progress& progress) {
  const std::uint64_t t0 = now_ns() + kStartDelayNs;
  const std::uint64_t start = t0 + seconds_to_ns(shared.opt.warmup_s);
  shared.send_start_ns.store(t0);
  shared.measure_start_ns.store(start);
  shared.measure_end_ns.store(start + seconds_to_ns(shared.opt.duration_s));
  crew.set_phase(Phase::kRunning);

  std::uint64_t last_n = 0, last_t = now_ns();
  auto tick = [&](const char* what) {
    const std::uint64_t n = delivered(crew), t = now_ns();
    const double rate = static_cast<double>(n - last_n) / ns_to_seconds(t - last_t);
    const double elapsed = t > start ? ns_to_seconds(t - start) : -ns_to_seconds(start - t);
    progress.show(fmt::format("[{}] {} {:.1f}/{:g} s: {:.0f} deliveries/s, {} sent",
                              to_string(shared.speakers.proto()), what, elapsed,
                              shared.opt.duration_s, rate, sent(crew)));
    last_n = n;
    last_t = t;
  };
  CpuSampler cpu(crew.handles(), shared.common.server_pid);
  wait_until(
      start, [] { return false; }, [&] { tick("warming up"); });
  cpu.start();
  wait_until(
      shared.measure_end_ns.load(), [] { return false; }, [&] { tick("measuring"); });
  if (interrupted()) shared.measure_end_ns.store(std::max(start, now_ns()));
  return cpu.stop();
}

bool done_sending(const BroadcastCrew& crew) {
  return std::all_of(crew.workers().begin(), crew.workers().end(), [](const auto& w) {
    return w->published_done_sending.load(std::memory_order_acquire);
  });
}

// Counts are compared only once every worker has published its last send.
bool drain(BroadcastShared& shared, BroadcastCrew& crew, Progress& progress) {
  const std::uint64_t deadline = now_ns() + seconds_to_ns(shared.opt.drain_timeout_s);
  for (const auto& w : crew.workers())
    w->wake();
  return wait_until(
      deadline,
      [&] { return done_sending(crew) && delivered(crew) >= sent(crew) * shared.receivers; },
      [&] {
        progress.show(fmt::format("[{}] draining: {} of {} deliveries",
                                  to_string(shared.speakers.proto()), delivered(crew),
                                  sent(crew) * shared.receivers));
      });
}

// The workers' histograms, merged: all, uncorrected, same node, cross node.
struct Histograms {
  LatencyHistogram all, uncorrected, same_node, cross_node;
};

void merge(const BroadcastCrew& crew, BroadcastTotals& t, Histograms& h) {
  for (const auto& w : crew.workers()) {
    const BroadcastTotals& x = w->totals();
    t.sent += x.sent;
    t.sent_measured += x.sent_measured;
    t.delivered += x.delivered;
    t.delivered_measured += x.delivered_measured;
    t.wire_bytes_measured += x.wire_bytes_measured;
    t.per_sender.resize(x.per_sender.size());
    for (std::size_t s = 0; s < x.per_sender.size(); ++s) {
      t.per_sender[s].sent += x.per_sender[s].sent;
      t.per_sender[s].delivered += x.per_sender[s].delivered;
      t.per_sender[s].gaps += x.per_sender[s].gaps;
      t.per_sender[s].reordered += x.per_sender[s].reordered;
    }
    t.disconnected += x.disconnected;
    t.sender_overflow = t.sender_overflow || x.sender_overflow;
    for (const auto& [why, n] : x.failures)
      t.failures[why] += n;
    h.all.merge(w->latency());
    h.uncorrected.merge(w->uncorrected());
    h.same_node.merge(w->same_node());
    h.cross_node.merge(w->cross_node());
  }
}

void add_notes(const BroadcastOptions& opt, const BroadcastTotals& t, BroadcastResult& r) {
  note_cpu_doubts(r.cpu, r.notes);
  if (t.sender_overflow) {
    r.notes.push_back("a sender's backlog passed 64 MiB: the server did not keep up with --rate");
  }
  if (opt.open_loop() && r.messages_per_s < 0.99 * opt.rate) {
    r.notes.push_back(
        fmt::format("sent {:.0f} messages/s of the {:g} asked for", r.messages_per_s, opt.rate));
  }
  if (!r.drained) {
    r.notes.push_back(fmt::format("{} deliveries still missing after the {:g} s drain", r.lost,
                                  opt.drain_timeout_s));
  }
  if (!t.failures.empty()) r.notes.push_back("connections lost: " + failure_text(t.failures));
}

BroadcastResult summarize_run(const BroadcastShared& shared, const BroadcastCrew& crew,
                              BroadcastTotals& t) {
  BroadcastResult r;
  Histograms h;
  merge(crew, t, h);
  r.receivers = shared.receivers;
  r.senders = shared.senders;
  r.measured_s = ns_to_seconds(shared.measure_end_ns.load() - shared.measure_start_ns.load());
  r.sent = t.sent;
  r.sent_measured = t.sent_measured;
  r.expected = t.sent * shared.receivers;
  r.delivered = t.delivered;
  r.delivered_measured = t.delivered_measured;
  r.wire_bytes_measured = t.wire_bytes_measured;
  r.lost = r.expected > r.delivered ? r.expected - r.delivered : 0;
  r.per_sender = t.per_sender;
  for (const SenderCounts& s : t.per_sender) {
    r.gaps += s.gaps;
    r.reordered += s.reordered;
  }
  r.disconnected = t.disconnected;
  const double s = r.measured_s > 0 ? r.measured_s : 1;
  r.deliveries_per_s = static_cast<double>(t.delivered_measured) / s;
  r.messages_per_s = static_cast<double>(t.sent_measured) / s;
  r.payload_mb_per_s = r.deliveries_per_s * static_cast<double>(shared.opt.size) / 1e6;
  r.wire_mb_per_s = static_cast<double>(t.wire_bytes_measured) / s / 1e6;
  r.latency = summarize(h.all);
  r.latency_uncorrected = summarize(shared.opt.open_loop() ? h.uncorrected : h.all);
  if (shared.nodes > 1) {
    r.latency_same_node = summarize(h.same_node);
    r.latency_cross_node = summarize(h.cross_node);
  }
  return r;
}

}  // namespace

BroadcastResult run_broadcast(const CommonOptions& common, const BroadcastOptions& requested,
                              Progress& progress) {
  BroadcastOptions opt = requested;
  std::vector<std::string> notes;
  fit_to_fd_limit(common.threads, opt, notes);
  BroadcastShared shared(common, opt);
  shared.targets = target_addresses(common);
  // Nodes of one chat: chatd's own protocols (kMix's two targets are one node).
  if (common.proto == Proto::kChatd || common.proto == Proto::kIrc || common.proto == Proto::kWs) {
    shared.nodes = shared.targets.size();
  }
  shared.receivers = opt.receivers;
  shared.senders = opt.senders;
  shared.epoch_ns = now_ns();
  if (!opt.open_loop()) {
    shared.acks.emplace(opt.senders, opt.inflight, static_cast<std::uint32_t>(opt.receivers));
  }
  const unsigned threads = static_cast<unsigned>(
      std::min<std::size_t>(common.threads != 0 ? common.threads : usable_cpus(), shared.total()));
  BroadcastCrew crew(shared, threads);
  set_up(shared, crew, progress);
  const CpuUse cpu = measure(shared, crew, progress);
  std::optional<std::uint64_t> rss;
  if (common.server_pid > 0) rss = process_rss_bytes(common.server_pid);
  const bool drained = drain(shared, crew, progress);
  crew.stop();
  progress.clear();

  BroadcastTotals totals;
  BroadcastResult r = summarize_run(shared, crew, totals);
  r.cpu = cpu;
  r.server_rss = rss;
  r.drained = drained;
  r.notes = std::move(notes);
  add_notes(opt, totals, r);
  return r;
}

}  // namespace chatd::bench
