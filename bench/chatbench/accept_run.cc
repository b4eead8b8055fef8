// The main thread's side of an accept run: sizing, waiting, RSS, merging.
#include "bench/chatbench/accept_run.h"

#include <fmt/format.h>
#include <signal.h>

#include <algorithm>

#include "bench/chatbench/accept_worker.h"
#include "bench/chatbench/crew.h"
#include "bench/chatbench/proc_stats.h"
#include "bench/chatbench/timing.h"

namespace chatd::bench {
namespace {

using AcceptCrew = Crew<AcceptWorker, AcceptShared>;

// How many connections this process can really open, and why fewer than asked.
std::size_t fit_to_limits(const CommonOptions& common, std::size_t wanted,
                          std::vector<std::string>& notes) {
  const std::size_t limit = raise_fd_limit();
  const std::size_t reserve = reserved_fds(common.threads);
  const std::size_t budget = limit > reserve ? limit - reserve : 0;
  std::size_t n = wanted;
  if (n > budget) {
    notes.push_back(
        fmt::format("fd limit {} (hard limit; {} kept for chatbench): opening {} connections, "
                    "not {}",
                    limit, reserve, budget, wanted));
    n = budget;
  }
  const std::size_t ports =
      ephemeral_port_count() * std::max<std::size_t>(1, common.source_pool.size());
  if (n > ports) {
    notes.push_back(
        fmt::format("{} ephemeral ports per source address: beyond {} connections "
                    "need more --source addresses",
                    ephemeral_port_count(), ports));
  }
  return n;
}

void wait_for_greetings(AcceptShared& shared, Progress& progress) {
  const std::uint64_t deadline = now_ns() + seconds_to_ns(shared.common.setup_timeout_s);
  wait_until(
      deadline, [&] { return shared.greeted.load() + shared.failed.load() >= shared.connections; },
      [&] {
        progress.show(fmt::format("[{}] accept: {} connected, {} greeted, {} failed of {}",
                                  to_string(shared.speakers.proto()), shared.connected.load(),
                                  shared.greeted.load(), shared.failed.load(), shared.connections));
      });
}

void hold(const AcceptShared& shared, Progress& progress) {
  const std::uint64_t until = now_ns() + seconds_to_ns(shared.opt.hold_s);
  wait_until(
      until, [] { return false; },
      [&] {
        progress.show(fmt::format("[{}] holding {} connections", to_string(shared.speakers.proto()),
                                  shared.greeted.load()));
      });
}

double per_second(std::size_t n, std::uint64_t from, std::uint64_t to) {
  return to > from ? static_cast<double>(n) / ns_to_seconds(to - from) : 0.0;
}

void merge(const AcceptShared& shared, const AcceptCrew& crew, AcceptResult& r) {
  LatencyHistogram connect, greeting;
  std::uint64_t last_connected = shared.start_ns, last_greeted = shared.start_ns;
  std::uint64_t last_farewell = shared.sigterm_ns;
  std::size_t dropped = 0;
  for (const auto& w : crew.workers()) {
    connect.merge(w->connect_latency());
    greeting.merge(w->greeting_latency());
    for (const auto& [why, n] : w->failures())
      r.failures[why] += n;
    last_connected = std::max(last_connected, w->last_connected_ns());
    last_greeted = std::max(last_greeted, w->last_greeted_ns());
    dropped += w->dropped_while_held();
    last_farewell = std::max(last_farewell, w->last_farewell_ns());
  }
  r.farewells = shared.farewells.load();
  if (r.farewells > 0) r.last_farewell_s = ns_to_seconds(last_farewell - shared.sigterm_ns);
  r.connected = shared.connected.load();
  r.greeted = shared.greeted.load();
  r.connect_s = ns_to_seconds(last_connected - shared.start_ns);
  r.greeting_s = ns_to_seconds(last_greeted - shared.start_ns);
  r.connects_per_s = per_second(r.connected, shared.start_ns, last_connected);
  r.greetings_per_s = per_second(r.greeted, shared.start_ns, last_greeted);
  r.connect_latency = summarize(connect);
  r.greeting_latency = summarize(greeting);
  if (dropped > 0) r.notes.push_back(fmt::format("{} connections dropped while held", dropped));
}

// The server says goodbye to connections that stay open, as nc's do: it should
// exit once the last goodbye is in its peer's kernel, not at its drain deadline.
void stop_server(AcceptShared& shared, AcceptResult& r) {
  shared.server_stopping.store(true);
  shared.sigterm_ns = now_ns();
  r.exit_s = signal_and_time_exit(shared.common.server_pid, SIGTERM, shared.opt.exit_timeout_s);
  if (!r.exit_s) {
    r.notes.push_back(
        fmt::format("the server had not exited {:g} s after SIGTERM", shared.opt.exit_timeout_s));
  }
}

void add_memory(AcceptResult& r) {
  if (!r.rss_before || !r.rss_after || r.greeted == 0) return;
  const double delta = static_cast<double>(*r.rss_after) - static_cast<double>(*r.rss_before);
  r.rss_per_connection = delta / static_cast<double>(r.greeted);
}

}  // namespace

AcceptResult run_accept(const CommonOptions& common, const AcceptOptions& opt, Progress& progress) {
  AcceptResult r;
  r.requested = opt.connections;
  AcceptShared shared(common, opt);
  shared.targets = target_addresses(common);
  shared.connections = r.attempted = fit_to_limits(common, opt.connections, r.notes);
  if (common.server_pid > 0) r.rss_before = process_rss_bytes(common.server_pid);
  const unsigned threads = static_cast<unsigned>(
      std::clamp<std::size_t>(common.threads != 0 ? common.threads : usable_cpus(), 1,
                              std::max<std::size_t>(1, r.attempted)));
  shared.start_ns = now_ns();
  AcceptCrew crew(shared, threads);
  CpuSampler cpu(crew.handles(), common.server_pid);
  cpu.start();
  wait_for_greetings(shared, progress);
  r.cpu = cpu.stop();
  hold(shared, progress);
  if (common.server_pid > 0) r.rss_after = process_rss_bytes(common.server_pid);
  if (opt.then_sigterm) stop_server(shared, r);
  crew.stop();
  progress.clear();
  merge(shared, crew, r);
  add_memory(r);
  std::size_t failed = 0;
  for (const auto& [why, n] : r.failures)
    failed += n;
  if (r.greeted + failed < r.attempted) {
    r.notes.push_back(
        fmt::format("{} connections were neither greeted nor failed by the {:g} s "
                    "setup timeout",
                    r.attempted - r.greeted - failed, common.setup_timeout_s));
  }
  note_cpu_doubts(r.cpu, r.notes);
  return r;
}

}  // namespace chatd::bench
