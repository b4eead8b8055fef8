// A chat client as `nc` would be, for integration tests: one TCP connection to chatd on
// loopback, raw or line-wise sends, and line reads that all end at a deadline.
#pragma once

#include <poll.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/chatd_process.h"
#include "tests/support/line_buffer.h"

namespace chatd::test {

constexpr auto kDefaultWait = std::chrono::seconds(5);
inline Deadline default_deadline() {
  return within(kDefaultWait);
}

// A test on a received line, with words for failure messages.
struct LineMatcher {
  std::function<bool(std::string_view)> test;
  std::string what;
};
LineMatcher equals(std::string line);
LineMatcher contains(std::string text);
LineMatcher starts_with(std::string prefix);
LineMatcher matches(std::string ecmascript_regex);  // the whole line must match

// expect_line() of LineClient and TlsLineClient: lines from `read_line()` (nullopt when it
// gives up, `failure` saying why) until one matches `m`, keeping at most `max_skip` others in
// `skipped`. On failure, `failure` says what was awaited and why it did not come.
std::optional<std::string> expect_matching(
    const std::function<std::optional<std::string>()>& read_line, const LineMatcher& m,
    std::size_t max_skip, std::vector<std::string>& skipped, std::string& failure);
LineMatcher satisfies(std::function<bool(std::string_view)> pred, std::string what);

struct ClientOptions {
  std::string host = "127.0.0.1";
  std::string source = {};  // IPv4 address to connect from (e.g. 127.0.0.2); empty: any
  int recv_buffer = 0;      // SO_RCVBUF set before connect (so the window is small from the start)
  bool no_delay = false;    // TCP_NODELAY: every send_raw leaves as its own segment
};

// One connection. The socket is non-blocking underneath; every call that waits polls it with
// the remaining time to its deadline, so nothing here can hang. A client that should never
// read (a slow consumer) is simply one whose read functions are not called.
//
// Received lines have their CRLF (or a bare LF) stripped; read_raw_line keeps it. The last 32
// received lines are remembered for diagnostics().
class LineClient {
 public:
  // Connects to host:port; throws std::runtime_error when that fails by the deadline.
  explicit LineClient(std::uint16_t port, ClientOptions options = {},
                      Deadline deadline = default_deadline());
  ~LineClient();
  LineClient(LineClient&& other) noexcept;
  LineClient& operator=(LineClient&& other) noexcept;
  LineClient(const LineClient&) = delete;
  LineClient& operator=(const LineClient&) = delete;

  int fd() const { return fd_; }

  // Sends all of `bytes` (false if the connection fails or the deadline passes first).
  bool send_raw(std::string_view bytes, Deadline deadline = default_deadline());
  // Sends `text` followed by "\n", as nc does.
  bool send_line(std::string_view text, Deadline deadline = default_deadline());

  // The next line without its line ending, or nullopt on timeout or once the connection is
  // closed with nothing left (closed() then says which). Bytes left after the last newline
  // when the peer closes come back as a final line.
  std::optional<std::string> read_line(Deadline deadline = default_deadline());
  // The same, with the line ending kept (to check that the server sends CRLF).
  std::optional<std::string> read_raw_line(Deadline deadline = default_deadline());

  // Reads lines until one matches, skipping at most `max_skip` others; returns the match.
  // The lines skipped on the way are in skipped(); on failure, diagnostics() says why.
  std::optional<std::string> expect_line(const LineMatcher& m,
                                         Deadline deadline = default_deadline(),
                                         std::size_t max_skip = 1000);
  std::optional<std::string> expect_line(std::string_view substring,
                                         Deadline deadline = default_deadline(),
                                         std::size_t max_skip = 1000);
  const std::vector<std::string>& skipped() const { return skipped_; }

  // Reads (and discards into skipped(), up to 10000 lines) until the server closes the
  // connection: true once EOF or a reset is seen, false at the deadline.
  bool read_until_closed(Deadline deadline = default_deadline());
  bool closed() const { return closed_; }    // EOF or a connection error seen
  bool was_reset() const { return reset_; }  // ... and it was ECONNRESET

  // Aborts the connection: SO_LINGER {1, 0} then close() makes the kernel send RST.
  void close_with_reset();
  void close();  // orderly close (FIN)

  bool set_recv_buffer(int bytes);  // SO_RCVBUF on the connected socket
  bool set_no_delay(bool on);       // TCP_NODELAY

  // What the last failed wait was waiting for and why it failed, and the recent lines.
  std::string diagnostics() const;

  // Non-blocking pieces for driving many clients from one poll() loop (see
  // expect_line_on_all): receive_available() takes whatever the kernel holds now and returns
  // false once the connection is closed; next_buffered_line() pops a complete line.
  bool receive_available();
  std::optional<std::string> next_buffered_line(bool keep_line_ending = false);

 private:
  std::optional<std::string> read_line_impl(Deadline deadline, bool keep_line_ending);
  void reset_state();

  int fd_ = -1;
  LineBuffer in_;
  bool closed_ = false;
  bool reset_ = false;
  std::vector<std::string> skipped_;
  std::string last_failure_;
};

// Waits, with one poll() over all of them, until every client has received a line matching
// `m` (skipping at most `max_skip` others each). Returns the indices of the clients that had
// not by the deadline (empty = all did). `Client` is LineClient or anything with its fd(),
// closed(), receive_available() and next_buffered_line() (TlsLineClient).
template <class Client>
std::vector<std::size_t> expect_line_on_all(std::vector<Client>& clients, const LineMatcher& m,
                                            Deadline deadline, std::size_t max_skip = 100) {
  enum class State { kWaiting, kMatched, kFailed };
  std::vector<State> state(clients.size(), State::kWaiting);
  std::vector<std::size_t> skipped(clients.size(), 0);
  std::vector<pollfd> fds;
  std::vector<std::size_t> index;
  for (;;) {
    fds.clear();
    index.clear();
    for (std::size_t i = 0; i < clients.size(); ++i) {
      while (state[i] == State::kWaiting) {
        auto line = clients[i].next_buffered_line();
        if (!line) break;
        if (m.test(*line)) {
          state[i] = State::kMatched;
        } else if (++skipped[i] > max_skip) {
          state[i] = State::kFailed;
        }
      }
      if (state[i] != State::kWaiting) continue;
      if (clients[i].closed()) {
        state[i] = State::kFailed;
        continue;
      }
      fds.push_back({clients[i].fd(), POLLIN, 0});
      index.push_back(i);
    }
    if (fds.empty() || poll_timeout_ms(deadline) == 0) break;
    int r = poll(fds.data(), fds.size(), poll_timeout_ms(deadline));
    if (r < 0 && errno != EINTR) break;
    for (std::size_t k = 0; r > 0 && k < fds.size(); ++k) {
      if (fds[k].revents != 0) clients[index[k]].receive_available();
    }
  }
  std::vector<std::size_t> missing;
  for (std::size_t i = 0; i < clients.size(); ++i) {
    if (state[i] != State::kMatched) missing.push_back(i);
  }
  return missing;
}

// The nick in a greeting line `*** welcome to chatd, you are NICK in #room (...)`.
std::optional<std::string> greeting_nick(std::string_view greeting);

// Reads the greeting on a fresh connection, renames to `nick` with /nick and waits until the
// server confirms it with `*** guest-N is now known as NICK`. Throws std::runtime_error (with
// the client's diagnostics) when any step fails. `Client` is LineClient or TlsLineClient.
template <class Client>
void take_nick(Client& client, std::string_view nick, Deadline deadline) {
  auto fail = [&](std::string_view step) {
    throw std::runtime_error("connect_as(" + std::string(nick) + "): " + std::string(step) + ": " +
                             client.diagnostics());
  };
  auto greeting = client.read_line(deadline);
  if (!greeting) fail("no greeting");
  auto guest = greeting_nick(*greeting);
  if (!guest) fail("first line is not a greeting: " + *greeting);
  if (!client.send_line("/nick " + std::string(nick), deadline)) fail("send /nick");
  if (!client.expect_line(equals("*** " + *guest + " is now known as " + std::string(nick)),
                          deadline)) {
    fail("rename not confirmed");
  }
}

// Connects and take_nick()s: for tests whose subject is not the greeting.
LineClient connect_as(std::uint16_t port, std::string_view nick,
                      Deadline deadline = default_deadline(), ClientOptions options = {});

}  // namespace chatd::test
