// The JSON reports: parameters and every figure, in stable keys for scripts.
#include <nlohmann/json.hpp>

#include "bench/chatbench/report.h"

#ifndef CHATD_VERSION
#define CHATD_VERSION "dev"
#endif

namespace chatd::bench {
namespace {

using Json = nlohmann::ordered_json;  // keys in the order written, as a reader expects
using u64 = std::uint64_t;

// A figure that was not measured (no --server-pid, say) is null.
template <class T>
Json or_null(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

Json common_json(std::string_view mode, const CommonOptions& c) {
  return {{"chatbench", CHATD_VERSION},
          {"mode", mode},
          {"common",
           {{"target", c.targets_text()},
            {"targets", c.targets},
            {"proto", to_string(c.proto)},
            {"tls", c.tls},
            {"threads", u64{c.threads}},
            {"fd_limit", u64{c.fd_limit}},
            {"connect_window", u64{c.connect_window}},
            {"server_pid", u64(c.server_pid > 0 ? c.server_pid : 0)},
            {"sources", c.sources}}}};
}

Json latency_json(const LatencySummary& l) {
  return {{"count", l.count}, {"p50", l.p50}, {"p90", l.p90},  {"p99", l.p99},
          {"p99_9", l.p999},  {"max", l.max}, {"mean", l.mean}};
}

Json cpu_json(const CpuUse& c) {
  return {{"chatbench", c.self},         {"busiest_thread", c.busiest_thread},
          {"threads", u64{c.threads}},   {"cores", u64{c.cores}},
          {"server", or_null(c.server)}, {"machine", c.machine},
          {"others", c.others()}};
}

Json accept_results(const AcceptResult& r) {
  Json failures = Json::object();
  for (const auto& [why, n] : r.failures)
    failures[why] = u64{n};
  return {{"requested", u64{r.requested}},
          {"attempted", u64{r.attempted}},
          {"connected", u64{r.connected}},
          {"greeted", u64{r.greeted}},
          {"failures", failures},
          {"connect_s", r.connect_s},
          {"greeting_s", r.greeting_s},
          {"connects_per_s", r.connects_per_s},
          {"greetings_per_s", r.greetings_per_s},
          {"connect_latency_ns", latency_json(r.connect_latency)},
          {"greeting_latency_ns", latency_json(r.greeting_latency)},
          {"server_rss_before_bytes", or_null(r.rss_before)},
          {"server_rss_after_bytes", or_null(r.rss_after)},
          {"server_rss_per_connection_bytes", or_null(r.rss_per_connection)},
          {"server_exit_after_sigterm_s", or_null(r.exit_s)},
          {"farewells", u64{r.farewells}},
          {"last_farewell_s", or_null(r.last_farewell_s)},
          {"cpu_percent", cpu_json(r.cpu)}};
}

Json broadcast_params(const BroadcastOptions& o) {
  return {{"receivers", u64{o.receivers}},
          {"senders", u64{o.senders}},
          {"size", u64{o.size}},
          {"duration_s", o.duration_s},
          {"warmup_s", o.warmup_s},
          {"loop", o.open_loop() ? "open" : "closed"},
          {"inflight", u64{o.inflight}},
          {"rate", o.rate},
          {"room", o.room},
          {"drain_timeout_s", o.drain_timeout_s}};
}

// Lost per sender: what it sent times the receivers, less what they got.
Json per_sender_json(const BroadcastResult& r) {
  Json senders = Json::array();
  for (const SenderCounts& s : r.per_sender) {
    const u64 expected = s.sent * r.receivers;
    senders.push_back({{"sent", s.sent},
                       {"delivered", s.delivered},
                       {"lost", expected > s.delivered ? expected - s.delivered : u64{0}},
                       {"gaps", s.gaps},
                       {"reordered", s.reordered}});
  }
  return senders;
}

Json broadcast_results(const BroadcastResult& r) {
  return {{"receivers", u64{r.receivers}},
          {"senders", u64{r.senders}},
          {"measured_s", r.measured_s},
          {"deliveries_per_s", r.deliveries_per_s},
          {"messages_per_s", r.messages_per_s},
          {"payload_mb_per_s", r.payload_mb_per_s},
          {"wire_mb_per_s", r.wire_mb_per_s},
          {"sent", r.sent},
          {"sent_measured", r.sent_measured},
          {"expected", r.expected},
          {"delivered", r.delivered},
          {"delivered_measured", r.delivered_measured},
          {"wire_bytes_measured", r.wire_bytes_measured},
          {"lost", r.lost},
          {"gaps", r.gaps},
          {"reordered", r.reordered},
          {"disconnected", r.disconnected},
          {"drained", r.drained},
          {"server_rss_bytes", or_null(r.server_rss)},
          {"latency_ns", latency_json(r.latency)},
          {"latency_uncorrected_ns", latency_json(r.latency_uncorrected)},
          {"latency_same_node_ns",
           r.latency_same_node ? latency_json(*r.latency_same_node) : Json(nullptr)},
          {"latency_cross_node_ns",
           r.latency_cross_node ? latency_json(*r.latency_cross_node) : Json(nullptr)},
          {"cpu_percent", cpu_json(r.cpu)},
          {"per_sender", per_sender_json(r)}};
}

}  // namespace

std::string accept_json(const CommonOptions& common, const AcceptOptions& opt,
                        const AcceptResult& r) {
  Json doc = common_json("accept", common);
  doc["runs"] = Json::array({{{"params",
                               {{"connections", u64{opt.connections}},
                                {"window", u64{common.connect_window}},
                                {"rate", opt.rate},
                                {"hold_s", opt.hold_s}}},
                              {"results", accept_results(r)},
                              {"notes", r.notes}}});
  return doc.dump(2) + "\n";
}

std::string broadcast_json(const CommonOptions& common, const std::vector<BroadcastRun>& runs) {
  Json doc = common_json("broadcast", common);
  Json& out = doc["runs"] = Json::array();
  for (const auto& run : runs) {
    out.push_back({{"params", broadcast_params(run.opt)},
                   {"results", broadcast_results(run.result)},
                   {"notes", run.result.notes}});
  }
  return doc.dump(2) + "\n";
}

}  // namespace chatd::bench
