// RedisServer: redis-server as a child process, and a tiny blocking client.
#include "tests/support/redis_server.h"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <stdexcept>
#include <string_view>

#include "reactor/redis/resp_command.h"
#include "tests/support/free_port.h"

namespace chatd::test {
namespace {

int connect_unix(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  if (fd < 0 || path.size() >= sizeof sa.sun_path) return -1;
  path.copy(sa.sun_path, path.size());
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

std::optional<reactor::RespValue> redis_command(const std::string& path,
                                                const std::vector<std::string>& args,
                                                Deadline deadline) {
  const int fd = connect_unix(path);
  if (fd < 0) return std::nullopt;
  std::vector<std::string_view> argv(args.begin(), args.end());
  const reactor::MessageRef request = reactor::resp_command(argv);
  std::string_view out = request.view();
  std::optional<reactor::RespValue> reply;
  reactor::RespReader reader;
  while (!reply && Clock::now() < deadline) {
    pollfd p{fd, static_cast<short>(out.empty() ? POLLIN : POLLIN | POLLOUT), 0};
    if (::poll(&p, 1, poll_timeout_ms(deadline)) <= 0) continue;
    if ((p.revents & POLLOUT) != 0) {
      const ssize_t n = ::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
      if (n < 0) break;
      out.remove_prefix(static_cast<std::size_t>(n));
    }
    if ((p.revents & (POLLIN | POLLHUP)) != 0) {
      char buf[65536];
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0 || !reader.feed(buf, static_cast<std::size_t>(n))) break;
      reply = reader.next();
    }
  }
  ::close(fd);
  return reply;
}

RedisServer::RedisServer(bool tcp, std::vector<std::string> extra_args)
    : tcp_(tcp), extra_args_(std::move(extra_args)) {
  if (tcp_) port_ = free_port();
  start();
}

RedisServer::~RedisServer() = default;

void RedisServer::start() {
  const std::string dir = dir_.path().string();
  ::unlink(socket_path().c_str());
  std::vector<std::string> argv{"redis-server",
                                "--port",
                                std::to_string(port_),
                                "--bind",
                                "127.0.0.1",
                                "--unixsocket",
                                socket_path(),
                                "--unixsocketperm",
                                "700",
                                "--save",
                                "",
                                "--appendonly",
                                "no",
                                "--dir",
                                dir,
                                "--logfile",
                                dir + "/redis.log",
                                "--protected-mode",
                                "no"};
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  process_ = std::make_unique<Subprocess>(SubprocessOptions{std::move(argv), {}, false});
  const Deadline deadline = within(std::chrono::seconds(10));
  while (Clock::now() < deadline) {
    const auto pong = command({"PING"}, within(std::chrono::milliseconds(500)));
    if (pong && pong->str == "PONG") return;
    ::usleep(20 * 1000);
  }
  throw std::runtime_error("redis-server did not answer PING within 10 s: " +
                           dir_.read("redis.log"));
}

std::optional<reactor::RespValue> RedisServer::command(const std::vector<std::string>& args,
                                                       Deadline deadline) {
  return redis_command(socket_path(), args, deadline);
}

long long RedisServer::integer(const std::vector<std::string>& args) {
  const auto v = command(args);
  return v && v->type == reactor::RespValue::Type::kInteger ? v->integer : -1;
}

void RedisServer::kill() {
  if (!process_) return;
  process_->send_signal(SIGKILL);
  process_->wait_exit(within(std::chrono::seconds(5)));
  process_.reset();
}

void RedisServer::restart() {
  kill();
  start();
}

bool RedisServer::stop() {
  return process_ && process_->send_signal(SIGSTOP);
}

bool RedisServer::resume() {
  return process_ && process_->send_signal(SIGCONT);
}

}  // namespace chatd::test
