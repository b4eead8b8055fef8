// chatbench_relay: the ceiling chatd's fan-out is measured against. Every complete
// line read from any connection is written to every other connection, and that is
// all: no protocol, no rooms, no nicks. It batches like chatd (one shared block per
// read, pushed by reference to every queue, one writev per connection per loop
// iteration), so the gap between the two is the cost of the chat itself.
//   chatbench_relay --listen 127.0.0.1:0      logs "listening on 127.0.0.1:PORT"
//   chatbench broadcast --proto relay --target 127.0.0.1:PORT ...
#include <uv.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "reactor/address.h"
#include "reactor/message.h"
#include "reactor/output_queue.h"

namespace {

using chatd::reactor::Message;
using chatd::reactor::MessageRef;
using chatd::reactor::OutputQueue;

constexpr std::size_t kReadBufferSize = std::size_t{64} * 1024;
constexpr std::size_t kMaxBufs = 1024;

struct Relay;

struct Peer {
  uv_tcp_t tcp;
  uv_write_t write_req;
  Relay* relay = nullptr;
  std::size_t index = 0;  // in relay->peers
  OutputQueue out;
  std::string carry;  // a line not yet complete
  std::size_t in_flight = 0;
  bool dirty = false;
  bool closing = false;
};

struct Relay {
  uv_loop_t* loop = nullptr;
  uv_tcp_t server;
  uv_prepare_t prepare;
  uv_signal_t sigterm;
  uv_signal_t sigint;
  std::vector<Peer*> peers;
  std::vector<Peer*> dirty;
  char buffer[kReadBufferSize];
};

void close_peer(Peer* p);

void flush(Peer* p) {
  if (p->closing || p->in_flight != 0) return;
  uv_buf_t bufs[kMaxBufs];
  while (!p->out.empty()) {
    const std::size_t n = p->out.fill(bufs, kMaxBufs);
    const int r = uv_try_write(reinterpret_cast<uv_stream_t*>(&p->tcp), bufs, n);
    if (r == UV_EAGAIN) break;
    if (r < 0) return close_peer(p);
    p->out.consume(static_cast<std::size_t>(r));
    std::size_t total = 0;
    for (std::size_t i = 0; i < n; ++i)
      total += bufs[i].len;
    if (static_cast<std::size_t>(r) < total) break;
  }
  if (p->out.empty()) return;
  const std::size_t n = p->out.fill(bufs, kMaxBufs);
  p->in_flight = 0;
  for (std::size_t i = 0; i < n; ++i)
    p->in_flight += bufs[i].len;
  p->write_req.data = p;
  uv_write(&p->write_req, reinterpret_cast<uv_stream_t*>(&p->tcp), bufs, n,
           [](uv_write_t* req, int status) {
             auto* peer = static_cast<Peer*>(req->data);
             const std::size_t written = peer->in_flight;
             peer->in_flight = 0;
             if (peer->closing) return;
             if (status < 0) return close_peer(peer);
             peer->out.consume(written);
             if (!peer->out.empty() && !peer->dirty) {
               peer->dirty = true;
               peer->relay->dirty.push_back(peer);
             }
           });
}

void before_sleep(uv_prepare_t* h) {
  auto* relay = static_cast<Relay*>(h->data);
  std::vector<Peer*> now;
  now.swap(relay->dirty);
  for (Peer* p : now) {
    p->dirty = false;
    flush(p);
  }
}

void close_peer(Peer* p) {
  if (p->closing) return;
  p->closing = true;
  Relay* relay = p->relay;
  Peer* last = relay->peers.back();
  relay->peers[p->index] = last;
  last->index = p->index;
  relay->peers.pop_back();
  std::erase(relay->dirty, p);
  uv_close(reinterpret_cast<uv_handle_t*>(&p->tcp),
           [](uv_handle_t* h) { delete static_cast<Peer*>(h->data); });
}

// The complete lines of this read become one block, shared by every other peer.
void relay_lines(Peer* from, const char* data, std::size_t n) {
  const auto* last_nl = static_cast<const char*>(memrchr(data, '\n', n));
  if (last_nl == nullptr) {
    from->carry.append(data, n);
    return;
  }
  const std::size_t lines = static_cast<std::size_t>(last_nl - data) + 1;
  MessageRef block(Message::create(from->carry, {data, lines}));
  from->carry.assign(data + lines, n - lines);
  Relay* relay = from->relay;
  for (Peer* to : relay->peers) {
    if (to == from) continue;
    to->out.push(block);
    if (!to->dirty) {
      to->dirty = true;
      relay->dirty.push_back(to);
    }
  }
}

void on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  auto* p = static_cast<Peer*>(s->data);
  if (nread > 0) return relay_lines(p, buf->base, static_cast<std::size_t>(nread));
  if (nread < 0) close_peer(p);
}

void on_connection(uv_stream_t* server, int status) {
  if (status < 0) return;
  auto* relay = static_cast<Relay*>(server->data);
  auto* p = new Peer;
  p->relay = relay;
  uv_tcp_init(relay->loop, &p->tcp);
  p->tcp.data = p;
  if (uv_accept(server, reinterpret_cast<uv_stream_t*>(&p->tcp)) != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(&p->tcp),
             [](uv_handle_t* h) { delete static_cast<Peer*>(h->data); });
    return;
  }
  uv_tcp_nodelay(&p->tcp, 1);
  p->index = relay->peers.size();
  relay->peers.push_back(p);
  uv_read_start(
      reinterpret_cast<uv_stream_t*>(&p->tcp),
      [](uv_handle_t* h, std::size_t, uv_buf_t* b) {
        auto* peer = static_cast<Peer*>(h->data);
        *b = uv_buf_init(peer->relay->buffer, kReadBufferSize);
      },
      on_read);
}

void stop(uv_signal_t* h, int) {
  auto* relay = static_cast<Relay*>(h->data);
  while (!relay->peers.empty())
    close_peer(relay->peers.back());
  uv_close(reinterpret_cast<uv_handle_t*>(&relay->server), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&relay->prepare), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&relay->sigterm), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&relay->sigint), nullptr);
}

int serve(const chatd::reactor::Endpoint& at, int backlog) {
  static Relay relay;
  relay.loop = uv_default_loop();
  uv_tcp_init(relay.loop, &relay.server);
  relay.server.data = &relay;
  sockaddr_storage ss{};
  if (at.is_ipv6()) {
    uv_ip6_addr(at.host.c_str(), at.port, reinterpret_cast<sockaddr_in6*>(&ss));
  } else {
    uv_ip4_addr(at.host.c_str(), at.port, reinterpret_cast<sockaddr_in*>(&ss));
  }
  if (const int r = uv_tcp_bind(&relay.server, reinterpret_cast<const sockaddr*>(&ss), 0);
      r != 0 || (r == 0 && uv_listen(reinterpret_cast<uv_stream_t*>(&relay.server), backlog,
                                     on_connection) != 0)) {
    std::fprintf(stderr, "chatbench_relay: cannot listen on %s\n", at.to_string().c_str());
    return 1;
  }
  sockaddr_storage bound{};
  int len = sizeof bound;
  uv_tcp_getsockname(&relay.server, reinterpret_cast<sockaddr*>(&bound), &len);
  std::printf("listening on %s\n",
              chatd::reactor::PeerAddress::from_sockaddr(reinterpret_cast<sockaddr*>(&bound))
                  .to_string()
                  .c_str());
  std::fflush(stdout);
  uv_prepare_init(relay.loop, &relay.prepare);
  relay.prepare.data = &relay;
  uv_prepare_start(&relay.prepare, before_sleep);
  for (auto [handle, sig] :
       {std::pair{&relay.sigterm, SIGTERM}, std::pair{&relay.sigint, SIGINT}}) {
    uv_signal_init(relay.loop, handle);
    handle->data = &relay;
    uv_signal_start_oneshot(handle, stop, sig);
  }
  uv_run(relay.loop, UV_RUN_DEFAULT);
  return uv_loop_close(relay.loop) == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  std::string listen = "127.0.0.1:0";
  int backlog = 4096;
  CLI::App app{"chatbench_relay: relays every complete line to every other connection"};
  app.add_option("--listen", listen, "HOST:PORT to listen on")->capture_default_str();
  app.add_option("--backlog", backlog, "listen backlog")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    return serve(chatd::reactor::parse_endpoint(listen), backlog);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chatbench_relay: %s\n", e.what());
    return 1;
  }
}
