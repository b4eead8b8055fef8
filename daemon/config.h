// chatd's configuration: defaults, a TOML file over them, command-line flags over
// both (DESIGN "Command line"), validation, and printing the result as TOML.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "daemon/listen_spec.h"

namespace chatd {

// Every setting with its default. Each TOML key is the field name (idle_timeout
// for idle_timeout_s); each flag is "--" + the key with '-' for '_'.
// An [[oper]] table: who may become a server operator, and the scrypt hash
// (chatd --hash-password) of the password that proves it.
struct OperAccount {
  std::string name;
  std::string password_hash;
};

struct Config {
  // plain on 2023 and IRC on 6667, IPv4 and IPv6; any --listen replaces all four.
  std::vector<ListenSpec> listen = default_listen();
  std::string config_file;  // --config only; empty when there is no file
  std::size_t max_clients = 100000;
  std::size_t max_per_ip = 0;  // 0 = unlimited
  std::size_t max_line_bytes = 4096;
  std::size_t output_limit = 1 << 20;
  std::size_t output_soft_limit = 0;       // 0 = off
  std::uint32_t output_soft_seconds = 10;  // how long a client may stay over the soft limit
  std::uint32_t idle_timeout_s = 0;        // key idle_timeout; 0 = never
  double flood_rate = 0;                   // lines per second; 0 = off
  double flood_burst = 20;
  double connect_rate = 0;  // new connections per second from one address; 0 = off
  double connect_burst = 20;
  double total_connect_rate = 0;  // new connections per second in all; 0 = off
  double total_connect_burst = 1000;
  std::size_t announce_limit = 200;
  // Room history: lines kept per room (0 = none), and all rooms' in bytes.
  std::size_t history_lines = 20;
  std::size_t history_max_bytes = std::size_t{64} << 20;
  int backlog = 4096;
  std::string default_room = "#lobby";  // always normalized: "dev" is stored as "#dev"
  std::string motd;                     // empty = no extra welcome line, IRC 422
  std::string log_level = "info";       // trace, debug, info, warn or error
  // IRC. An empty server_name is the host name, filled in by ConfigLoader::load().
  std::string server_name;
  std::string network = "chatd";
  std::size_t irc_max_rooms = 50;
  std::uint32_t irc_ping_interval = 90;         // seconds
  std::uint32_t irc_registration_timeout = 60;  // seconds
  // Hosts other users see: a keyed hash of the address, or the address itself.
  bool cloak_hosts = true;
  std::string cloak_key;  // empty: a random key for this run
  // TLS, for +tls listeners: one certificate (PEM, leaf then chain) and its key.
  std::string tls_cert;
  std::string tls_key;
  std::string tls_min_version = "1.2";       // or "1.3"
  std::uint32_t tls_handshake_timeout = 10;  // seconds
  bool tls_session_tickets = false;
  // +proxy listeners take a PROXY header only from these; others are closed.
  // Web listeners take X-Forwarded-For only from these; from others it is ignored.
  std::vector<reactor::Cidr> proxy_from = default_proxy_from();
  // Origins whose pages may open a WebSocket besides chatd's own page
  // (normalize_origin: "https://chat.example.org"); others get 403.
  std::vector<std::string> web_origins;
  // Where server bans are kept across restarts; empty: $STATE_DIRECTORY (set by
  // systemd's StateDirectory=), else nowhere (bans last until a restart).
  std::string state_dir;
  // Several nodes, one chat (daemon/cluster/): the Redis they share (empty:
  // a single node), this node's name (empty: HOST:PID) and the prefix of every
  // key and channel, so that several chats can share one Redis.
  std::string redis;
  // Or the Redis a Sentinel set reports as primary of `redis_master` (both
  // given, and no `redis`); the primary is followed through failovers.
  std::vector<std::string> redis_sentinels;  // HOST:PORT each
  std::string redis_master;
  std::string node_name;
  std::string cluster_prefix = "chatd";
  // Listeners bound with SO_REUSEPORT, so several nodes on one box share a port.
  bool reuseport = false;
  // Server operators, from [[oper]] tables only (no flag carries a password).
  std::vector<OperAccount> opers;

  bool serves_tls() const;
  // Part of a cluster: `redis` or the Sentinel pair is set.
  bool clustered() const { return !redis.empty() || !redis_sentinels.empty(); }

  static std::vector<ListenSpec> default_listen();
  static std::vector<reactor::Cidr> default_proxy_from();
};

// A bad flag, file or value. The message is one line naming the flag or the
// file:line and key, what was wrong and what is allowed, ready for stderr.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Keeps the parsed command line so the configuration can be rebuilt later: on
// SIGHUP, load() re-reads the file and the same flags override it again.
//
// What main does:
//   ConfigLoader loader = ConfigLoader::from_args(argc, argv);  // may throw ConfigError
//   if (!loader.early_output().empty()) { print it to stdout; return 0; }  // --help, --version
//   Config config = loader.load();                              // may throw ConfigError
//   if (loader.check_only()) { print to_toml(config) to stdout; return 0; }
// and on ConfigError calls print_fatal_error(e.what()) (logging.h) and exits non-zero.
class ConfigLoader {
 public:
  // Parses the flags (not the file). Throws ConfigError on an unknown flag, a
  // missing or malformed value, or a value out of range.
  static ConfigLoader from_args(int argc, const char* const* argv);

  // Defaults, then the --config file if any, then the flags, then the checks
  // that involve several keys. Throws ConfigError; never returns a bad Config.
  Config load() const;

  // The --help or --version text; empty unless one of them was given.
  const std::string& early_output() const { return early_output_; }
  bool check_only() const { return check_only_; }
  // --hash-password: read a password from stdin, print its hash, exit.
  bool hash_password() const { return hash_password_; }
  const std::string& config_file() const { return config_file_; }

 private:
  std::string early_output_;
  std::string config_file_;
  bool check_only_ = false;
  bool hash_password_ = false;
  std::vector<ListenSpec> listen_;            // empty when --listen was not given
  std::vector<reactor::Cidr> proxy_from_;     // empty when --proxy-from was not given
  std::vector<std::string> redis_sentinels_;  // empty when --redis-sentinel was not given
  std::vector<std::string> web_origins_;      // empty when --web-origin was not given
  // The other flags given, as (index in config.cc's key table, text): kept as
  // text so load() applies them exactly as a file value of the same key.
  std::vector<std::pair<std::size_t, std::string>> flags_;
};

// The configuration as a TOML file that load() reads back to the same values
// (config_file appears only as a comment: a file cannot name itself).
std::string to_toml(const Config& config);

}  // namespace chatd
