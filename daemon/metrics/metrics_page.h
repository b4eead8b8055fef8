// The /metrics page: every family chatd reports, rendered from the counters the
// server, the chat and the reactor keep (no per-user, per-address or per-room
// labels), in the Prometheus text format.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "daemon/cluster/backplane.h"
#include "daemon/server_stats.h"
#include "reactor/loop_stats.h"

namespace chatd {

class Chat;

// A node of a cluster (--redis): its link to the others.
struct ClusterMetrics {
  cluster::BackplaneStats stats;
  bool linked = false;
  std::size_t other_nodes = 0;
  std::size_t queued_bytes = 0;
};

// What only the server can tell, gathered when the page is asked for.
struct MetricsSnapshot {
  const ServerStats& server;
  const reactor::LoopStats& loop;
  const Chat& chat;
  std::uint64_t output_queued_bytes = 0;     // all connections
  std::uint64_t output_queue_max_bytes = 0;  // the largest queue
  std::size_t flood_paused = 0;
  std::size_t max_clients = 0;  // as in force (lowered to fit the fd limit)
  std::size_t output_limit = 0;
  std::uint64_t open_fds = 0;
  std::optional<ClusterMetrics> cluster{};  // with --redis only
};

std::string render_metrics(const MetricsSnapshot& s);

}  // namespace chatd
