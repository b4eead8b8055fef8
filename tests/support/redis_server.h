// A private redis-server for the cluster tests: its own temporary directory,
// a Unix socket there (and a loopback TCP port when asked), no persistence. It
// can be killed, stopped, continued and started again empty on the same
// socket, and asked commands directly (a blocking RESP client with deadlines).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reactor/redis/resp_reader.h"
#include "tests/support/chatd_process.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace chatd::test {

// One command to the Redis (or sentinel) listening on the Unix socket `path`:
// its reply, or nullopt if none came by the deadline.
std::optional<reactor::RespValue> redis_command(const std::string& path,
                                                const std::vector<std::string>& args,
                                                Deadline deadline);

class RedisServer {
 public:
  // Starts redis-server and waits until it answers PING. `tcp`: also listen on
  // a free loopback port (tcp_url()); `extra_args` go on its command line
  // ("--replicaof", ...). Throws std::runtime_error on failure.
  explicit RedisServer(bool tcp = false, std::vector<std::string> extra_args = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  std::string url() const { return "unix://" + socket_path(); }
  std::string tcp_url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  std::string socket_path() const { return (dir_.path() / "redis.sock").string(); }
  std::uint16_t port() const { return port_; }
  pid_t pid() const { return process_ ? process_->pid() : -1; }

  // The reply to one command, or nullopt if Redis did not answer by the deadline.
  std::optional<reactor::RespValue> command(const std::vector<std::string>& args,
                                            Deadline deadline = within(std::chrono::seconds(5)));
  // An integer reply, or -1.
  long long integer(const std::vector<std::string>& args);

  void kill();     // SIGKILL, and reaped
  void restart();  // kill() if running, then start again, empty, on the same socket and port
  bool stop();     // SIGSTOP
  bool resume();   // SIGCONT

 private:
  void start();
  TempDir dir_{"redis"};
  bool tcp_;
  std::vector<std::string> extra_args_;
  std::uint16_t port_ = 0;
  std::unique_ptr<Subprocess> process_;
};

}  // namespace chatd::test
