// The families of /metrics, in the order an operator reads them: connections,
// chat traffic, fan-out and the shared blocks behind it, the cluster link (with
// --redis), the loop, the process.
#include "daemon/metrics/metrics_page.h"

#include "daemon/chat/chat.h"
#include "daemon/metrics/process_stats.h"
#include "daemon/metrics/prometheus_text.h"
#include "reactor/message.h"

#ifndef CHATD_VERSION
#define CHATD_VERSION "dev"
#endif
#ifndef CHATD_COMMIT
#define CHATD_COMMIT "unknown"
#endif

namespace chatd {
namespace {

using U = std::uint64_t;

template <class F>
void per_protocol(PrometheusText& t, std::string_view name, std::string_view type,
                  std::string_view help, F&& value) {
  t.family(name, type, help);
  for (std::size_t p = 0; p < kChatProtocols; ++p)
    t.sample(name, static_cast<U>(value(p)), {{"proto", kProtocolNames[p]}});
}

template <std::size_t N>
void per_reason(PrometheusText& t, std::string_view name, std::string_view help,
                const std::array<std::string_view, N>& names, const std::array<U, N>& values) {
  t.family(name, "counter", help);
  for (std::size_t i = 0; i < N; ++i)
    t.sample(name, values[i], {{"reason", names[i]}});
}

void gauge(PrometheusText& t, std::string_view name, std::string_view help, U value) {
  t.family(name, "gauge", help);
  t.sample(name, value);
}

void counter(PrometheusText& t, std::string_view name, std::string_view help, U value) {
  t.family(name, "counter", help);
  t.sample(name, value);
}

void connections(PrometheusText& t, const MetricsSnapshot& s) {
  per_protocol(t, "chatd_connections", "gauge", "Users connected, by protocol.",
               [&](std::size_t p) { return s.server.by_protocol[p].connected; });
  per_protocol(t, "chatd_connections_accepted_total", "counter",
               "Connections admitted as users, by protocol.",
               [&](std::size_t p) { return s.server.by_protocol[p].accepted; });
  per_reason(t, "chatd_connections_refused_total", "Connections refused at accept, by reason.",
             kRefusalNames, s.server.refused);
  per_reason(t, "chatd_disconnects_total", "Users' connections ended, by reason.", kDisconnectNames,
             s.server.disconnects);
  const reactor::LoopStats& l = s.loop;
  t.family("chatd_tls_handshakes_total", "counter", "TLS handshakes, by result.");
  t.sample("chatd_tls_handshakes_total", l.tls_handshakes_ok, {{"result", "ok"}});
  t.sample("chatd_tls_handshakes_total", l.tls_handshakes_failed, {{"result", "error"}});
  t.sample("chatd_tls_handshakes_total", l.tls_handshakes_timed_out, {{"result", "timeout"}});
  gauge(t, "chatd_max_clients", "Users admitted at most (lowered to fit the fd limit).",
        s.max_clients);
}

void chat(PrometheusText& t, const MetricsSnapshot& s) {
  gauge(t, "chatd_users", "Users in the chat (with a nick).", s.chat.user_count());
  gauge(t, "chatd_rooms", "Rooms.", s.chat.rooms().size());
  gauge(t, "chatd_room_members_max", "Members of the largest room.", s.chat.rooms().largest_size());
  per_protocol(t, "chatd_lines_received_total", "counter", "Lines received, by protocol.",
               [&](std::size_t p) { return s.server.by_protocol[p].lines_received; });
  counter(t, "chatd_lines_relayed_total", "Lines said to rooms.", s.chat.messages_relayed());
  per_protocol(t, "chatd_deliveries_total", "counter",
               "References to a shared message queued for a user, by the user's protocol.",
               [&](std::size_t p) { return s.server.by_protocol[p].deliveries; });
  per_protocol(t, "chatd_received_bytes_total", "counter", "Bytes read from users, by protocol.",
               [&](std::size_t p) { return s.loop.traffic[p].bytes_read; });
  per_protocol(t, "chatd_sent_bytes_total", "counter",
               "Bytes to users the kernel took, by protocol.",
               [&](std::size_t p) { return s.loop.traffic[p].bytes_written; });
  t.histogram("chatd_broadcast_recipients", "Members of the room each room line went to.",
              s.chat.fanout());
  counter(t, "chatd_flood_pauses_total", "Times a user's reading was paused by flood control.",
          s.server.flood_pauses);
  gauge(t, "chatd_flood_paused_connections", "Users whose reading is paused now.", s.flood_paused);
  gauge(t, "chatd_history_lines", "Lines kept in rooms' history.", s.chat.history().lines());
  gauge(t, "chatd_history_bytes", "Memory rooms' history holds, bytes.", s.chat.history().bytes());
}

void output(PrometheusText& t, const MetricsSnapshot& s) {
  gauge(t, "chatd_output_queued_bytes", "Output queued for all connections, bytes.",
        s.output_queued_bytes);
  gauge(t, "chatd_output_queue_max_bytes", "The largest connection's queued output, bytes.",
        s.output_queue_max_bytes);
  gauge(t, "chatd_output_limit_bytes", "Queued output at which a user is cut off, bytes.",
        s.output_limit);
  const reactor::LiveMessages& m = reactor::Message::live();
  gauge(t, "chatd_message_blocks", "Shared message blocks alive.", m.blocks);
  gauge(t, "chatd_message_block_bytes", "Bytes in the shared message blocks alive.", m.bytes);
  gauge(t, "chatd_message_block_refs",
        "References to the shared blocks alive; refs x bytes / blocks is what a copy per "
        "recipient would take.",
        m.refs);
  counter(t, "chatd_writev_total", "Writes of queued output (one writev each).", s.loop.writes);
  counter(t, "chatd_write_partial_total", "Writes the kernel took only part of.",
          s.loop.partial_writes);
  t.histogram("chatd_flush_iovecs", "Buffers (messages) per write.", s.loop.iovecs_per_write);
}

void cluster_link(PrometheusText& t, const ClusterMetrics& c) {
  gauge(t, "chatd_cluster_linked", "1 while this node hears the cluster through Redis, else 0.",
        c.linked ? 1 : 0);
  gauge(t, "chatd_cluster_other_nodes", "Other nodes whose heartbeat this node hears.",
        c.other_nodes);
  gauge(t, "chatd_cluster_queued_bytes", "Commands and publishes waiting for Redis, bytes.",
        c.queued_bytes);
  const cluster::BackplaneStats& b = c.stats;
  counter(t, "chatd_cluster_published_total", "Events this node published to the others.",
          b.published);
  counter(t, "chatd_cluster_publish_dropped_total",
          "Events not published: Redis unreachable, or the outgoing queue full.",
          b.publish_dropped);
  counter(t, "chatd_cluster_received_total", "Events heard from other nodes.", b.received);
  counter(t, "chatd_cluster_lost_total",
          "Other nodes' events that never arrived (gaps in their sequence numbers).", b.lost);
  counter(t, "chatd_cluster_duplicates_total", "Other nodes' events heard twice and dropped.",
          b.duplicates);
  counter(t, "chatd_cluster_link_downs_total", "Times a link to Redis went down.", b.link_downs);
}

void loop(PrometheusText& t, const MetricsSnapshot& s) {
  counter(t, "chatd_loop_iterations_total", "Event loop iterations.", s.loop.iterations);
  t.histogram("chatd_loop_busy_seconds",
              "Time from the end of a wait for events to the end of the flush after it.",
              s.loop.busy_seconds);
  t.histogram("chatd_loop_lag_seconds", "How late a 100 ms timer fired.", s.loop.lag_seconds);
  counter(t, "chatd_http_requests_total", "HTTP GET and HEAD requests answered.",
          s.server.http_requests);
  t.family("chatd_build_info", "gauge", "chatd's version and commit.");
  t.sample("chatd_build_info", U{1}, {{"version", CHATD_VERSION}, {"commit", CHATD_COMMIT}});
}

void process(PrometheusText& t, const MetricsSnapshot& s) {
  const ProcessStats p = read_process_stats();
  t.family("process_cpu_seconds_total", "counter", "User and system CPU time, seconds.");
  t.sample("process_cpu_seconds_total", p.cpu_seconds);
  gauge(t, "process_resident_memory_bytes", "Resident memory, bytes.", p.resident_bytes);
  gauge(t, "process_virtual_memory_bytes", "Virtual memory, bytes.", p.virtual_bytes);
  gauge(t, "process_open_fds", "Open file descriptors.", s.open_fds);
  gauge(t, "process_max_fds", "The file descriptor limit.", p.max_fds);
  t.family("process_start_time_seconds", "gauge", "Start time since the Unix epoch, seconds.");
  t.sample("process_start_time_seconds", p.start_time_seconds);
}

}  // namespace

std::string render_metrics(const MetricsSnapshot& s) {
  PrometheusText t;
  connections(t, s);
  chat(t, s);
  output(t, s);
  if (s.cluster) cluster_link(t, *s.cluster);
  loop(t, s);
  process(t, s);
  return t.take();
}

}  // namespace chatd
