// An IRC client for integration tests: a LineClient that sends CRLF-terminated IRC lines,
// registers with NICK/USER (and CAP when asked), and matches replies by command or numeric.
// Also the chatd that IRC tests need: a plain and an IRC listener on loopback, port 0.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/chatd_process.h"
#include "tests/support/line_client.h"

namespace chatd::test {

// chatd with `--listen 127.0.0.1:0 --listen irc://127.0.0.1:0` and `args` after them;
// port() is the plain port, irc_port() the IRC one.
class MixedChatd {
 public:
  explicit MixedChatd(std::vector<std::string> args = {});
  ChatdProcess& process() { return chatd_; }
  std::uint16_t plain_port() const { return chatd_.port(); }
  std::uint16_t irc_port() const { return irc_port_; }

 private:
  ChatdProcess chatd_;
  std::uint16_t irc_port_;
};

// The words of an IRC line: its source (without ':'), command, and parameters (the trailing
// one without its ':'). Tags, if any, are in `tags` without the '@'.
struct IrcLine {
  std::string tags;
  std::string source;
  std::string command;
  std::vector<std::string> params;
  std::string param(std::size_t i) const { return i < params.size() ? params[i] : std::string(); }
  std::string nick() const { return source.substr(0, source.find('!')); }
};
IrcLine parse_irc_line(std::string_view line);

// A line whose command (or numeric) is `command`, e.g. irc_command("353").
LineMatcher irc_command(std::string command);
// A line with that command whose parameter `index` equals `value`.
LineMatcher irc_command_param(std::string command, std::size_t index, std::string value);

class IrcClient {
 public:
  explicit IrcClient(std::uint16_t port, Deadline deadline = default_deadline());

  LineClient& lines() { return client_; }
  bool send(std::string_view line, Deadline deadline = default_deadline());

  // CAP LS 302 / CAP REQ (if `caps` is not empty) / CAP END, NICK, USER; then reads to the
  // end of the MOTD (376 or 422). Throws std::runtime_error with diagnostics on failure.
  void register_as(std::string_view nick, const std::vector<std::string>& caps = {},
                   Deadline deadline = default_deadline());
  // JOIN and read to its 366.
  void join(std::string_view room, Deadline deadline = default_deadline());

  std::optional<std::string> expect(const LineMatcher& m, Deadline deadline = default_deadline(),
                                    std::size_t max_skip = 1000) {
    return client_.expect_line(m, deadline, max_skip);
  }
  std::optional<IrcLine> expect_command(std::string command,
                                        Deadline deadline = default_deadline());
  const std::vector<std::string>& skipped() const { return client_.skipped(); }
  std::string diagnostics() const { return client_.diagnostics(); }

 private:
  LineClient client_;
};

// A connected, registered IRC client.
IrcClient connect_irc(std::uint16_t port, std::string_view nick,
                      const std::vector<std::string>& caps = {},
                      Deadline deadline = default_deadline());

}  // namespace chatd::test
