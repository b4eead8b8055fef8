// Loading and checking chatd's configuration: one table of keys drives the TOML
// reader, the command-line flags, the range checks and the TOML printer.
#include "daemon/config.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cassert>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <sstream>
#include <variant>

#include "daemon/config_checks.h"
#include "daemon/web/web_origin.h"
#include "reactor/password_hash.h"

#ifndef CHATD_VERSION
#define CHATD_VERSION "dev"
#endif

namespace chatd {
namespace {

using Member = std::variant<std::size_t Config::*, std::uint32_t Config::*, int Config::*,
                            double Config::*, std::string Config::*, bool Config::*>;
// A value as it arrives from a TOML file or a flag, before it is checked.
using Raw = std::variant<std::int64_t, double, std::string, bool>;
// Checks a string value; returns what to store, or throws ConfigError.
using StringCheck = std::string (*)(const std::string& value, const std::string& where);

struct Field {
  const char* key;        // TOML key; the flag is "--" + key with '-' for '_'
  const char* type_name;  // shown in --help
  const char* help;
  Member member;
  double min = 0;  // inclusive range of a numeric field; every bound is exact in a double
  double max = 0;
  StringCheck check = nullptr;  // for string fields
};

constexpr double kMiB = 1024.0 * 1024.0;

// listen, proxy_from, redis_sentinel, web_origin and config are not here: they are not a plain
// value of one type.
const Field kFields[] = {
    {"max_clients", "N", "concurrent connections", &Config::max_clients, 1, 1e7},
    {"max_per_ip", "N", "concurrent connections from one address, IPv6 per /64 (0 = unlimited)",
     &Config::max_per_ip, 0, 1e7},
    {"max_line_bytes", "N", "longest accepted line in bytes, without CR/LF",
     &Config::max_line_bytes, 64, kMiB},
    {"output_limit", "BYTES", "queued output before a client counts as a slow consumer",
     &Config::output_limit, 64, 1024 * kMiB},
    {"output_soft_limit", "BYTES",
     "queued output a client may exceed only for output_soft_seconds (0 = off)",
     &Config::output_soft_limit, 0, 1024 * kMiB},
    {"output_soft_seconds", "SECONDS", "how long a client may stay over output_soft_limit",
     &Config::output_soft_seconds, 1, 86400},
    {"idle_timeout", "SECONDS", "close clients that send no line this long (0 = never)",
     &Config::idle_timeout_s, 0, 4294967295.0},
    {"flood_rate", "N", "lines per second a client may send (0 = off)", &Config::flood_rate, 0,
     1e6},
    {"flood_burst", "N", "lines a client may send at once before flood_rate applies",
     &Config::flood_burst, 0, 1e6},
    {"connect_rate", "N", "new connections per second from one address (0 = off)",
     &Config::connect_rate, 0, 1e6},
    {"connect_burst", "N", "new connections from one address at once before connect_rate applies",
     &Config::connect_burst, 1, 1e6},
    {"total_connect_rate", "N", "new connections per second from everyone (0 = off)",
     &Config::total_connect_rate, 0, 1e7},
    {"total_connect_burst", "N", "new connections at once before total_connect_rate applies",
     &Config::total_connect_burst, 1, 1e7},
    {"announce_limit", "N", "rooms larger than this do not announce joins, parts, quits",
     &Config::announce_limit, 0, 1e7},
    {"history_lines", "N",
     "lines said in a room that whoever joins it is shown (0 = keep none; in memory, and in "
     "Redis in a cluster)",
     &Config::history_lines, 0, 1000},
    {"history_max_bytes", "BYTES",
     "memory all rooms' history may take; past it the oldest lines go first",
     &Config::history_max_bytes, 0, 1e12},
    {"backlog", "N", "listen backlog", &Config::backlog, 1, 65535},
    {"default_room", "NAME", "room new users land in", &Config::default_room, 0, 0, check_room},
    {"motd", "TEXT", "extra welcome line", &Config::motd, 0, 0, check_motd},
    {"log_level", "LEVEL", "trace, debug, info, warn or error", &Config::log_level, 0, 0,
     check_log_level},
    {"server_name", "NAME", "the IRC server name (empty: the host name)", &Config::server_name, 0,
     0, check_server_name},
    {"network", "NAME", "the network name IRC clients show (ISUPPORT NETWORK)", &Config::network, 0,
     0, check_network},
    {"irc_max_rooms", "N", "rooms an IRC user may be in at once (CHANLIMIT)",
     &Config::irc_max_rooms, 1, 1000},
    {"irc_ping_interval", "SECONDS",
     "an IRC client silent this long is sent a PING, and dropped after as long again",
     &Config::irc_ping_interval, 1, 86400},
    {"irc_registration_timeout", "SECONDS", "IRC connections must register within this",
     &Config::irc_registration_timeout, 1, 3600},
    {"cloak_hosts", "BOOL",
     "show others a keyed hash of each user's address rather than the address",
     &Config::cloak_hosts},
    {"cloak_key", "TEXT", "secret for host cloaks (empty: random, so cloaks change on restart)",
     &Config::cloak_key, 0, 0, check_any},
    {"tls_cert", "FILE", "TLS certificate for +tls listeners (PEM, the chain after it)",
     &Config::tls_cert, 0, 0, check_any},
    {"tls_key", "FILE", "private key of tls_cert (PEM)", &Config::tls_key, 0, 0, check_any},
    {"tls_min_version", "VERSION", "oldest TLS version accepted: 1.2 or 1.3",
     &Config::tls_min_version, 0, 0, check_tls_version},
    {"tls_handshake_timeout", "SECONDS", "a TLS client must finish its handshake within this",
     &Config::tls_handshake_timeout, 1, 3600},
    {"tls_session_tickets", "BOOL", "offer TLS session tickets (IRC clients do not resume)",
     &Config::tls_session_tickets},
    {"state_dir", "DIR",
     "where server bans are kept across restarts (empty: $STATE_DIRECTORY, else not kept)",
     &Config::state_dir, 0, 0, check_any},
    {"redis", "URL",
     "the Redis several nodes share one chat through: redis://[:PASSWORD@]HOST:PORT or "
     "unix://[:PASSWORD@]/PATH (empty: a single node, unless redis_sentinel is set)",
     &Config::redis, 0, 0, check_redis_url},
    {"redis_master", "NAME",
     "with redis_sentinel: the name the sentinels know the primary by (empty: no Sentinel)",
     &Config::redis_master, 0, 0, check_redis_master},
    {"node_name", "NAME",
     "this node's name in the cluster, unique among live nodes (empty: HOST:PID)",
     &Config::node_name, 0, 0, check_node_name},
    {"cluster_prefix", "P", "first part of every Redis key and channel of this chat",
     &Config::cluster_prefix, 0, 0, check_cluster_prefix},
    {"reuseport", "BOOL", "bind listeners with SO_REUSEPORT, so nodes on one box share a port",
     &Config::reuseport},
};

std::string flag_name(std::string_view key) {
  std::string flag = "--" + std::string(key);
  for (char& c : flag) {
    if (c == '_') c = '-';
  }
  return flag;
}

const Field* find_field(std::string_view key) {
  for (const Field& f : kFields) {
    if (key == f.key) return &f;
  }
  return nullptr;
}

bool is_string(const Field& f) {
  return std::holds_alternative<std::string Config::*>(f.member);
}
bool is_float(const Field& f) {
  return std::holds_alternative<double Config::*>(f.member);
}

std::string describe(const Raw& raw) {
  return std::visit([](const auto& v) { return fmt::format("{}", v); }, raw);
}

bool is_bool(const Field& f) {
  return std::holds_alternative<bool Config::*>(f.member);
}

const char* expected(const Field& f) {
  if (is_bool(f)) return "true or false";
  return is_string(f) ? "a string" : is_float(f) ? "a number" : "a whole number";
}

// Checks the value's type and range against the field, then stores it.
void set_field(Config& config, const Field& f, const Raw& raw, const std::string& where) {
  if (is_string(f)) {
    const auto* s = std::get_if<std::string>(&raw);
    if (s == nullptr) fail(where, fmt::format("expected a string, got {}", describe(raw)));
    assert(f.check != nullptr);
    config.*std::get<std::string Config::*>(f.member) = f.check(*s, where);
    return;
  }
  if (is_bool(f)) {
    const auto* b = std::get_if<bool>(&raw);
    if (b == nullptr) fail(where, fmt::format("expected true or false, got {}", describe(raw)));
    config.*std::get<bool Config::*>(f.member) = *b;
    return;
  }
  double x = 0;
  if (const auto* i = std::get_if<std::int64_t>(&raw)) {
    x = static_cast<double>(*i);
  } else if (const auto* d = std::get_if<double>(&raw); d != nullptr && is_float(f)) {
    x = *d;
  } else {
    fail(where, fmt::format("expected {}, got {}", expected(f), describe(raw)));
  }
  if (!(x >= f.min && x <= f.max)) {  // also rejects NaN
    fail(where, fmt::format("must be from {} to {}, got {}", f.min, f.max, describe(raw)));
  }
  std::visit(
      [&](auto member) {
        using T = std::remove_reference_t<decltype(config.*member)>;
        if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
          config.*member = static_cast<T>(x);
        }
      },
      f.member);
}

// Flags arrive as text; parse them the way the TOML reader would type them.
Raw raw_from_flag(const Field& f, const std::string& text, const std::string& where) {
  if (is_string(f)) return text;
  if (is_bool(f)) {
    if (text == "true") return true;
    if (text == "false") return false;
    fail(where, fmt::format("'{}' is not true or false", text));
  }
  const char* first = text.data();
  const char* last = first + text.size();
  std::from_chars_result r{};
  Raw raw;
  if (is_float(f)) {
    r = std::from_chars(first, last, raw.emplace<double>());
  } else {
    r = std::from_chars(first, last, raw.emplace<std::int64_t>());
  }
  if (r.ec == std::errc::result_out_of_range) {
    fail(where, fmt::format("must be from {} to {}, got {}", f.min, f.max, text));
  }
  if (text.empty() || r.ec != std::errc() || r.ptr != last) {
    fail(where, fmt::format("'{}' is not a {}", text, is_float(f) ? "number" : "whole number"));
  }
  return raw;
}

std::string where_in_file(const std::string& path, const toml::node& node, std::string_view key) {
  return fmt::format("{}:{}: {}", path, node.source().begin.line, key);
}

Raw raw_from_toml(const Field& f, const toml::node& node, const std::string& where) {
  if (const auto* i = node.as_integer()) return i->get();
  if (const auto* d = node.as_floating_point()) return d->get();
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* b = node.as_boolean(); b != nullptr && is_bool(f)) return b->get();
  std::ostringstream type;
  type << node.type();
  fail(where, fmt::format("expected {}, got a {}", expected(f), type.str()));
}

ListenSpec listen_spec(std::string_view text, const std::string& where) {
  try {
    return parse_listen_spec(text);
  } catch (const std::invalid_argument& e) {
    fail(where, e.what());
  }
}

reactor::Cidr proxy_source(std::string_view text, const std::string& where) {
  try {
    return reactor::parse_cidr(text);
  } catch (const std::invalid_argument& e) {
    fail(where, e.what());
  }
}

std::string web_origin(std::string_view text, const std::string& where) {
  try {
    return normalize_origin(text);
  } catch (const std::invalid_argument& e) {
    fail(where, e.what());
  }
}

// The keys whose value is a list of strings, each parsed on its own.
template <class T>
struct ListKey {
  const char* key;
  const char* item;  // for errors: what one string should look like
  T (*parse)(std::string_view text, const std::string& where);
};
constexpr ListKey<ListenSpec> kListen{"listen", "[PROTO://]HOST:PORT", listen_spec};
constexpr ListKey<reactor::Cidr> kProxyFrom{"proxy_from", "ADDRESS[/PREFIX]", proxy_source};
constexpr ListKey<std::string> kRedisSentinel{"redis_sentinel", "HOST:PORT", check_sentinel};
constexpr ListKey<std::string> kWebOrigin{"web_origin", "SCHEME://HOST[:PORT]", web_origin};

// key = "TEXT" or key = ["TEXT", "TEXT", ...], at least one.
template <class T>
std::vector<T> list_from_toml(const ListKey<T>& k, const std::string& path,
                              const toml::node& node) {
  const std::string where = where_in_file(path, node, k.key);
  if (const auto* s = node.as_string()) return {k.parse(s->get(), where)};
  const std::string expected = fmt::format("expected an array of \"{}\" strings", k.item);
  const auto* array = node.as_array();
  if (array == nullptr) fail(where, expected);
  if (array->empty()) fail(where, "must list at least one");
  std::vector<T> values;
  for (const toml::node& item : *array) {
    const std::string item_where = where_in_file(path, item, k.key);
    const auto* s = item.as_string();
    if (s == nullptr) fail(item_where, expected);
    values.push_back(k.parse(s->get(), item_where));
  }
  return values;
}

std::string known_keys() {
  std::string keys = "listen, proxy_from, redis_sentinel, web_origin, [[oper]]";
  for (const Field& f : kFields) {
    keys += fmt::format(", {}", f.key);
  }
  return keys;
}

// Read by hand rather than toml::parse_file, whose error does not say why.
toml::table parse_file(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    throw ConfigError(fmt::format("cannot read config file {}: {}", path, std::strerror(errno)));
  }
  std::string text;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, file)) > 0;) {
    text.append(buf, n);
  }
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) throw ConfigError(fmt::format("cannot read config file {}", path));
  try {
    return toml::parse(text, std::string_view(path));
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    throw ConfigError(fmt::format("{}:{}:{}: {}", path, at.line, at.column, e.description()));
  }
}

// [[oper]] tables: a name (as nick-like as a nick: no spaces, no commas) and a
// password_hash chatd --hash-password made.
std::vector<OperAccount> opers_from_toml(const std::string& path, const toml::node& node) {
  const std::string where = where_in_file(path, node, "oper");
  const auto* array = node.as_array();
  if (array == nullptr || !array->is_array_of_tables()) {
    fail(where, "expected [[oper]] tables, each with name and password_hash");
  }
  std::vector<OperAccount> opers;
  for (const toml::node& item : *array) {
    const toml::table& t = *item.as_table();
    const std::string at = where_in_file(path, item, "oper");
    OperAccount a;
    for (auto&& [key, value] : t) {
      const auto* s = value.as_string();
      if (key == "name" && s != nullptr) {
        a.name = s->get();
      } else if (key == "password_hash" && s != nullptr) {
        a.password_hash = s->get();
      } else {
        fail(at, fmt::format("unknown or non-string key '{}'; an [[oper]] has name and "
                             "password_hash",
                             key.str()));
      }
    }
    if (a.name.empty() || a.name.find_first_of(" ,\t") != std::string::npos) {
      fail(at, "needs a name without spaces or commas");
    }
    if (!reactor::is_password_hash(a.password_hash)) {
      fail(at, fmt::format("oper '{}': password_hash is not a hash chatd understands; make one "
                           "with: chatd --hash-password",
                           a.name));
    }
    for (const OperAccount& other : opers) {
      if (other.name == a.name) fail(at, fmt::format("oper '{}' is defined twice", a.name));
    }
    opers.push_back(std::move(a));
  }
  return opers;
}

void apply_file(Config& config, const std::string& path) {
  const toml::table doc = parse_file(path);
  for (auto&& [key, node] : doc) {
    if (key == "oper") {
      config.opers = opers_from_toml(path, node);
      continue;
    }
    if (key == "listen") {
      config.listen = list_from_toml(kListen, path, node);
      continue;
    }
    if (key == "proxy_from") {
      config.proxy_from = list_from_toml(kProxyFrom, path, node);
      continue;
    }
    if (key == "redis_sentinel") {
      config.redis_sentinels = list_from_toml(kRedisSentinel, path, node);
      continue;
    }
    if (key == "web_origin") {
      config.web_origins = list_from_toml(kWebOrigin, path, node);
      continue;
    }
    const std::string where = where_in_file(path, node, key.str());
    const Field* f = find_field(key.str());
    if (f == nullptr) fail(where, fmt::format("unknown key; known keys: {}", known_keys()));
    set_field(config, *f, raw_from_toml(*f, node, where), where);
  }
}

// The rules that tie keys together, checked after the flags override the file.
void check_combination(const Config& c) {
  if (c.output_limit < c.max_line_bytes) {
    throw ConfigError(
        fmt::format("output_limit (--output-limit) is {} but must be at least max_line_bytes "
                    "(--max-line-bytes), {}, or a client could not be sent one full line",
                    c.output_limit, c.max_line_bytes));
  }
  if (c.output_soft_limit >= c.output_limit) {
    throw ConfigError(
        fmt::format("output_soft_limit (--output-soft-limit) is {} but must be below output_limit "
                    "(--output-limit), {} (0 turns it off)",
                    c.output_soft_limit, c.output_limit));
  }
  if (c.flood_rate > 0 && c.flood_burst < 1) {
    throw ConfigError(fmt::format(
        "flood_burst (--flood-burst) is {} but must be at least 1 when flood_rate is set",
        c.flood_burst));
  }
  if (c.listen.empty()) throw ConfigError("listen: at least one address is needed");
  if (c.redis_sentinels.empty() != c.redis_master.empty()) {
    throw ConfigError(
        "redis_sentinel (--redis-sentinel) and redis_master (--redis-master) go together: the "
        "sentinels to ask, and the name they know the primary by");
  }
  if (!c.redis_sentinels.empty() && !c.redis.empty()) {
    throw ConfigError(
        "redis (--redis) and redis_sentinel (--redis-sentinel) exclude each other: give the "
        "Redis itself, or the sentinels that find it");
  }
  for (const ListenSpec& spec : c.listen) {
    if (!spec.scheme.tls || (!c.tls_cert.empty() && !c.tls_key.empty())) continue;
    throw ConfigError(
        fmt::format("listener {} needs a certificate and its key: set {} (tls_cert and tls_key)",
                    spec.to_string(), c.tls_cert.empty() ? "--tls-cert" : "--tls-key"));
  }
}

std::string default_text(const Field& f) {
  const Config defaults;
  return std::visit([&](auto member) { return fmt::format("{}", defaults.*member); }, f.member);
}

// One CLI11 option per table key, collected as text so flags and file values go
// through the same checks.
struct FlagSet {
  CLI::App app{"chatd: a multi-user TCP chat daemon", "chatd"};
  std::vector<std::string> listen;
  std::vector<std::string> proxy_from;
  std::vector<std::string> redis_sentinel;
  std::vector<std::string> web_origin;
  std::string texts[std::size(kFields)];
  CLI::Option* options[std::size(kFields)] = {};
};

// A repeated flag takes its last value (TakeLast), so a wrapper script's
// setting can be overridden by whoever calls it; only --listen, --proxy-from,
// --redis-sentinel and --web-origin accumulate.
void add_options(FlagSet& flags, std::string& config_file, bool& check_only, bool& hash_password) {
  CLI::App& app = flags.app;
  app.add_option("--listen", flags.listen,
                 "listen address, repeatable: [PROTO[+tls][+proxy]://]HOST:PORT with PROTO "
                 "plain (the default), irc, web (the chat page) or metrics; [::1]:2023 for IPv6")
      ->type_name("[PROTO://]HOST:PORT")
      ->default_str(
          "plain://0.0.0.0:2023 plain://[::]:2023 irc://0.0.0.0:6667 irc://[::]:6667 "
          "web://0.0.0.0:8080 web://[::]:8080");
  app.add_option("--proxy-from", flags.proxy_from,
                 "repeatable: an address range whose connections to +proxy listeners may "
                 "send a PROXY header (others are closed), and whose X-Forwarded-For web "
                 "listeners believe")
      ->type_name("CIDR")
      ->default_str("127.0.0.0/8 ::1/128");
  app.add_option("--redis-sentinel", flags.redis_sentinel,
                 "repeatable: a Redis Sentinel that knows where the primary named by "
                 "--redis-master is (instead of --redis)")
      ->type_name("HOST:PORT");
  app.add_option("--web-origin", flags.web_origin,
                 "repeatable: an origin whose pages may open a WebSocket to web listeners, "
                 "besides chatd's own page (others get 403)")
      ->type_name("SCHEME://HOST[:PORT]");
  app.add_option("--config", config_file, "TOML config file; its keys are the flags' names")
      ->type_name("FILE")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_flag("--check-config", check_only,
               "validate flags and file, print the effective config, exit");
  app.add_flag("--hash-password", hash_password,
               "read a password from standard input, print its hash for an [[oper]] table, exit");
  for (std::size_t i = 0; i < std::size(kFields); ++i) {
    const Field& f = kFields[i];
    flags.options[i] = app.add_option(flag_name(f.key), flags.texts[i], f.help)
                           ->type_name(f.type_name)
                           ->default_str(default_text(f))
                           ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    // A bare --reuseport means true; CLI11 would give a bare option its default.
    if (is_bool(f)) {
      flags.options[i]->expected(0, 1)->default_str("")->type_name(
          fmt::format("[{}]={}", f.type_name, default_text(f)));
    }
  }
  app.set_version_flag("--version", "chatd " CHATD_VERSION);
}

}  // namespace

ConfigLoader ConfigLoader::from_args(int argc, const char* const* argv) {
  ConfigLoader loader;
  FlagSet flags;
  add_options(flags, loader.config_file_, loader.check_only_, loader.hash_password_);
  try {
    flags.app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    loader.early_output_ = flags.app.help();
    return loader;
  } catch (const CLI::CallForVersion& e) {
    loader.early_output_ = fmt::format("{}\n", e.what());
    return loader;
  } catch (const CLI::ParseError& e) {
    throw ConfigError(fmt::format("{} (see chatd --help)", e.what()));
  }
  for (const std::string& text : flags.listen) {
    loader.listen_.push_back(listen_spec(text, "--listen"));
  }
  for (const std::string& text : flags.proxy_from) {
    loader.proxy_from_.push_back(proxy_source(text, "--proxy-from"));
  }
  for (const std::string& text : flags.redis_sentinel) {
    loader.redis_sentinels_.push_back(check_sentinel(text, "--redis-sentinel"));
  }
  for (const std::string& text : flags.web_origin) {
    loader.web_origins_.push_back(web_origin(text, "--web-origin"));
  }
  Config scratch;  // check each flag now, so a typo fails before anything starts
  for (std::size_t i = 0; i < std::size(kFields); ++i) {
    if (flags.options[i]->count() == 0) continue;
    const std::string where = flag_name(kFields[i].key);
    // A bare boolean flag (--reuseport) is given no value: it means true.
    const bool bare =
        flags.options[i]->results().empty() ||
        (flags.options[i]->results().size() == 1 && flags.options[i]->results().front().empty());
    if (bare && is_bool(kFields[i])) flags.texts[i] = "true";
    set_field(scratch, kFields[i], raw_from_flag(kFields[i], flags.texts[i], where), where);
    loader.flags_.emplace_back(i, flags.texts[i]);
  }
  return loader;
}

Config ConfigLoader::load() const {
  Config config;
  config.config_file = config_file_;
  if (!config_file_.empty()) apply_file(config, config_file_);
  if (!listen_.empty()) config.listen = listen_;
  if (!proxy_from_.empty()) config.proxy_from = proxy_from_;
  if (!redis_sentinels_.empty()) config.redis_sentinels = redis_sentinels_;
  if (!web_origins_.empty()) config.web_origins = web_origins_;
  for (const auto& [index, text] : flags_) {
    const Field& f = kFields[index];
    const std::string where = flag_name(f.key);
    set_field(config, f, raw_from_flag(f, text, where), where);
  }
  if (config.server_name.empty()) config.server_name = host_name();
  if (const char* dirs = std::getenv("STATE_DIRECTORY"); config.state_dir.empty() && dirs) {
    config.state_dir = std::string(dirs).substr(0, std::string(dirs).find(':'));
  }
  check_combination(config);
  return config;
}

bool Config::serves_tls() const {
  return std::any_of(listen.begin(), listen.end(),
                     [](const ListenSpec& spec) { return spec.scheme.tls; });
}

std::vector<reactor::Cidr> Config::default_proxy_from() {
  return {reactor::parse_cidr("127.0.0.0/8"), reactor::parse_cidr("::1/128")};
}

std::vector<ListenSpec> Config::default_listen() {
  const Scheme plain{FrontEnd::kPlain};
  const Scheme irc{FrontEnd::kIrc};
  const Scheme web{FrontEnd::kWeb};
  return {{plain, {"0.0.0.0", 2023}}, {plain, {"::", 2023}},    {irc, {"0.0.0.0", 6667}},
          {irc, {"::", 6667}},        {web, {"0.0.0.0", 8080}}, {web, {"::", 8080}}};
}

namespace {

std::string toml_string(const std::string& s) {
  std::ostringstream out;
  out << toml::value<std::string>(s);
  return out.str();
}

// Shortest text that reads back to the same double, always typed as a float.
std::string toml_float(double d) {
  std::string text = fmt::format("{}", d);
  if (text.find_first_of(".en") == std::string::npos) text += ".0";
  return text;
}

std::string toml_value(const Config& config, const Field& f) {
  return std::visit(
      [&](auto member) {
        const auto& v = config.*member;
        using T = std::remove_cvref_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return toml_string(v);
        } else if constexpr (std::is_same_v<T, bool>) {
          return std::string(v ? "true" : "false");
        } else if constexpr (std::is_same_v<T, double>) {
          return toml_float(v);
        } else {
          return fmt::format("{}", v);
        }
      },
      f.member);
}

}  // namespace

std::string to_toml(const Config& config) {
  std::string out = "# chatd configuration\n";
  if (!config.config_file.empty()) {
    out += fmt::format("# read from {}\n", config.config_file);
  }
  out += "\n# listen addresses, [PROTO://]HOST:PORT or [PROTO://][V6]:PORT\nlisten = [";
  for (std::size_t i = 0; i < config.listen.size(); ++i) {
    out += fmt::format("{}{}", i == 0 ? "" : ", ", toml_string(config.listen[i].to_string()));
  }
  out += "]\n";
  out += "# address ranges +proxy listeners take PROXY headers from\nproxy_from = [";
  for (std::size_t i = 0; i < config.proxy_from.size(); ++i) {
    out += fmt::format("{}{}", i == 0 ? "" : ", ", toml_string(config.proxy_from[i].to_string()));
  }
  out += "]\n";
  if (!config.redis_sentinels.empty()) {
    out += "# Redis Sentinels that find the primary named by redis_master\nredis_sentinel = [";
    for (std::size_t i = 0; i < config.redis_sentinels.size(); ++i) {
      out += fmt::format("{}{}", i == 0 ? "" : ", ", toml_string(config.redis_sentinels[i]));
    }
    out += "]\n";
  }
  if (!config.web_origins.empty()) {
    out += "# origins whose pages may open a WebSocket besides chatd's own\nweb_origin = [";
    for (std::size_t i = 0; i < config.web_origins.size(); ++i) {
      out += fmt::format("{}{}", i == 0 ? "" : ", ", toml_string(config.web_origins[i]));
    }
    out += "]\n";
  }
  for (const Field& f : kFields) {
    out += fmt::format("# {}\n{} = {}\n", f.help, f.key, toml_value(config, f));
  }
  for (const OperAccount& a : config.opers) {
    out += fmt::format("\n[[oper]]\nname = {}\npassword_hash = {}\n", toml_string(a.name),
                       toml_string(a.password_hash));
  }
  return out;
}

}  // namespace chatd
