// The soak's own networking: an epoll Poller and Client, one non-blocking loopback TCP
// connection with queued writes, line-split reads and a FIN or RST close. ChatClient adds
// chatd's first line: a greeting naming the guest nick, or a one-line refusal.
#pragma once

#include <netinet/in.h>
#include <sys/epoll.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace soak {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

class Client;

// Level-triggered epoll over the clients' sockets. Clients are never destroyed while poll()
// dispatches: their owners reap closed ones between polls, so an event in the same batch
// for a client closed by an earlier one only finds it closed.
class Poller {
 public:
  Poller();
  ~Poller();
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  void watch(int fd, Client* client, std::uint32_t events, bool added_before);
  void forget(int fd);
  // Waits at most timeout_ms for events and hands each to its client.
  void poll(int timeout_ms);

 private:
  int epoll_fd_ = -1;
  std::vector<epoll_event> events_;
};

struct ConnectOptions {
  in_addr source{};     // bind here first (another 127.x address) when s_addr != 0
  int recv_buffer = 0;  // SO_RCVBUF before connecting, so the window is small from the start
};

class Client {
 public:
  enum class End { kOpen, kByUs, kPeerClosed, kPeerReset, kError };

  explicit Client(Poller& poller) : poller_(poller) {}
  virtual ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Starts a non-blocking connect. False when it failed at once (end() is then kError).
  bool connect(const sockaddr_in& to, const ConnectOptions& options = {});
  // Queues bytes; they leave as fast as the socket takes them.
  void send(std::string_view bytes);
  // Closes with a FIN (unread input is drained first so the kernel does not reset).
  void close_fin();
  // Closes with an RST (SO_LINGER 0).
  void close_rst();
  // A client that stops reading leaves its input in the kernel: chatd's output piles up.
  void set_reading(bool on);

  bool is_open() const { return fd_ >= 0; }
  bool connected() const { return fd_ >= 0 && !connecting_; }
  End end() const { return end_; }
  int error() const { return error_; }
  std::size_t unsent() const { return out_.size() - out_pos_; }
  std::uint64_t bytes_received() const { return bytes_in_; }
  std::string describe_end() const;

  void on_events(std::uint32_t events);  // from the Poller only

 protected:
  virtual void on_connected() {}
  virtual void on_line(std::string_view line) = 0;
  virtual void on_end() {}  // the peer closed or reset, or an error; the socket is gone

 private:
  void read_some();
  void write_some();
  void finish(End how, int error);
  void update_interest();
  void release();

  Poller& poller_;
  int fd_ = -1;
  bool connecting_ = false;
  bool reading_ = true;
  bool watched_ = false;
  std::uint32_t interest_ = 0;
  std::string out_;
  std::size_t out_pos_ = 0;
  std::string in_;
  std::uint64_t bytes_in_ = 0;
  End end_ = End::kOpen;
  int error_ = 0;
};

// chatd's side of the first line: `*** welcome to chatd, you are NICK in #room ...`, or a
// refusal (`! server full, try again later`) after which chatd closes.
class ChatClient : public Client {
 public:
  using Client::Client;

  bool welcomed() const { return !guest_.empty(); }
  const std::string& guest_nick() const { return guest_; }
  const std::string& refusal() const { return refusal_; }

 protected:
  virtual void on_welcome() {}
  virtual void on_refused() {}
  virtual void on_chat_line(std::string_view line) = 0;
  void on_line(std::string_view line) final;

 private:
  std::string guest_;
  std::string refusal_;
};

// The nick in a greeting line, or "" if it is not one.
std::string parse_greeting(std::string_view line);

}  // namespace soak
