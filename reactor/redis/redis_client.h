// RedisClient: one connection to a Redis server on the loop: TCP or a Unix
// socket, RESP2 through RespReader, commands answered in order through a FIFO of
// continuations, connect and reply deadlines, and reconnecting with full-jitter
// exponential backoff until stopped. Knows nothing of what the commands mean.
//
// A subscriber connection is in push mode: every reply (subscribe
// confirmations, messages) goes to the handler's on_redis_push, and reading
// never stops, whatever the owner does with what it reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "reactor/message.h"
#include "reactor/output_queue.h"
#include "reactor/redis/redis_address.h"
#include "reactor/redis/resp_reader.h"
#include "reactor/timer.h"
#include "reactor/uv_handle.h"

namespace chatd::reactor {

class Loop;
class RedisClient;

class RedisClientHandler {
 public:
  // Connected (and authenticated): commands may be sent.
  virtual void on_redis_up(RedisClient& c) = 0;
  // The link is gone: every pending continuation has had its error reply. A
  // reconnect is scheduled unless stop() was called.
  virtual void on_redis_down(RedisClient& c, std::string_view why) = 0;
  // Push mode: a reply, in the order the server sent them.
  virtual void on_redis_push(RedisClient&, RespValue&&) {}

 protected:
  ~RedisClientHandler() = default;
};

struct RedisClientOptions {
  std::uint64_t connect_timeout_ms = 2000;  // connecting, to the first answer (PING or AUTH)
  std::uint64_t reply_timeout_ms = 2000;    // the oldest unanswered command
  std::uint64_t backoff_min_ms = 100;
  std::uint64_t backoff_max_ms = 5000;
  bool push_mode = false;
};

class RedisClient {
 public:
  using Reply = std::function<void(RespValue&&)>;

  RedisClient(Loop& loop, RedisAddress address, RedisClientOptions options,
              RedisClientHandler& handler);
  // Several servers tried in turn: each failed attempt or lost link moves on
  // to the next (the sentinels of a Sentinel set). `addresses` is not empty.
  RedisClient(Loop& loop, std::vector<RedisAddress> addresses, RedisClientOptions options,
              RedisClientHandler& handler);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Connects, and reconnects after every failure until stop().
  void start();
  // Closes without reconnecting; pending continuations get their error reply.
  void stop();
  // Drops the link now (a failed health check) and reconnects after backoff.
  void restart(std::string_view why);
  // Connects to `address` from now on: a link to the old one is dropped, and
  // the next attempt comes without the backoff of failures (a primary that
  // moved, learned from Redis Sentinel).
  void move_to(RedisAddress address);
  const RedisAddress& address() const { return address_; }

  bool is_up() const { return state_ == State::kUp; }
  // Queues `command` (resp_command) and calls `on_reply` with its answer, or
  // with an error reply if the link goes first. When the link is not up,
  // on_reply runs before this returns. `on_reply` may be empty.
  void command(MessageRef command, Reply on_reply = {});
  // The same for a command made of several blocks (resp_publish).
  void send(std::span<const MessageRef> blocks, Reply on_reply = {});
  // Output not yet taken by the kernel.
  std::size_t queued_bytes() const { return out_.bytes(); }

 private:
  enum class State : std::uint8_t { kIdle, kResolving, kConnecting, kGreeting, kUp };
  struct Socket;
  struct Resolve;
  struct Pending {
    Reply reply;
    std::uint64_t sent_ms;
  };

  void connect_resolved(const struct sockaddr* addr);
  void on_connected(int status);
  void become_up();
  void on_read(const char* data, long n);
  void dispatch(RespValue&& v);
  void down(std::string_view why);
  void drop_socket();
  void fail_pending();
  void schedule_reconnect();
  void check_deadlines();
  void schedule_flush();
  void flush();
  void on_written(int status);

  Loop& loop_;
  std::vector<RedisAddress> addresses_;
  std::size_t next_address_ = 0;
  RedisAddress address_;  // the one in use
  RedisClientOptions options_;
  RedisClientHandler& handler_;
  State state_ = State::kIdle;
  bool running_ = false;
  Socket* socket_ = nullptr;      // the attempt or connection; freed by libuv's close callback
  Resolve* resolving_ = nullptr;  // a name lookup in flight
  RespReader reader_;
  std::deque<Pending> pending_;
  OutputQueue out_;
  std::size_t in_flight_ = 0;  // bytes covered by the pending uv_write
  std::unique_ptr<char[]> read_buffer_;
  std::uint64_t attempt_started_ms_ = 0;
  std::uint32_t failures_ = 0;    // in a row, for the backoff
  std::uint64_t generation_ = 0;  // bumped when a link goes; stale continuations see it
  std::minstd_rand jitter_;
  Timer reconnect_timer_;
  Timer deadline_timer_;
  UvHandle<uv_prepare_t> flush_;
};

}  // namespace chatd::reactor
