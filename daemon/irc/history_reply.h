// What an IRC client joining a room is sent of what was said there before.
#pragma once

#include <memory>

#include "daemon/irc/paged_reply.h"

namespace chatd::irc {

// The room's kept lines, oldest first: with @time when the client has
// server-time, and inside "BATCH +history chathistory #room" ... "BATCH -history"
// when it has batch. Null when nothing is kept. A snapshot: references to the
// shared replays, taken at the JOIN.
std::unique_ptr<PagedReply> history_reply(IrcSession& s, const Room& room);

}  // namespace chatd::irc
