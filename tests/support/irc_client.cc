// The IRC test client: line parsing for assertions, registration and joining.
#include "tests/support/irc_client.h"

#include <stdexcept>

namespace chatd::test {
namespace {

std::vector<std::string> with_listeners(std::vector<std::string> args) {
  std::vector<std::string> all = {"--listen", "127.0.0.1:0", "--listen", "irc://127.0.0.1:0"};
  all.insert(all.end(), args.begin(), args.end());
  return all;
}

}  // namespace

MixedChatd::MixedChatd(std::vector<std::string> args)
    : chatd_(with_listeners(std::move(args))), irc_port_(chatd_.port_of("irc")) {
  if (irc_port_ == 0) throw std::runtime_error("chatd logged no irc:// listener");
}

IrcLine parse_irc_line(std::string_view line) {
  IrcLine out;
  auto word = [&line]() {
    const std::size_t sp = line.find(' ');
    std::string w(line.substr(0, sp));
    line = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
    return w;
  };
  if (line.starts_with('@')) out.tags = word().substr(1);
  if (line.starts_with(':')) out.source = word().substr(1);
  out.command = word();
  while (!line.empty()) {
    if (line.starts_with(':')) {
      out.params.emplace_back(line.substr(1));
      break;
    }
    out.params.push_back(word());
  }
  return out;
}

LineMatcher irc_command(std::string command) {
  return satisfies([command](std::string_view l) { return parse_irc_line(l).command == command; },
                   "an IRC " + command + " line");
}

LineMatcher irc_command_param(std::string command, std::size_t index, std::string value) {
  return satisfies(
      [=](std::string_view l) {
        const IrcLine p = parse_irc_line(l);
        return p.command == command && p.param(index) == value;
      },
      "an IRC " + command + " line with parameter " + std::to_string(index) + " = " + value);
}

IrcClient::IrcClient(std::uint16_t port, Deadline deadline) : client_(port, {}, deadline) {}

bool IrcClient::send(std::string_view line, Deadline deadline) {
  return client_.send_raw(std::string(line) + "\r\n", deadline);
}

std::optional<IrcLine> IrcClient::expect_command(std::string command, Deadline deadline) {
  auto line = client_.expect_line(irc_command(std::move(command)), deadline);
  if (!line) return std::nullopt;
  return parse_irc_line(*line);
}

void IrcClient::register_as(std::string_view nick, const std::vector<std::string>& caps,
                            Deadline deadline) {
  auto fail = [&](std::string_view step) {
    throw std::runtime_error("register_as(" + std::string(nick) + "): " + std::string(step) + ": " +
                             client_.diagnostics());
  };
  if (!caps.empty()) {
    std::string wanted;
    for (const auto& c : caps)
      wanted += (wanted.empty() ? "" : " ") + c;
    if (!send("CAP LS 302", deadline) || !send("CAP REQ :" + wanted, deadline)) fail("send CAP");
    if (!client_.expect_line(irc_command_param("CAP", 1, "ACK"), deadline)) fail("CAP not ACKed");
    if (!send("CAP END", deadline)) fail("send CAP END");
  }
  if (!send("NICK " + std::string(nick), deadline) ||
      !send("USER " + std::string(nick) + " 0 * :" + std::string(nick) + " test", deadline)) {
    fail("send NICK/USER");
  }
  if (!client_.expect_line(irc_command("001"), deadline)) fail("no 001");
  const LineMatcher motd_end = satisfies(
      [](std::string_view l) {
        const std::string c = parse_irc_line(l).command;
        return c == "376" || c == "422";
      },
      "the end of the MOTD");
  if (!client_.expect_line(motd_end, deadline)) fail("no end of MOTD");
}

void IrcClient::join(std::string_view room, Deadline deadline) {
  if (!send("JOIN " + std::string(room), deadline)) {
    throw std::runtime_error("join: send failed: " + client_.diagnostics());
  }
  if (!client_.expect_line(irc_command_param("366", 1, std::string(room)), deadline)) {
    throw std::runtime_error("join " + std::string(room) + ": no 366: " + client_.diagnostics());
  }
}

IrcClient connect_irc(std::uint16_t port, std::string_view nick,
                      const std::vector<std::string>& caps, Deadline deadline) {
  IrcClient c(port, deadline);
  c.register_as(nick, caps, deadline);
  return c;
}

}  // namespace chatd::test
