// Plain-mode (nc/telnet) renderings of chat events: a line each (a run of lines
// said together, several lines in one block), with IRC formatting stripped.
#pragma once

#include "daemon/chat/event.h"
#include "reactor/message.h"

namespace chatd {

class RenderCache;

// What every plain user shown the event sees, e.g. "<alice> hi\r\n"; empty for
// what plain users are not shown (CTCP, tags alone, away, realname changes).
reactor::MessageRef render_plain(const Event& e);

// What the user an event is about sees instead (a kick's target).
reactor::MessageRef render_plain_for_subject(const Event& e);

// The plain rendering of cache.event(), shared with its broadcast: what room
// history keeps (HistoryRenderers).
reactor::MessageRef plain_rendering(RenderCache& cache);

}  // namespace chatd
