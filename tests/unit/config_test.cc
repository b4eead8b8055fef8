// Config loading: defaults, flags, TOML file, their precedence, the error
// messages a user sees for each kind of mistake, and to_toml round trips.
#include "daemon/config.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace chatd {
namespace {

using test::TempDir;

ConfigLoader parse(std::vector<std::string> args) {
  args.insert(args.begin(), "chatd");
  std::vector<const char*> argv;
  argv.reserve(args.size());
  for (const std::string& a : args)
    argv.push_back(a.c_str());
  return ConfigLoader::from_args(static_cast<int>(argv.size()), argv.data());
}

Config load(const std::vector<std::string>& args) {
  return parse(args).load();
}

// The message of the ConfigError that loading with these flags throws.
std::string error_of(const std::vector<std::string>& args) {
  try {
    load(args);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError";
  return "";
}

::testing::AssertionResult mentions(const std::string& message,
                                    const std::vector<std::string>& parts) {
  for (const std::string& part : parts) {
    if (message.find(part) == std::string::npos) {
      return ::testing::AssertionFailure() << "'" << message << "' lacks '" << part << "'";
    }
  }
  return ::testing::AssertionSuccess();
}

std::vector<std::string> listen_text(const Config& c) {
  std::vector<std::string> out;
  for (const auto& ep : c.listen)
    out.push_back(ep.to_string());
  return out;
}

void expect_same(const Config& a, const Config& b) {
  EXPECT_EQ(listen_text(a), listen_text(b));
  EXPECT_EQ(a.max_clients, b.max_clients);
  EXPECT_EQ(a.max_per_ip, b.max_per_ip);
  EXPECT_EQ(a.max_line_bytes, b.max_line_bytes);
  EXPECT_EQ(a.output_limit, b.output_limit);
  EXPECT_EQ(a.idle_timeout_s, b.idle_timeout_s);
  EXPECT_EQ(a.flood_rate, b.flood_rate);
  EXPECT_EQ(a.flood_burst, b.flood_burst);
  EXPECT_EQ(a.announce_limit, b.announce_limit);
  EXPECT_EQ(a.backlog, b.backlog);
  EXPECT_EQ(a.default_room, b.default_room);
  EXPECT_EQ(a.motd, b.motd);
  EXPECT_EQ(a.log_level, b.log_level);
}

TEST(Config, DefaultsMatchTheDesign) {
  const ConfigLoader loader = parse({});
  EXPECT_TRUE(loader.early_output().empty());
  EXPECT_FALSE(loader.check_only());
  const Config c = loader.load();
  EXPECT_EQ(listen_text(c), (std::vector<std::string>{"plain://0.0.0.0:2023", "plain://[::]:2023",
                                                      "irc://0.0.0.0:6667", "irc://[::]:6667",
                                                      "web://0.0.0.0:8080", "web://[::]:8080"}));
  EXPECT_TRUE(c.web_origins.empty());
  EXPECT_TRUE(c.config_file.empty());
  EXPECT_EQ(c.max_clients, 100000u);
  EXPECT_EQ(c.max_per_ip, 0u);
  EXPECT_EQ(c.max_line_bytes, 4096u);
  EXPECT_EQ(c.output_limit, 1024u * 1024u);
  EXPECT_EQ(c.idle_timeout_s, 0u);
  EXPECT_EQ(c.flood_rate, 0.0);
  EXPECT_EQ(c.flood_burst, 20.0);
  EXPECT_EQ(c.announce_limit, 200u);
  EXPECT_EQ(c.backlog, 4096);
  EXPECT_EQ(c.default_room, "#lobby");
  EXPECT_EQ(c.motd, "");
  EXPECT_EQ(c.log_level, "info");
  expect_same(c, Config{});
}

TEST(Config, EveryFlagIsParsed) {
  const Config c = load(
      {"--listen",         "127.0.0.1:0", "--max-clients",  "10",    "--max-per-ip",     "3",
       "--max-line-bytes", "512",         "--output-limit", "65536", "--idle-timeout",   "300",
       "--flood-rate",     "2.5",         "--flood-burst",  "5",     "--announce-limit", "50",
       "--backlog",        "128",         "--default-room", "#dev",  "--motd",           "be nice",
       "--log-level",      "debug"});
  EXPECT_EQ(listen_text(c), std::vector<std::string>{"plain://127.0.0.1:0"});
  EXPECT_EQ(c.max_clients, 10u);
  EXPECT_EQ(c.max_per_ip, 3u);
  EXPECT_EQ(c.max_line_bytes, 512u);
  EXPECT_EQ(c.output_limit, 65536u);
  EXPECT_EQ(c.idle_timeout_s, 300u);
  EXPECT_EQ(c.flood_rate, 2.5);
  EXPECT_EQ(c.flood_burst, 5.0);
  EXPECT_EQ(c.announce_limit, 50u);
  EXPECT_EQ(c.backlog, 128);
  EXPECT_EQ(c.default_room, "#dev");
  EXPECT_EQ(c.motd, "be nice");
  EXPECT_EQ(c.log_level, "debug");
}

TEST(Config, EqualsSignFormWorks) {
  EXPECT_EQ(load({"--max-clients=7"}).max_clients, 7u);
}

TEST(Config, CheckConfigAndConfigFlagsAreRecorded) {
  TempDir dir;
  const std::string file = dir.write("c.toml", "");
  const ConfigLoader loader = parse({"--check-config", "--config", file});
  EXPECT_TRUE(loader.check_only());
  EXPECT_EQ(loader.config_file(), file);
  EXPECT_EQ(loader.load().config_file, file);
}

TEST(Config, HelpAndVersionAreEarlyOutput) {
  const std::string help = parse({"--help"}).early_output();
  EXPECT_TRUE(mentions(help, {"--listen", "--max-clients", "--check-config", "--log-level"}));
  EXPECT_TRUE(mentions(parse({"--version"}).early_output(), {"chatd"}));
}

TEST(Config, ListenIsRepeatableAndTakesIpv6) {
  const Config c = load({"--listen", "127.0.0.1:2023", "--listen", "[::1]:2024"});
  ASSERT_EQ(c.listen.size(), 2u);
  EXPECT_EQ(c.listen[0].at.host, "127.0.0.1");
  EXPECT_EQ(c.listen[1].at.host, "::1");
  EXPECT_EQ(c.listen[1].at.port, 2024);
  EXPECT_TRUE(c.listen[1].at.is_ipv6());
  EXPECT_EQ(c.listen[0].scheme.front_end, FrontEnd::kPlain);
}

TEST(Config, DefaultRoomWithoutHashIsNormalized) {
  EXPECT_EQ(load({"--default-room", "dev"}).default_room, "#dev");
}

TEST(Config, LastOfARepeatedFlagWins) {
  EXPECT_EQ(load({"--max-clients", "5", "--max-clients", "6"}).max_clients, 6u);
}

TEST(Config, FileKeysAreRead) {
  TempDir dir;
  const std::string file = dir.write("c.toml", R"(# every key
listen = ["127.0.0.1:2023", "[::1]:2023"]
max_clients = 10000
max_per_ip = 4
max_line_bytes = 1024
output_limit = 8192
idle_timeout = 600
flood_rate = 1.5
flood_burst = 10
announce_limit = 20
backlog = 64
default_room = "general"
motd = "hello"
log_level = "warn"
)");
  const Config c = load({"--config", file});
  EXPECT_EQ(listen_text(c),
            (std::vector<std::string>{"plain://127.0.0.1:2023", "plain://[::1]:2023"}));
  EXPECT_EQ(c.max_clients, 10000u);
  EXPECT_EQ(c.max_per_ip, 4u);
  EXPECT_EQ(c.max_line_bytes, 1024u);
  EXPECT_EQ(c.output_limit, 8192u);
  EXPECT_EQ(c.idle_timeout_s, 600u);
  EXPECT_EQ(c.flood_rate, 1.5);
  EXPECT_EQ(c.flood_burst, 10.0);  // an integer is fine for a number key
  EXPECT_EQ(c.announce_limit, 20u);
  EXPECT_EQ(c.backlog, 64);
  EXPECT_EQ(c.default_room, "#general");
  EXPECT_EQ(c.motd, "hello");
  EXPECT_EQ(c.log_level, "warn");
}

TEST(Config, FileListenMayBeOneString) {
  TempDir dir;
  const std::string file = dir.write("c.toml", "listen = \"[::]:7000\"\n");
  EXPECT_EQ(listen_text(load({"--config", file})), std::vector<std::string>{"plain://[::]:7000"});
}

TEST(Config, FlagsOverrideTheFile) {
  TempDir dir;
  const std::string file =
      dir.write("c.toml", "listen = [\"127.0.0.1:1\"]\nmax_clients = 10\nbacklog = 64\n");
  const Config c = load({"--config", file, "--max-clients", "20", "--listen", "[::1]:2"});
  EXPECT_EQ(c.max_clients, 20u);
  EXPECT_EQ(c.backlog, 64);
  EXPECT_EQ(listen_text(c), std::vector<std::string>{"plain://[::1]:2"});
}

TEST(Config, LoadAgainRereadsTheFileAndReappliesFlags) {
  TempDir dir;
  const std::string file = dir.write("c.toml", "max_clients = 10\nbacklog = 64\n");
  const ConfigLoader loader = parse({"--config", file, "--backlog", "32"});
  EXPECT_EQ(loader.load().max_clients, 10u);
  dir.write("c.toml", "max_clients = 11\nbacklog = 99\n");
  const Config reloaded = loader.load();
  EXPECT_EQ(reloaded.max_clients, 11u);
  EXPECT_EQ(reloaded.backlog, 32);
}

TEST(ConfigError, UnknownFlag) {
  EXPECT_TRUE(mentions(error_of({"--frobnicate"}), {"--frobnicate", "--help"}));
}

TEST(ConfigError, StrayArgument) {
  EXPECT_TRUE(mentions(error_of({"extra"}), {"extra"}));
}

TEST(ConfigError, FlagWithoutValue) {
  EXPECT_TRUE(mentions(error_of({"--max-clients"}), {"--max-clients"}));
}

TEST(ConfigError, FlagValueNotANumber) {
  EXPECT_TRUE(mentions(error_of({"--max-clients", "lots"}), {"--max-clients", "lots"}));
  EXPECT_TRUE(mentions(error_of({"--backlog", "12x"}), {"--backlog", "12x"}));
  EXPECT_TRUE(mentions(error_of({"--flood-rate", "fast"}), {"--flood-rate", "fast"}));
  EXPECT_TRUE(mentions(error_of({"--max-clients", "1.5"}), {"--max-clients", "whole number"}));
}

TEST(ConfigError, FlagValueOutOfRange) {
  EXPECT_TRUE(
      mentions(error_of({"--max-line-bytes", "10"}), {"--max-line-bytes", "64", "1048576", "10"}));
  EXPECT_TRUE(mentions(error_of({"--max-line-bytes", "2000000"}), {"--max-line-bytes"}));
  EXPECT_TRUE(mentions(error_of({"--max-clients", "0"}), {"--max-clients", "from 1"}));
  EXPECT_TRUE(mentions(error_of({"--max-per-ip", "-1"}), {"--max-per-ip", "-1"}));
  EXPECT_TRUE(mentions(error_of({"--idle-timeout", "99999999999999999999"}), {"--idle-timeout"}));
  EXPECT_TRUE(mentions(error_of({"--flood-rate", "nan"}), {"--flood-rate"}));
}

TEST(ConfigError, OutputLimitBelowLineLimit) {
  EXPECT_TRUE(mentions(error_of({"--output-limit", "1000"}), {"output_limit", "max_line_bytes"}));
  EXPECT_EQ(load({"--output-limit", "1000", "--max-line-bytes", "1000"}).output_limit, 1000u);
}

TEST(ConfigError, FloodBurstBelowOneWhenFloodControlIsOn) {
  EXPECT_TRUE(mentions(error_of({"--flood-rate", "1", "--flood-burst", "0.5"}),
                       {"flood_burst", "at least 1"}));
  EXPECT_EQ(load({"--flood-burst", "0"}).flood_burst, 0.0);  // unused while flood_rate is 0
}

TEST(ConfigError, BadListenAddress) {
  EXPECT_TRUE(mentions(error_of({"--listen", "localhost:2023"}), {"--listen", "localhost:2023"}));
  EXPECT_TRUE(mentions(error_of({"--listen", "[::1]:70000"}), {"--listen", "65535"}));
}

TEST(ConfigError, BadStringValues) {
  EXPECT_TRUE(mentions(error_of({"--log-level", "loud"}), {"--log-level", "loud", "trace"}));
  EXPECT_TRUE(mentions(error_of({"--default-room", "a room"}), {"--default-room", "'a room'"}));
  EXPECT_TRUE(mentions(error_of({"--default-room", "#"}), {"--default-room"}));
  EXPECT_TRUE(mentions(error_of({"--motd", "two\nlines"}), {"--motd", "control"}));
}

TEST(ConfigFileError, MissingFile) {
  EXPECT_TRUE(mentions(error_of({"--config", "/nonexistent/chatd.toml"}),
                       {"/nonexistent/chatd.toml", "No such file"}));
}

TEST(ConfigFileError, UnknownKeyNamesFileAndLine) {
  TempDir dir;
  const std::string file = dir.write("c.toml", "# comment\nmax_clients = 5\ncolour = \"red\"\n");
  EXPECT_TRUE(mentions(error_of({"--config", file}), {file + ":3:", "colour", "known keys"}));
}

TEST(ConfigFileError, TableIsAnUnknownKey) {
  TempDir dir;
  const std::string file = dir.write("c.toml", "[server]\nmax_clients = 5\n");
  EXPECT_TRUE(mentions(error_of({"--config", file}), {file + ":1:", "server"}));
}

TEST(ConfigFileError, WrongType) {
  TempDir dir;
  const std::string file = dir.write("c.toml", "max_clients = \"many\"\n");
  EXPECT_TRUE(mentions(error_of({"--config", file}), {file + ":1:", "max_clients", "whole"}));
  dir.write("c.toml", "\nflood_rate = true\n");
  EXPECT_TRUE(mentions(error_of({"--config", file}), {file + ":2:", "flood_rate", "boolean"}));
  dir.write("c.toml", "backlog = 1.5\n");
  EXPECT_TRUE(mentions(error_of({"--config", file}), {"backlog", "whole number"}));
  dir.write("c.toml", "motd = 5\n");
  EXPECT_TRUE(mentions(error_of({"--config", file}), {"motd", "string"}));
  dir.write("c.toml", "listen = 2023\n");
  EXPECT_TRUE(mentions(error_of({"--config", file}), {"listen", "HOST:PORT"}));
}

TEST(ConfigFileError, BadValue) {
  TempDir dir;
  const std::string file = dir.write("c.toml", "max_line_bytes = 63\n");
  EXPECT_TRUE(mentions(error_of({"--config", file}), {file + ":1:", "max_line_bytes", "64"}));
  dir.write("c.toml", "max_per_ip = -3\n");
  EXPECT_TRUE(mentions(error_of({"--config", file}), {"max_per_ip", "-3"}));
  dir.write("c.toml", "default_room = \"no spaces\"\n");
  EXPECT_TRUE(mentions(error_of({"--config", file}), {"default_room", "no spaces"}));
  dir.write("c.toml", "log_level = \"verbose\"\n");
  EXPECT_TRUE(mentions(error_of({"--config", file}), {"log_level", "verbose"}));
}

TEST(ConfigFileError, BadListen) {
  TempDir dir;
  const std::string file = dir.write("c.toml", "listen = [\n  \"127.0.0.1:1\",\n  \"nope\",\n]\n");
  EXPECT_TRUE(mentions(error_of({"--config", file}), {file + ":3:", "listen", "nope"}));
  dir.write("c.toml", "listen = []\n");
  EXPECT_TRUE(mentions(error_of({"--config", file}), {"listen", "at least one"}));
}

TEST(ConfigFileError, BrokenSyntaxNamesFileAndLine) {
  TempDir dir;
  const std::string file = dir.write("c.toml", "max_clients = 5\nbacklog = = 3\n");
  EXPECT_TRUE(mentions(error_of({"--config", file}), {file + ":2:"}));
  dir.write("c.toml", "max_clients = 5\nmax_clients = 6\n");
  EXPECT_TRUE(mentions(error_of({"--config", file}), {file + ":2:", "max_clients"}));
}

TEST(ConfigFileError, FlagCannotRescueABadFile) {
  TempDir dir;
  const std::string file = dir.write("c.toml", "max_clients = 0\n");
  EXPECT_TRUE(mentions(error_of({"--config", file, "--max-clients", "5"}), {"max_clients"}));
}

// Writes to_toml(config) to a file and loads it back.
Config round_trip(const Config& config, const TempDir& dir) {
  const std::string file = dir.write("printed.toml", to_toml(config));
  return load({"--config", file});
}

TEST(ConfigToToml, DefaultsRoundTrip) {
  TempDir dir;
  const Config defaults = load({});
  expect_same(round_trip(defaults, dir), defaults);
}

TEST(ConfigToToml, EveryValueRoundTrips) {
  TempDir dir;
  const Config c = load({"--listen",         "127.0.0.1:0",
                         "--listen",         "[::1]:2023",
                         "--max-clients",    "10",
                         "--max-per-ip",     "3",
                         "--max-line-bytes", "512",
                         "--output-limit",   "65536",
                         "--idle-timeout",   "300",
                         "--flood-rate",     "0.1",
                         "--flood-burst",    "2.75",
                         "--announce-limit", "0",
                         "--backlog",        "1",
                         "--default-room",   "Dev.Team",
                         "--motd",           "it's \"quoted\"\tand caf\xc3\xa9 \\o/",
                         "--log-level",      "trace"});
  const Config back = round_trip(c, dir);
  expect_same(back, c);
  EXPECT_EQ(back.default_room, "#Dev.Team");
}

TEST(ConfigToToml, NamesTheFileOnlyInAComment) {
  TempDir dir;
  const std::string file = dir.write("c.toml", "backlog = 7\n");
  const Config c = load({"--config", file});
  const std::string printed = to_toml(c);
  EXPECT_TRUE(mentions(printed, {"# read from " + file, "backlog = 7\n"}));
  expect_same(round_trip(c, dir), c);
}

TEST(ConfigCluster, RedisNodeNamePrefixAndReuseportAreRead) {
  const Config c = load({"--redis", "unix:///run/redis/redis-server.sock", "--node-name", "box1:a",
                         "--cluster-prefix", "team", "--reuseport"});
  EXPECT_TRUE(c.clustered());
  EXPECT_EQ(c.redis, "unix:///run/redis/redis-server.sock");
  EXPECT_EQ(c.node_name, "box1:a");
  EXPECT_EQ(c.cluster_prefix, "team");
  EXPECT_TRUE(c.reuseport);
  EXPECT_FALSE(load({}).clustered());
}

TEST(ConfigCluster, SentinelsAreRepeatableAndGoWithAPrimaryName) {
  const Config c = load({"--redis-sentinel", "10.0.0.1:26379", "--redis-sentinel", "[::1]:26380",
                         "--redis-master", "chat-main"});
  EXPECT_TRUE(c.clustered());
  EXPECT_EQ(c.redis_sentinels, (std::vector<std::string>{"10.0.0.1:26379", "[::1]:26380"}));
  EXPECT_EQ(c.redis_master, "chat-main");
  TempDir dir;
  const std::string file =
      dir.write("c.toml", "redis_sentinel = [\"s1:26379\", \"s2:26380\"]\nredis_master = \"m\"\n");
  const Config from_file = load({"--config", file});
  EXPECT_EQ(from_file.redis_sentinels, (std::vector<std::string>{"s1:26379", "s2:26380"}));
  const Config back = round_trip(from_file, dir);
  EXPECT_EQ(back.redis_sentinels, from_file.redis_sentinels);
  EXPECT_EQ(back.redis_master, "m");
  dir.write("c.toml", "redis_sentinel = \"s1\"\nredis_master = \"m\"\n");
  EXPECT_EQ(load({"--config", file}).redis_sentinels, std::vector<std::string>{"s1"});
}

TEST(ConfigWeb, OriginsAreRepeatableNormalizedAndRoundTrip) {
  const Config c = load(
      {"--web-origin", "HTTPS://Chat.Example.org:443", "--web-origin", "http://localhost:8080"});
  EXPECT_EQ(c.web_origins,
            (std::vector<std::string>{"https://chat.example.org", "http://localhost:8080"}));
  TempDir dir;
  const std::string file = dir.write("c.toml", "web_origin = [\"https://a.example\"]\n");
  const Config from_file = load({"--config", file});
  EXPECT_EQ(from_file.web_origins, std::vector<std::string>{"https://a.example"});
  EXPECT_EQ(round_trip(from_file, dir).web_origins, from_file.web_origins);
}

TEST(ConfigWeb, ABadOriginIsNamed) {
  EXPECT_TRUE(mentions(error_of({"--web-origin", "chat.example.org"}),
                       {"--web-origin", "chat.example.org", "not an origin"}));
  EXPECT_TRUE(mentions(error_of({"--web-origin", "https://chat.example.org/page"}),
                       {"--web-origin", "no path"}));
}

TEST(ConfigCluster, BadRedisSettingsAreNamed) {
  EXPECT_TRUE(mentions(error_of({"--redis", "http://x"}), {"--redis", "http://x"}));
  EXPECT_TRUE(mentions(error_of({"--redis-sentinel", "s1:26379"}),
                       {"redis_sentinel", "redis_master", "together"}));
  EXPECT_TRUE(
      mentions(error_of({"--redis-master", "m"}), {"redis_sentinel", "redis_master", "together"}));
  EXPECT_TRUE(mentions(
      error_of({"--redis", "redis://r:6379", "--redis-sentinel", "s1", "--redis-master", "m"}),
      {"redis", "redis_sentinel", "exclude"}));
  EXPECT_TRUE(mentions(error_of({"--redis-sentinel", ":pw@s1:1", "--redis-master", "m"}),
                       {"--redis-sentinel", "sentinel address"}));
  EXPECT_TRUE(mentions(error_of({"--redis-sentinel", "s1:0", "--redis-master", "m"}),
                       {"--redis-sentinel", "65535"}));
  EXPECT_TRUE(mentions(error_of({"--redis-sentinel", "s1", "--redis-master", "a b"}),
                       {"--redis-master", "'a b'"}));
  EXPECT_TRUE(mentions(error_of({"--node-name", "a b"}), {"--node-name", "'a b'"}));
  EXPECT_TRUE(mentions(error_of({"--cluster-prefix", ""}), {"--cluster-prefix"}));
}

}  // namespace
}  // namespace chatd
