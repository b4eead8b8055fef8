// RESP2 command encoding: what a client sends Redis is an array of bulk
// strings. A command is one block; a command whose last argument is a shared
// payload (a PUBLISH, or a script that stores and publishes it) is a small
// header block, the payload's own block and a shared CRLF, so the payload is
// never copied to be sent.
#pragma once

#include <array>
#include <initializer_list>
#include <span>
#include <string_view>

#include "reactor/message.h"

namespace chatd::reactor {

// `*N` then `$len arg` for each argument, in one block.
MessageRef resp_command(std::span<const std::string_view> args);
MessageRef resp_command(std::initializer_list<std::string_view> args);

// The three blocks of the command `args` followed by `payload`, in the order
// to send them.
std::array<MessageRef, 3> resp_command_with_payload(std::span<const std::string_view> args,
                                                    const MessageRef& payload);
// PUBLISH `channel` `payload`.
std::array<MessageRef, 3> resp_publish(std::string_view channel, const MessageRef& payload);

}  // namespace chatd::reactor
