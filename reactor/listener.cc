// Listener: bind or adopt, listen, accept, and set up each accepted socket.
#include "reactor/listener.h"

#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "reactor/connection.h"
#include "reactor/loop.h"

namespace chatd::reactor {
namespace {
// A peer that vanished (power cut, NAT timeout) is found by keepalive probes
// after 60 s of silence, 10 s apart, 6 unanswered; one that stops acknowledging
// what we send is given up after 2 minutes (TCP_USER_TIMEOUT).
constexpr unsigned kKeepAliveIdleSeconds = 60;
constexpr int kKeepAliveIntervalSeconds = 10;
constexpr int kKeepAliveProbes = 6;
constexpr unsigned kUserTimeoutMs = 120000;

// Best effort: a failure leaves the kernel's defaults, which still work.
void set_dead_peer_detection(uv_tcp_t& tcp) {
  uv_tcp_keepalive(&tcp, 1, kKeepAliveIdleSeconds);
  uv_os_fd_t fd;
  if (uv_fileno(reinterpret_cast<uv_handle_t*>(&tcp), &fd) != 0) return;
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &kKeepAliveIntervalSeconds,
             sizeof kKeepAliveIntervalSeconds);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &kKeepAliveProbes, sizeof kKeepAliveProbes);
  setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &kUserTimeoutMs, sizeof kUserTimeoutMs);
}

sockaddr_storage to_sockaddr(const Endpoint& at) {
  sockaddr_storage ss{};
  const int r = at.is_ipv6()
                    ? uv_ip6_addr(at.host.c_str(), at.port, reinterpret_cast<sockaddr_in6*>(&ss))
                    : uv_ip4_addr(at.host.c_str(), at.port, reinterpret_cast<sockaddr_in*>(&ss));
  if (r != 0) {
    throw std::runtime_error(
        fmt::format("cannot listen on {}: {}", at.to_string(), describe_error(r)));
  }
  return ss;
}
}  // namespace

std::string describe_error(int uv_error) {
  return fmt::format("{} ({})", uv_err_name(uv_error), uv_strerror(uv_error));
}

// libuv 1.44 has no flag for SO_REUSEPORT, so the socket is made first (init_ex)
// and the option set on it before the bind.
Listener::Listener(Loop& loop, const Endpoint& at, int backlog, ListenerHandler& handler,
                   bool reuse_port)
    : loop_(loop),
      handler_(handler),
      tcp_(
          loop.uv(),
          [&at](uv_loop_t* l, uv_tcp_t* t) {
            return uv_tcp_init_ex(l, t, at.is_ipv6() ? AF_INET6 : AF_INET);
          },
          this) {
  const sockaddr_storage ss = to_sockaddr(at);
  const unsigned flags = at.is_ipv6() ? UV_TCP_IPV6ONLY : 0;
  if (reuse_port) {
    uv_os_fd_t fd;
    const int on = 1;
    if (uv_fileno(tcp_.handle(), &fd) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0) {
      throw std::runtime_error(fmt::format("cannot listen on {}: SO_REUSEPORT: {}", at.to_string(),
                                           std::strerror(errno)));
    }
  }
  if (const int r = uv_tcp_bind(tcp_.get(), reinterpret_cast<const sockaddr*>(&ss), flags);
      r != 0) {
    throw std::runtime_error(
        fmt::format("cannot listen on {}: {}", at.to_string(), describe_error(r)));
  }
  listen(backlog, at.to_string());
}

Listener::Listener(Loop& loop, int fd, int backlog, ListenerHandler& handler)
    : loop_(loop), handler_(handler), tcp_(loop.uv(), uv_tcp_init, this) {
  if (const int r = uv_tcp_open(tcp_.get(), fd); r != 0) {
    throw std::runtime_error(
        fmt::format("cannot use inherited socket fd {}: {}", fd, describe_error(r)));
  }
  listen(backlog, fmt::format("inherited fd {}", fd));
}

void Listener::listen(int backlog, const std::string& what) {
  if (const int r = uv_listen(reinterpret_cast<uv_stream_t*>(tcp_.get()), backlog, on_connection);
      r != 0) {
    throw std::runtime_error(fmt::format("cannot listen on {}: {}", what, describe_error(r)));
  }
}

void Listener::unref() {
  uv_unref(tcp_.handle());
}

std::string Listener::local_address() const {
  sockaddr_storage ss{};
  int len = sizeof ss;
  if (uv_tcp_getsockname(tcp_.get(), reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "unknown";
  return PeerAddress::from_sockaddr(reinterpret_cast<const sockaddr*>(&ss)).to_string();
}

void Listener::on_connection(uv_stream_t* server, int status) {
  auto* self = static_cast<Listener*>(server->data);
  if (status < 0) {
    self->handler_.on_accept_error(status);
    return;
  }
  self->accept_one();
}

void Listener::accept_one() {
  auto* c = new Connection(loop_);
  uv_tcp_init(loop_.uv(), &c->tcp_);
  c->tcp_.data = c;
  if (const int r = uv_accept(reinterpret_cast<uv_stream_t*>(tcp_.get()), c->stream()); r != 0) {
    uv_close(c->handle(), [](uv_handle_t* h) { delete static_cast<Connection*>(h->data); });
    handler_.on_accept_error(r);
    return;
  }
  start(c);
}

// libuv accepts only when the loop polls; this takes the queue now, with
// accept4 on the listening socket, until it is empty.
std::size_t Listener::drain() {
  uv_os_fd_t fd = -1;
  if (uv_fileno(tcp_.handle(), &fd) != 0) return 0;
  std::size_t taken = 0;
  for (int attempt = 0; attempt < kMaxDrained; ++attempt) {
    const int s = ::accept4(fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (s < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      break;  // EAGAIN: the queue is empty (or no fd is left to take it with)
    }
    auto* c = new Connection(loop_);
    uv_tcp_init(loop_.uv(), &c->tcp_);
    c->tcp_.data = c;
    if (const int r = uv_tcp_open(&c->tcp_, s); r != 0) {
      ::close(s);
      uv_close(c->handle(), [](uv_handle_t* h) { delete static_cast<Connection*>(h->data); });
      handler_.on_accept_error(r);
      continue;
    }
    ++taken;
    start(c);
  }
  return taken;
}

bool tcp_migrates_queued_connections() {
  std::FILE* f = std::fopen("/proc/sys/net/ipv4/tcp_migrate_req", "r");
  if (f == nullptr) return false;
  int value = 0;
  const bool read = std::fscanf(f, "%d", &value) == 1;
  std::fclose(f);
  return read && value != 0;
}

void Listener::start(Connection* c) {
  // Latency matters for chat, and batching is done by the flush before sleep.
  uv_tcp_nodelay(&c->tcp_, 1);
  set_dead_peer_detection(c->tcp_);
  sockaddr_storage ss{};
  int len = sizeof ss;
  if (uv_tcp_getpeername(&c->tcp_, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
    c->peer_ = PeerAddress::from_sockaddr(reinterpret_cast<const sockaddr*>(&ss));
  }
  loop_.on_connection_open(*c, tls_ != nullptr || proxy_);
  if (!proxy_) {
    c->start(handler_, tls_);
    return;
  }
  // Trust comes from the socket: an untrusted source's bytes are never parsed.
  const bool trusted =
      std::any_of(trusted_.begin(), trusted_.end(), [&](const Cidr& n) { return c->peer_.in(n); });
  if (!trusted) {
    handler_.on_proxy_refused(c->peer_, "not a trusted PROXY source (--proxy-from)");
    c->close(CloseReason::kByServer);
    return;
  }
  c->await_proxy_header(handler_, tls_);
}

}  // namespace chatd::reactor
