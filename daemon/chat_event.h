// ChatEvent: what happened in a room, independent of how a protocol shows it.
// Rooms fan events out; each member renders them in its own protocol, and a
// rendering is made once per broadcast, then shared by every member that uses it.
#pragma once

#include <cstdint>
#include <string_view>

#include "reactor/message.h"

namespace chatd {

struct ChatEvent {
  enum class Kind : std::uint8_t {
    kMessage,  // <from> text
    kAction,   // * from text
    kPrivate,  // *from* text (to one member)
    kJoin,     // from joined room
    kPart,     // from left room
    kQuit,     // from quit (text)
    kRename,   // from is now known as text
  };
  Kind kind;
  std::string_view from;  // the acting nick
  std::string_view room;  // "#name", where the event happened (empty for kPrivate)
  std::string_view text;  // sanitised user text, a reason, or the new nick
};

// The line protocol's rendering of an event, e.g. "<alice> hi\r\n".
reactor::MessageRef render_plain(const ChatEvent& e);

// Renderings of one event, made on first use: a broadcast to 10,000 plain-mode
// members formats one line and hands out 10,000 references to it.
class RenderCache {
 public:
  explicit RenderCache(const ChatEvent& e) : event_(e) {}
  const ChatEvent& event() const { return event_; }
  const reactor::MessageRef& plain() {
    if (!plain_) plain_ = render_plain(event_);
    return plain_;
  }

 private:
  const ChatEvent& event_;
  reactor::MessageRef plain_;
};

}  // namespace chatd
