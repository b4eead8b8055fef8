// A TCP relay between a chatd node and its Redis that can go silent: while
// stalled it neither reads nor writes (connections stay open, bytes wait in the
// kernel's buffers, new connections are taken but get nothing), as a network
// path that has stopped carrying packets. Nothing is refused or reset, so only
// the node's own deadlines and heartbeat can notice. One thread, polling every
// 20 ms at most; it ends with the proxy.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace chatd::test {

class StallingProxy {
 public:
  // Listens on 127.0.0.1, a free port; relays to the Unix socket `upstream`.
  explicit StallingProxy(std::string upstream);
  ~StallingProxy();
  StallingProxy(const StallingProxy&) = delete;
  StallingProxy& operator=(const StallingProxy&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  // Stops carrying bytes, at once (the relay thread checks between polls).
  void stall() { stalled_ = true; }
  // Carries bytes again: the connections open during the stall are reset, as
  // their peers have given up on them, and new ones are relayed.
  void resume() { resume_ = true; }
  // Connections relayed so far (the node's reconnects show here).
  std::size_t connections() const { return connections_; }

 private:
  void run();

  std::string upstream_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stalled_{false};
  std::atomic<bool> resume_{false};
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> connections_{0};
  std::thread thread_;
};

}  // namespace chatd::test
