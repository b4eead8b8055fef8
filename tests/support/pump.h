// Drives an in-process reactor Loop from a test, with a deadline on every wait, and the
// raw loopback client sockets that reactor tests talk to it with.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "reactor/loop.h"

namespace chatd::test {

// Runs `loop` one iteration at a time until done() holds or `deadline` has passed, and
// returns done()'s last answer. Each iteration blocks for at most a millisecond or two (a
// short timer wakes it), so the predicate can poll sockets the loop knows nothing about.
// Output queued with send() leaves in the iteration that follows it (flush before sleep).
bool pump_until(reactor::Loop& loop, const std::function<bool()>& done,
                std::chrono::milliseconds deadline);

// Runs `loop` for `duration`: for "nothing more arrives" checks. Bounded like pump_until.
void pump_for(reactor::Loop& loop, std::chrono::milliseconds duration);

// Exactly one non-blocking iteration (UV_RUN_NOWAIT): timers due, the flush before sleep,
// and whatever I/O is ready right now.
void run_once(reactor::Loop& loop);

// A TCP client on a raw, non-blocking socket, owned by the test thread. It is connected
// when constructed (the kernel completes the handshake from the listen backlog, so the
// loop need not run first) and closed when destroyed.
class RawClient {
 public:
  // Connects to host:port ("127.0.0.1" or "::1"). A positive `rcvbuf` sets SO_RCVBUF
  // before connecting, which fixes the receive window small. Fails the current test
  // (ADD_FAILURE) and leaves fd() == -1 if the connection cannot be made in 2 s.
  RawClient(const std::string& host, std::uint16_t port, int rcvbuf = 0);
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;
  ~RawClient();

  int fd() const { return fd_; }
  std::uint16_t local_port() const;

  // Writes as much of `bytes` as the kernel takes now; returns how much that was.
  std::size_t write_some(std::string_view bytes);
  // Writes all of `bytes` (small writes, which the kernel always takes); fails the test
  // otherwise.
  void write_all(std::string_view bytes);
  // Shuts down the sending side (the server reads EOF) but keeps reading.
  void shutdown_write();

  // Reads what is available now, at most `max` bytes, appending to received(). Notes EOF
  // and errors (eof(), error()). Returns the number of bytes read.
  std::size_t read_available(std::size_t max = static_cast<std::size_t>(-1));
  // Waits on the socket alone (the loop does not run) until received() holds at least
  // `total` bytes, or EOF, error or the deadline. For "it was already written" checks.
  bool await_bytes(std::size_t total, std::chrono::milliseconds deadline);
  const std::string& received() const { return received_; }
  std::string& received() { return received_; }
  bool eof() const { return eof_; }
  int error() const { return error_; }  // errno of a failed read (e.g. ECONNRESET), or 0
  // True once the server has closed its side, whether by FIN (eof) or by RST.
  bool closed_by_peer() const { return eof_ || error_ != 0; }

  // Closes normally (FIN) / abortively (SO_LINGER 0: the server sees a reset).
  void close();
  void reset();

 private:
  int fd_ = -1;
  std::string received_;
  bool eof_ = false;
  int error_ = 0;
};

// The lines of `text` split on CRLF; a trailing partial line is left out.
std::vector<std::string> crlf_lines(std::string_view text);

// The server-side socket of the loopback connection whose client end is `client`: found by
// matching addresses over this process's fds, so tests can tune the accepted socket (e.g.
// SO_SNDBUF) without a hook in the reactor. -1 if there is none.
int find_accepted_fd(const RawClient& client);

// Number of file descriptors this process has open, and the highest one.
int count_open_fds();
int highest_open_fd();

}  // namespace chatd::test
