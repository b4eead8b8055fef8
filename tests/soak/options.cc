// parse_options (see options.h), with CLI11.
#include "tests/soak/options.h"

#include <CLI/CLI.hpp>

namespace soak {
namespace {

void add_chatd_flags(CLI::App& app, Options& o) {
  app.add_option("--chatd", o.chatd_binary, "chatd binary to spawn (default: this build's)");
  app.add_option("--port", o.port, "attach to a chatd already listening on 127.0.0.1:PORT");
  app.add_option("--pid", o.pid, "with --port: the attached chatd's pid, for RSS and fds");
  app.add_option("--chatd-arg", o.chatd_args,
                 "extra argument for the spawned chatd, repeatable: --chatd-arg=--connect-rate=50");
  Limits& l = o.limits;
  app.add_option("--output-limit", l.output_limit, "chatd's --output-limit")->capture_default_str();
  app.add_option("--max-line-bytes", l.max_line_bytes, "chatd's --max-line-bytes")
      ->capture_default_str();
  app.add_option("--flood-rate", l.flood_rate, "chatd's --flood-rate")->capture_default_str();
  app.add_option("--flood-burst", l.flood_burst, "chatd's --flood-burst")->capture_default_str();
  app.add_option("--announce-limit", l.announce_limit, "chatd's --announce-limit")
      ->capture_default_str();
  app.add_option("--idle-timeout", l.idle_timeout_s, "chatd's --idle-timeout (0 = never)")
      ->capture_default_str();
}

void add_load_flags(CLI::App& app, Options& o) {
  app.add_option("--duration", o.duration_s, "seconds of load (then a bounded drain)")
      ->capture_default_str()
      ->check(CLI::Range(5.0, 86400.0));
  app.add_option("--rooms", o.rooms, "chatter rooms (room 0 carries bulk lines)")
      ->capture_default_str()
      ->check(CLI::Range(2, 20));
  app.add_option("--chatters", o.chatters_per_room, "chatters per room")
      ->capture_default_str()
      ->check(CLI::Range(2, 20));
  app.add_option("--chat-rate", o.chat_rate, "lines/s per chatter")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--bulk-rate", o.bulk_rate, "lines/s per chatter in the bulk room")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--bulk-bytes", o.bulk_bytes, "bytes per bulk line")->capture_default_str();
  app.add_option("--flood-lines", o.flood_lines, "lines per flooder burst")->capture_default_str();
  app.add_option("--flood-every", o.flood_every_s, "seconds between bursts")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--junk-every", o.junk_every_s, "seconds between junk clients")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--never-reader-every", o.never_reader_every_s,
                 "seconds between never-reading clients")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--rst-every", o.rst_every_s, "seconds between RST clients")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--slowloris", o.slowloris_pairs, "slowloris pairs")->capture_default_str();
  app.add_option("--churn-peak", o.churn_peak, "concurrent churn connections (0 = fd limits)")
      ->capture_default_str();
  app.add_option("--churn-rate", o.churn_rate, "churn connects/s")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
}

void add_check_flags(CLI::App& app, Options& o) {
  app.add_option("--probe-max-ms", o.probe_max_ms, "bound on the /who round trip (max)")
      ->capture_default_str();
  app.add_option("--rss-margin-pct", o.rss_margin_pct, "allowed RSS growth over the warm-up peak")
      ->capture_default_str();
  app.add_option("--rss-margin-mib", o.rss_margin_mib, "plus this many MiB")->capture_default_str();
  app.add_option("--cut-within", o.cut_within_s, "seconds for chatd to cut a never-reader")
      ->capture_default_str();
  app.add_option("--seed", o.seed, "random seed for the junk")->capture_default_str();
  app.add_flag("--quiet", o.quiet, "no progress lines");
}

}  // namespace

std::optional<Options> parse_options(int argc, char** argv, int* exit_code) {
  Options o;
  CLI::App app{
      "chatd_soak: a bounded chaos soak against a live chatd (well-behaved chatters, junk, "
      "slowloris, never-readers, RSTs, connection churn), with a report and checks",
      "chatd_soak"};
  add_chatd_flags(app, o);
  add_load_flags(app, o);
  add_check_flags(app, o);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    *exit_code = app.exit(e);
    return std::nullopt;
  }
  if (o.pid != 0 && o.port == 0) {
    std::fprintf(stderr, "chatd_soak: --pid needs --port\n");
    *exit_code = 2;
    return std::nullopt;
  }
  return o;
}

}  // namespace soak
