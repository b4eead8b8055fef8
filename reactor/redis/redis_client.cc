// RedisClient: the socket, its deadlines and its reconnects.
#include "reactor/redis/redis_client.h"

#include <fmt/format.h>
#include <uv.h>

#include <algorithm>
#include <array>
#include <cassert>

#include "reactor/loop.h"
#include "reactor/redis/resp_command.h"

namespace chatd::reactor {
namespace {
constexpr std::size_t kReadBufferSize = std::size_t{64} * 1024;
constexpr std::size_t kMaxWriteBuffers = 256;
constexpr std::uint64_t kDeadlineTickMs = 100;

RespValue error_reply(std::string_view why) {
  RespValue v;
  v.type = RespValue::Type::kError;
  v.str = why;
  return v;
}
}  // namespace

// One connection attempt and, once made, the connection. libuv may still call
// back for it after the client has let go (owner == nullptr): those callbacks
// only free it.
struct RedisClient::Socket {
  union {
    uv_handle_t handle;
    uv_stream_t stream;
    uv_tcp_t tcp;
    uv_pipe_t pipe;
  } h;
  uv_connect_t connect_req;
  uv_write_t write_req;
  RedisClient* owner;
};

// A name lookup in flight; abandoned ones are freed by their callback.
struct RedisClient::Resolve {
  uv_getaddrinfo_t req;
  RedisClient* owner;
};

RedisClient::RedisClient(Loop& loop, RedisAddress address, RedisClientOptions options,
                         RedisClientHandler& handler)
    : RedisClient(loop, std::vector<RedisAddress>{std::move(address)}, options, handler) {}

RedisClient::RedisClient(Loop& loop, std::vector<RedisAddress> addresses,
                         RedisClientOptions options, RedisClientHandler& handler)
    : loop_(loop),
      addresses_(std::move(addresses)),
      address_(addresses_.front()),
      options_(options),
      handler_(handler),
      read_buffer_(new char[kReadBufferSize]),
      jitter_(std::random_device{}()),
      reconnect_timer_(loop, [this] { start(); }),
      deadline_timer_(loop, [this] { check_deadlines(); }),
      flush_(loop.uv(), uv_prepare_init, this) {}

RedisClient::~RedisClient() {
  running_ = false;
  drop_socket();
  pending_.clear();
}

void RedisClient::start() {
  running_ = true;
  if (state_ != State::kIdle) return;
  ++generation_;
  attempt_started_ms_ = loop_.now_ms();
  deadline_timer_.start(kDeadlineTickMs, kDeadlineTickMs);
  if (!address_.unix_path.empty()) {
    socket_ = new Socket{};
    socket_->owner = this;
    uv_pipe_init(loop_.uv(), &socket_->h.pipe, 0);
    socket_->h.handle.data = socket_;
    state_ = State::kConnecting;
    uv_pipe_connect(&socket_->connect_req, &socket_->h.pipe, address_.unix_path.c_str(),
                    [](uv_connect_t* req, int status) {
                      auto* s = static_cast<Socket*>(req->handle->data);
                      if (s->owner != nullptr) s->owner->on_connected(status);
                    });
    return;
  }
  sockaddr_storage sa{};
  if (uv_ip4_addr(address_.host.c_str(), address_.port, reinterpret_cast<sockaddr_in*>(&sa)) == 0 ||
      uv_ip6_addr(address_.host.c_str(), address_.port, reinterpret_cast<sockaddr_in6*>(&sa)) ==
          0) {
    connect_resolved(reinterpret_cast<const sockaddr*>(&sa));
    return;
  }
  state_ = State::kResolving;
  auto* r = new Resolve{{}, this};
  resolving_ = r;
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  const std::string port = std::to_string(address_.port);
  const int rc = uv_getaddrinfo(
      loop_.uv(), &r->req,
      [](uv_getaddrinfo_t* req, int status, addrinfo* res) {
        auto* r = reinterpret_cast<Resolve*>(req);
        if (RedisClient* c = r->owner; c != nullptr) {
          c->resolving_ = nullptr;
          if (status == 0 && res != nullptr) {
            c->connect_resolved(res->ai_addr);
          } else {
            c->down(fmt::format("cannot resolve {}: {}", c->address_.host, uv_strerror(status)));
          }
        }
        uv_freeaddrinfo(res);
        delete r;
      },
      address_.host.c_str(), port.c_str(), &hints);
  if (rc != 0) {
    resolving_ = nullptr;
    delete r;
    down(fmt::format("cannot resolve {}: {}", address_.host, uv_strerror(rc)));
  }
}

void RedisClient::connect_resolved(const sockaddr* addr) {
  socket_ = new Socket{};
  socket_->owner = this;
  uv_tcp_init(loop_.uv(), &socket_->h.tcp);
  socket_->h.handle.data = socket_;
  uv_tcp_nodelay(&socket_->h.tcp, 1);
  state_ = State::kConnecting;
  const int rc = uv_tcp_connect(&socket_->connect_req, &socket_->h.tcp, addr,
                                [](uv_connect_t* req, int status) {
                                  auto* s = static_cast<Socket*>(req->handle->data);
                                  if (s->owner != nullptr) s->owner->on_connected(status);
                                });
  if (rc != 0) down(fmt::format("cannot connect: {}", uv_strerror(rc)));
}

void RedisClient::on_connected(int status) {
  if (status != 0) return down(fmt::format("cannot connect: {}", uv_strerror(status)));
  uv_read_start(
      &socket_->h.stream,
      [](uv_handle_t* h, std::size_t, uv_buf_t* buf) {
        auto* s = static_cast<Socket*>(h->data);
        buf->base = s->owner->read_buffer_.get();
        buf->len = kReadBufferSize;
      },
      [](uv_stream_t* stream, ssize_t n, const uv_buf_t* buf) {
        auto* s = static_cast<Socket*>(stream->data);
        if (s->owner != nullptr) s->owner->on_read(buf->base, n);
      });
  // Up once Redis has answered, not at the TCP connect: a proxy or a stalled
  // path accepts connections that no Redis will ever answer.
  state_ = State::kGreeting;
  const bool auth = !address_.password.empty();
  out_.push(auth ? resp_command({"AUTH", address_.password}) : resp_command({"PING"}));
  pending_.push_back({[this, auth](RespValue&& v) {
                        if (v.is_error()) {
                          return down(fmt::format("{} refused: {}", auth ? "AUTH" : "PING", v.str));
                        }
                        become_up();
                      },
                      loop_.now_ms()});
  schedule_flush();
}

void RedisClient::become_up() {
  state_ = State::kUp;
  failures_ = 0;
  handler_.on_redis_up(*this);
}

void RedisClient::on_read(const char* data, long n) {
  if (n == 0) return;
  if (n < 0) {
    return down(n == UV_EOF ? std::string("closed by the server")
                            : fmt::format("read failed: {}", uv_strerror(static_cast<int>(n))));
  }
  if (!reader_.feed(data, static_cast<std::size_t>(n))) {
    return down(fmt::format("not RESP: {}", reader_.error()));
  }
  const std::uint64_t generation = generation_;
  while (generation == generation_) {
    std::optional<RespValue> v = reader_.next();
    if (!v) {
      if (!reader_.error().empty()) down(fmt::format("not RESP: {}", reader_.error()));
      return;
    }
    dispatch(std::move(*v));
  }
}

void RedisClient::dispatch(RespValue&& v) {
  if (options_.push_mode && state_ == State::kUp)
    return handler_.on_redis_push(*this, std::move(v));
  if (pending_.empty()) return down("a reply nothing asked for");
  Reply reply = std::move(pending_.front().reply);
  pending_.pop_front();
  if (reply) reply(std::move(v));
}

void RedisClient::command(MessageRef command, Reply on_reply) {
  send(std::span<const MessageRef>(&command, 1), std::move(on_reply));
}

void RedisClient::send(std::span<const MessageRef> blocks, Reply on_reply) {
  if (state_ != State::kUp) {
    if (on_reply) on_reply(error_reply("not connected to Redis"));
    return;
  }
  for (const MessageRef& b : blocks)
    out_.push(b);
  if (!options_.push_mode) pending_.push_back({std::move(on_reply), loop_.now_ms()});
  schedule_flush();
}

void RedisClient::schedule_flush() {
  if (uv_is_active(flush_.handle()) != 0) return;
  uv_prepare_start(flush_.get(), [](uv_prepare_t* p) {
    auto* c = static_cast<RedisClient*>(p->data);
    uv_prepare_stop(p);
    c->flush();
  });
}

void RedisClient::flush() {
  if (socket_ == nullptr || in_flight_ != 0 || out_.empty()) return;
  std::array<uv_buf_t, kMaxWriteBuffers> bufs;
  const std::size_t n = out_.fill(bufs.data(), bufs.size());
  for (std::size_t i = 0; i < n; ++i)
    in_flight_ += bufs[i].len;
  const int rc = uv_write(&socket_->write_req, &socket_->h.stream, bufs.data(),
                          static_cast<unsigned>(n), [](uv_write_t* req, int status) {
                            auto* s = static_cast<Socket*>(req->handle->data);
                            if (s->owner != nullptr) s->owner->on_written(status);
                          });
  if (rc != 0) {
    in_flight_ = 0;
    down(fmt::format("write failed: {}", uv_strerror(rc)));
  }
}

void RedisClient::on_written(int status) {
  if (status != 0) return down(fmt::format("write failed: {}", uv_strerror(status)));
  out_.consume(in_flight_);
  in_flight_ = 0;
  flush();
}

void RedisClient::check_deadlines() {
  const std::uint64_t now = loop_.now_ms();
  if (state_ != State::kUp && state_ != State::kIdle &&
      now - attempt_started_ms_ > options_.connect_timeout_ms) {
    return down(fmt::format("no connection within {} ms", options_.connect_timeout_ms));
  }
  if (state_ == State::kUp && !pending_.empty() &&
      now - pending_.front().sent_ms > options_.reply_timeout_ms) {
    down(fmt::format("no reply within {} ms", options_.reply_timeout_ms));
  }
}

void RedisClient::drop_socket() {
  ++generation_;
  deadline_timer_.stop();
  if (resolving_ != nullptr) {
    resolving_->owner = nullptr;
    uv_cancel(reinterpret_cast<uv_req_t*>(&resolving_->req));
    resolving_ = nullptr;
  }
  if (socket_ != nullptr) {
    socket_->owner = nullptr;
    uv_close(&socket_->h.handle, [](uv_handle_t* h) { delete static_cast<Socket*>(h->data); });
    socket_ = nullptr;
  }
  out_.clear();
  in_flight_ = 0;
  reader_.reset();
  state_ = State::kIdle;
}

void RedisClient::fail_pending() {
  std::deque<Pending> failed = std::move(pending_);
  pending_.clear();
  for (Pending& p : failed) {
    if (p.reply) p.reply(error_reply("the link to Redis went down"));
  }
}

void RedisClient::down(std::string_view why) {
  const bool was_up = state_ == State::kUp;
  drop_socket();
  fail_pending();
  if (running_) schedule_reconnect();
  if (was_up || failures_ == 1) handler_.on_redis_down(*this, why);
  // After the handler, which names the server that failed.
  next_address_ = (next_address_ + 1) % addresses_.size();
  address_ = addresses_[next_address_];
}

void RedisClient::restart(std::string_view why) {
  if (state_ == State::kIdle) return;
  down(why);
}

void RedisClient::move_to(RedisAddress address) {
  addresses_ = {address};
  next_address_ = 0;
  address_ = std::move(address);
  failures_ = 0;
  if (!running_) return;
  if (state_ != State::kIdle) return down(fmt::format("moving to {}", address_.to_string()));
  reconnect_timer_.stop();
  start();
}

void RedisClient::stop() {
  running_ = false;
  reconnect_timer_.stop();
  const bool was_up = state_ == State::kUp;
  drop_socket();
  fail_pending();
  if (was_up) handler_.on_redis_down(*this, "stopped");
}

// Full jitter (a random wait up to the exponential bound), so that nodes cut
// off together do not all come back in the same millisecond.
void RedisClient::schedule_reconnect() {
  ++failures_;
  const std::uint32_t shift = std::min<std::uint32_t>(failures_ - 1, 16);
  const std::uint64_t bound = std::min(options_.backoff_max_ms, options_.backoff_min_ms << shift);
  std::uniform_int_distribution<std::uint64_t> wait(options_.backoff_min_ms / 2, bound);
  reconnect_timer_.start(wait(jitter_));
}

}  // namespace chatd::reactor
