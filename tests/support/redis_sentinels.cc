// RedisSentinels: redis-server in replica and sentinel modes as child processes.
#include "tests/support/redis_sentinels.h"

#include <fmt/format.h>
#include <unistd.h>

#include <charconv>
#include <stdexcept>

#include "tests/support/free_port.h"

namespace chatd::test {
namespace {

// An INFO-style or SENTINEL reply's text, "" when it is not one.
std::string text_of(const std::optional<reactor::RespValue>& v) {
  return v && v->type == reactor::RespValue::Type::kString ? v->str : std::string();
}

}  // namespace

RedisSentinels::RedisSentinels() {
  replica_ = std::make_unique<RedisServer>(
      true, std::vector<std::string>{"--replicaof", "127.0.0.1", std::to_string(primary_.port())});
  const Deadline synced = within(std::chrono::seconds(15));
  for (int attempt = 0; !synced_to_primary(); ++attempt) {
    if (attempt == 300 || Clock::now() > synced) {
      throw std::runtime_error("the replica did not sync within 15 s");
    }
    ::usleep(50 * 1000);
  }
  for (Sentinel& s : sentinels_)
    start_sentinel(s);
  // Sentinels find the replica in the primary's INFO and each other through
  // hello messages on it, every 2 s.
  const Deadline known = within(std::chrono::seconds(30));
  for (Sentinel& s : sentinels_) {
    for (int attempt = 0; !ready(s); ++attempt) {
      if (attempt == 300 || Clock::now() > known) {
        throw std::runtime_error("the sentinels did not find each other within 30 s: " +
                                 s.dir.read("sentinel.log"));
      }
      ::usleep(100 * 1000);
    }
  }
}

void RedisSentinels::start_sentinel(Sentinel& s) {
  s.port = free_port();
  const std::string dir = s.dir.path().string();
  const std::string conf =
      s.dir.write("sentinel.conf", fmt::format("port {}\n"
                                               "bind 127.0.0.1\n"
                                               "unixsocket {}\n"
                                               "protected-mode no\n"
                                               "dir {}\n"
                                               "logfile {}/sentinel.log\n"
                                               "sentinel monitor {} 127.0.0.1 {} 2\n"
                                               "sentinel down-after-milliseconds {} 1000\n"
                                               "sentinel failover-timeout {} 5000\n",
                                               s.port, s.socket_path(), dir, dir, kPrimaryName,
                                               primary_.port(), kPrimaryName, kPrimaryName));
  s.process = std::make_unique<Subprocess>(
      SubprocessOptions{{"redis-server", conf, "--sentinel"}, {}, false});
}

bool RedisSentinels::synced_to_primary() {
  return text_of(replica_->command({"INFO", "replication"})).find("master_link_status:up") !=
         std::string::npos;
}

bool RedisSentinels::ready(Sentinel& s) {
  const Deadline d = within(std::chrono::milliseconds(500));
  const auto replicas = redis_command(s.socket_path(), {"SENTINEL", "replicas", kPrimaryName}, d);
  const auto others = redis_command(s.socket_path(), {"SENTINEL", "sentinels", kPrimaryName}, d);
  return replicas && replicas->is_array() && replicas->elements.size() == 1 && others &&
         others->is_array() && others->elements.size() == sentinels_.size() - 1;
}

std::vector<std::string> RedisSentinels::chatd_args() const {
  std::vector<std::string> args;
  for (const Sentinel& s : sentinels_)
    args.insert(args.end(), {"--redis-sentinel", fmt::format("127.0.0.1:{}", s.port)});
  args.insert(args.end(), {"--redis-master", kPrimaryName});
  return args;
}

std::optional<std::uint16_t> RedisSentinels::reported_primary_port(std::size_t i) {
  const auto v = redis_command(sentinels_.at(i).socket_path(),
                               {"SENTINEL", "get-master-addr-by-name", kPrimaryName},
                               within(std::chrono::seconds(1)));
  if (!v || !v->is_array() || v->elements.size() != 2) return std::nullopt;
  const std::string_view port = v->text_at(1);
  std::uint16_t n = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
  if (ec != std::errc() || end != port.data() + port.size()) return std::nullopt;
  return n;
}

bool RedisSentinels::wait_primary_port(std::uint16_t port, Deadline deadline) {
  for (std::size_t i = 0; i < sentinels_.size(); ++i) {
    for (int attempt = 0; reported_primary_port(i) != port; ++attempt) {
      if (attempt == 600 || Clock::now() > deadline) return false;
      ::usleep(100 * 1000);
    }
  }
  return true;
}

}  // namespace chatd::test
