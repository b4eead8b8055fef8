// RESP2 command encoding: what a client sends Redis is an array of bulk
// strings. A command is one block; a PUBLISH of a shared payload is a small
// header block, the payload's own block and a shared CRLF, so the payload is
// never copied to be published.
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

// The three blocks of PUBLISH `channel` `payload`, in the order to send them.
std::array<MessageRef, 3> resp_publish(std::string_view channel, const MessageRef& payload);

}  // namespace chatd::reactor
