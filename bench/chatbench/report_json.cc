// The JSON reports: parameters and every figure, in stable keys for scripts.
#include <fmt/format.h>

#include "bench/chatbench/json_writer.h"
#include "bench/chatbench/report.h"

#ifndef CHATD_VERSION
#define CHATD_VERSION "dev"
#endif

namespace chatd::bench {
namespace {

using u64 = std::uint64_t;

void common_json(JsonWriter& j, std::string_view mode, const CommonOptions& c) {
  j.value("chatbench", CHATD_VERSION).value("mode", mode);
  j.open_object("common")
      .value("target", c.target)
      .value("proto", to_string(c.proto))
      .value("threads", u64{c.threads})
      .value("fd_limit", u64{c.fd_limit})
      .value("connect_window", u64{c.connect_window})
      .value("server_pid", u64(c.server_pid > 0 ? c.server_pid : 0));
  j.open_array("sources");
  for (const auto& s : c.sources)
    j.value({}, s);
  j.close().close();
}

void latency_json(JsonWriter& j, std::string_view key, const LatencySummary& l) {
  j.open_object(key)
      .value("count", l.count)
      .value("p50", l.p50)
      .value("p90", l.p90)
      .value("p99", l.p99)
      .value("p99_9", l.p999)
      .value("max", l.max)
      .value("mean", l.mean)
      .close();
}

void cpu_json(JsonWriter& j, const CpuUse& c) {
  j.open_object("cpu_percent")
      .value("chatbench", c.self)
      .value("busiest_thread", c.busiest_thread)
      .value("threads", u64{c.threads})
      .value("cores", u64{c.cores})
      .value("server", c.server)
      .value("machine", c.machine)
      .value("others", c.others())
      .close();
}

void notes_json(JsonWriter& j, const std::vector<std::string>& notes) {
  j.open_array("notes");
  for (const auto& n : notes)
    j.value({}, n);
  j.close();
}

void accept_results(JsonWriter& j, const AcceptResult& r) {
  j.open_object("results")
      .value("requested", u64{r.requested})
      .value("attempted", u64{r.attempted})
      .value("connected", u64{r.connected})
      .value("greeted", u64{r.greeted});
  j.open_object("failures");
  for (const auto& [why, n] : r.failures)
    j.value(why, u64{n});
  j.close()
      .value("connect_s", r.connect_s)
      .value("greeting_s", r.greeting_s)
      .value("connects_per_s", r.connects_per_s)
      .value("greetings_per_s", r.greetings_per_s);
  latency_json(j, "connect_latency_ns", r.connect_latency);
  latency_json(j, "greeting_latency_ns", r.greeting_latency);
  j.value("server_rss_before_bytes", r.rss_before)
      .value("server_rss_after_bytes", r.rss_after)
      .value("server_rss_per_connection_bytes", r.rss_per_connection);
  cpu_json(j, r.cpu);
  j.close();
}

void broadcast_params(JsonWriter& j, const BroadcastOptions& o) {
  j.open_object("params")
      .value("receivers", u64{o.receivers})
      .value("senders", u64{o.senders})
      .value("size", u64{o.size})
      .value("duration_s", o.duration_s)
      .value("warmup_s", o.warmup_s)
      .value("loop", o.open_loop() ? "open" : "closed")
      .value("inflight", u64{o.inflight})
      .value("rate", o.rate)
      .value("room", o.room)
      .value("drain_timeout_s", o.drain_timeout_s)
      .close();
}

// Lost per sender: what it sent times the receivers, less what they got.
void per_sender_json(JsonWriter& j, const BroadcastResult& r) {
  j.open_array("per_sender");
  for (const SenderCounts& s : r.per_sender) {
    const u64 expected = s.sent * r.receivers;
    j.open_object()
        .value("sent", s.sent)
        .value("delivered", s.delivered)
        .value("lost", expected > s.delivered ? expected - s.delivered : u64{0})
        .value("gaps", s.gaps)
        .value("reordered", s.reordered)
        .close();
  }
  j.close();
}

void broadcast_results(JsonWriter& j, const BroadcastResult& r) {
  j.open_object("results")
      .value("receivers", u64{r.receivers})
      .value("senders", u64{r.senders})
      .value("measured_s", r.measured_s)
      .value("deliveries_per_s", r.deliveries_per_s)
      .value("messages_per_s", r.messages_per_s)
      .value("payload_mb_per_s", r.payload_mb_per_s)
      .value("wire_mb_per_s", r.wire_mb_per_s)
      .value("sent", r.sent)
      .value("sent_measured", r.sent_measured)
      .value("expected", r.expected)
      .value("delivered", r.delivered)
      .value("delivered_measured", r.delivered_measured)
      .value("wire_bytes_measured", r.wire_bytes_measured)
      .value("lost", r.lost)
      .value("gaps", r.gaps)
      .value("reordered", r.reordered)
      .value("disconnected", r.disconnected)
      .value("drained", r.drained)
      .value("server_rss_bytes", r.server_rss);
  latency_json(j, "latency_ns", r.latency);
  latency_json(j, "latency_uncorrected_ns", r.latency_uncorrected);
  cpu_json(j, r.cpu);
  per_sender_json(j, r);
  j.close();
}

}  // namespace

std::string accept_json(const CommonOptions& common, const AcceptOptions& opt,
                        const AcceptResult& r) {
  JsonWriter j;
  j.open_object();
  common_json(j, "accept", common);
  j.open_array("runs").open_object();
  j.open_object("params")
      .value("connections", u64{opt.connections})
      .value("window", u64{common.connect_window})
      .value("rate", opt.rate)
      .value("hold_s", opt.hold_s)
      .close();
  accept_results(j, r);
  notes_json(j, r.notes);
  j.close().close().close();
  return j.text();
}

std::string broadcast_json(const CommonOptions& common, const std::vector<BroadcastRun>& runs) {
  JsonWriter j;
  j.open_object();
  common_json(j, "broadcast", common);
  j.open_array("runs");
  for (const auto& run : runs) {
    j.open_object();
    broadcast_params(j, run.opt);
    broadcast_results(j, run.result);
    notes_json(j, run.result.notes);
    j.close();
  }
  j.close().close();
  return j.text();
}

}  // namespace chatd::bench
