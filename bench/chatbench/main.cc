// chatbench: load-tests a chat server over real TCP: `accept` (connection rate,
// time to greeting, server memory per connection) and `broadcast` (fan-out
// throughput and latency), against chatd or, for comparison, Redis pub/sub.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "bench/chatbench/accept_run.h"
#include "bench/chatbench/broadcast_run.h"
#include "bench/chatbench/payload.h"
#include "bench/chatbench/proc_stats.h"
#include "bench/chatbench/report.h"

namespace chatd::bench {
namespace {

constexpr std::size_t kMaxMessage = 4000;  // under chatd's default line limit with the nick

void add_common_options(CLI::App& sub, CommonOptions& c, std::string& proto) {
  sub.add_option("-t,--target", c.targets,
                 "server address, HOST:PORT or [V6]:PORT; repeatable: the nodes of one chat, "
                 "clients spread over them in turn")
      ->capture_default_str();
  sub.add_option("--proto", proto,
                 "protocol: chatd (plain lines), irc, mix (every other connection IRC, to "
                 "--irc-target), ws (plain lines over a WebSocket: --target is a web "
                 "listener), redis (SUBSCRIBE/PUBLISH over RESP), or relay (bench/relay)")
      ->capture_default_str()
      ->check(CLI::IsMember({"chatd", "irc", "mix", "ws", "redis", "relay"}));
  sub.add_option("--irc-target", c.irc_target, "with --proto mix: chatd's IRC address")
      ->capture_default_str();
  sub.add_option("--threads", c.threads,
                 "load-generating threads, one libuv loop each (default: one per usable CPU)");
  sub.add_option("--source", c.sources,
                 "source address or IPv4 range for outgoing connections, e.g. "
                 "127.0.0.1-127.0.0.8 (repeatable)");
  sub.add_option("--server-pid", c.server_pid,
                 "the server's pid: report its RSS (accept) and CPU use from /proc");
  sub.add_option("--setup-timeout", c.setup_timeout_s, "seconds allowed to connect and join")
      ->capture_default_str();
  sub.add_flag("--json", c.json, "print the report as JSON instead of a table");
  sub.add_option("--json-out", c.json_out, "also write the JSON report to this file");
  sub.add_flag("!--no-progress", c.progress, "no live progress line on stderr");
  sub.add_flag("--tls", c.tls, "speak TLS (chatd's plain+tls:// or irc+tls:// listeners)");
  sub.add_option("--ca", c.ca_file, "with --tls: verify the server against this CA (PEM)");
  sub.add_option("--tls-name", c.tls_name, "with --tls: the name the certificate must carry")
      ->capture_default_str();
  sub.add_flag("--insecure", c.insecure, "with --tls: do not verify the server's certificate");
}

void add_accept_options(CLI::App& sub, AcceptOptions& a, CommonOptions& c) {
  sub.add_option("-n,--connections", a.connections, "connections to open and hold")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sub.add_option("--window", c.connect_window, "connects in flight at once")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sub.add_option("--rate", a.rate, "connects per second (default: as fast as the window allows)")
      ->check(CLI::NonNegativeNumber);
  sub.add_option("--hold", a.hold_s, "seconds to hold the connections before reading RSS")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  sub.add_flag("--then-sigterm", a.then_sigterm,
               "after the hold, SIGTERM the server (--server-pid) while every connection stays "
               "open as nc's do, and time its exit");
  sub.add_option("--exit-timeout", a.exit_timeout_s,
                 "with --then-sigterm: seconds to wait for the server to exit")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
}

void add_broadcast_options(CLI::App& sub, BroadcastOptions& b, CommonOptions& c) {
  sub.add_option("-r,--receivers", b.receivers, "receivers in the room")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sub.add_option("-s,--senders", b.senders, "senders")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{kMaxSenders}));
  sub.add_option("-b,--size", b.size, "message size in bytes (payload, without CRLF)")
      ->capture_default_str()
      ->check(CLI::Range(kStampBytes, kMaxMessage));
  sub.add_option("-d,--duration", b.duration_s, "seconds measured")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sub.add_option("-w,--warmup", b.warmup_s, "seconds of sending before measuring")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  sub.add_option("--inflight", b.inflight,
                 "closed loop: messages per sender not yet received by every receiver")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sub.add_option("--rate", b.rate,
                 "open loop: messages per second over all senders, latency measured from the "
                 "scheduled send time (default: closed loop)")
      ->check(CLI::NonNegativeNumber);
  sub.add_option("--room", b.room, "room (chatd) or channel (redis)")->capture_default_str();
  sub.add_option("--sweep", b.sweep, "receiver counts to run one after another, e.g. 100,1000,5000")
      ->delimiter(',')
      ->check(CLI::PositiveNumber);
  sub.add_option("--drain-timeout", b.drain_timeout_s,
                 "seconds to wait after sending for every message to arrive")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  sub.add_option("--connect-window", c.connect_window, "connects in flight during setup")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
}

void emit(const CommonOptions& common, const std::string& json,
          const std::function<void()>& table) {
  if (!common.json_out.empty()) {
    std::ofstream out(common.json_out);
    out << json;
    if (!out) throw std::runtime_error("cannot write " + common.json_out);
  }
  if (common.json) {
    std::fputs(json.c_str(), stdout);
  } else {
    table();
  }
}

int accept_main(CommonOptions& common, const AcceptOptions& opt) {
  Progress progress(common.progress);
  const AcceptResult r = run_accept(common, opt, progress);
  emit(common, accept_json(common, opt, r), [&] { print_accept_table(stdout, common, opt, r); });
  return 0;
}

int broadcast_main(CommonOptions& common, const BroadcastOptions& opt) {
  Progress progress(common.progress);
  std::vector<BroadcastRun> runs;
  std::vector<std::size_t> counts = opt.sweep;
  if (counts.empty()) counts.push_back(opt.receivers);
  for (const std::size_t receivers : counts) {
    if (interrupted()) break;
    BroadcastRun run{opt, {}};
    run.opt.receivers = receivers;
    run.result = run_broadcast(common, run.opt, progress);
    run.opt.receivers = run.result.receivers;
    runs.push_back(std::move(run));
  }
  emit(common, broadcast_json(common, runs), [&] { print_broadcast_table(stdout, common, runs); });
  return 0;
}

int run(int argc, char** argv) {
  CommonOptions common;
  std::string proto = "chatd";
  AcceptOptions accept_opt;
  BroadcastOptions broadcast_opt;
  CLI::App app{"chatbench: load-tests chatd (or Redis pub/sub, for comparison) over TCP"};
  app.require_subcommand(1);
  auto* accept = app.add_subcommand(
      "accept", "open N connections, time connects and greetings, measure server RSS");
  auto* broadcast = app.add_subcommand(
      "broadcast", "R receivers and S senders in one room: deliveries/s and latency");
  add_common_options(*accept, common, proto);
  add_accept_options(*accept, accept_opt, common);
  add_common_options(*broadcast, common, proto);
  add_broadcast_options(*broadcast, broadcast_opt, common);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  for (Proto p :
       {Proto::kChatd, Proto::kIrc, Proto::kMix, Proto::kWs, Proto::kRedis, Proto::kRelay}) {
    if (proto == to_string(p)) common.proto = p;
  }
  if (accept_opt.then_sigterm && common.server_pid <= 0) {
    std::fputs("chatbench: --then-sigterm needs --server-pid\n", stderr);
    return 2;
  }
  if (accept->parsed() && common.proto == Proto::kRelay) {
    std::fputs("chatbench: the relay sends no greeting, so accept cannot time one\n", stderr);
    return 2;
  }
  if (common.tls) {
    if (common.proto == Proto::kRedis || common.proto == Proto::kRelay) {
      std::fputs("chatbench: --tls is for chatd's own protocols (chatd, irc, mix, ws)\n", stderr);
      return 2;
    }
    common.tls_context =
        std::make_shared<ClientTlsContext>(common.ca_file, common.tls_name, common.insecure);
  }
  if (common.threads == 0) common.threads = usable_cpus();
  common.fd_limit = raise_fd_limit();
  for (const auto& s : common.sources)
    common.source_pool.add(s);
  install_interrupt_handler();
  return accept->parsed() ? accept_main(common, accept_opt) : broadcast_main(common, broadcast_opt);
}

}  // namespace
}  // namespace chatd::bench

int main(int argc, char** argv) {
  try {
    return chatd::bench::run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chatbench: %s\n", e.what());
    return 1;
  }
}
