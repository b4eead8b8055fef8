// IRC renderings of chat events. Which variant a recipient needs depends on its
// capabilities and on the event: server-time adds @time, message-tags adds the
// sender's client tags (when it sent any), extended-join changes JOIN alone.
// Recipients that need the same variant share one rendering.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "daemon/chat/event.h"
#include "daemon/irc/caps.h"
#include "reactor/message.h"

namespace chatd {
class RenderCache;
}  // namespace chatd

namespace chatd::irc {

struct IrcVariant {
  bool server_time = false;
  bool client_tags = false;
  bool extended_join = false;
};

// The variant a client with `caps` needs for `e`, and its RenderCache slot.
IrcVariant variant_for(const Event& e, Caps caps);
std::size_t slot_of(IrcVariant v);

// The event as IRC lines, e.g. ":alice!~nc@5f0c.ip PRIVMSG #lobby :hi\r\n". A
// long text becomes several PRIVMSGs of at most 512 bytes in one message; a
// TAGMSG without the client_tags variant renders as nothing.
reactor::MessageRef render_irc(const Event& e, IrcVariant v);

// The untagged IRC rendering of cache.event(), shared with its broadcast: what
// room history keeps (HistoryRenderers).
reactor::MessageRef irc_rendering(RenderCache& cache);

// "2026-12-01T19:32:38.123Z": the server-time value of a wall-clock time.
std::string server_time(std::int64_t time_ms);
void append_server_time(std::int64_t time_ms, fmt::memory_buffer& out);

}  // namespace chatd::irc
