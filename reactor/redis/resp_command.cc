// RESP2 command encoding (redis.io/docs/reference/protocol-spec, "Sending
// commands to a Redis server").
#include "reactor/redis/resp_command.h"

#include <fmt/format.h>

namespace chatd::reactor {
namespace {

void append_bulk(fmt::memory_buffer& out, std::string_view arg) {
  fmt::format_to(std::back_inserter(out), "${}\r\n", arg.size());
  out.append(arg);
  out.append(std::string_view("\r\n"));
}

MessageRef crlf() {
  static const MessageRef kCrlf(Message::create("\r\n"));
  return kCrlf;
}

}  // namespace

MessageRef resp_command(std::span<const std::string_view> args) {
  fmt::memory_buffer out;
  fmt::format_to(std::back_inserter(out), "*{}\r\n", args.size());
  for (std::string_view a : args)
    append_bulk(out, a);
  return MessageRef(Message::create({out.data(), out.size()}));
}

MessageRef resp_command(std::initializer_list<std::string_view> args) {
  return resp_command(std::span<const std::string_view>(args.begin(), args.size()));
}

std::array<MessageRef, 3> resp_command_with_payload(std::span<const std::string_view> args,
                                                    const MessageRef& payload) {
  fmt::memory_buffer out;
  fmt::format_to(std::back_inserter(out), "*{}\r\n", args.size() + 1);
  for (std::string_view a : args)
    append_bulk(out, a);
  fmt::format_to(std::back_inserter(out), "${}\r\n", payload.size());
  return {MessageRef(Message::create({out.data(), out.size()})), payload, crlf()};
}

std::array<MessageRef, 3> resp_publish(std::string_view channel, const MessageRef& payload) {
  const std::array<std::string_view, 2> args{"PUBLISH", channel};
  return resp_command_with_payload(args, payload);
}

}  // namespace chatd::reactor
