// Plain-mode (nc/telnet) rendering of chat events.
#include "daemon/chat_event.h"

#include "daemon/replies.h"

namespace chatd {

reactor::MessageRef render_plain(const ChatEvent& e) {
  using reactor::format_line;
  switch (e.kind) {
    case ChatEvent::Kind::kMessage:
      return format_line(replies::kMessage, e.from, e.text);
    case ChatEvent::Kind::kAction:
      return format_line(replies::kAction, e.from, e.text);
    case ChatEvent::Kind::kPrivate:
      return format_line(replies::kPrivate, e.from, e.text);
    case ChatEvent::Kind::kJoin:
      return format_line(replies::kJoined, e.from, e.room);
    case ChatEvent::Kind::kPart:
      return format_line(replies::kLeft, e.from, e.room);
    case ChatEvent::Kind::kQuit:
      return format_line(replies::kQuit, e.from, e.text);
    case ChatEvent::Kind::kRename:
      return format_line(replies::kRenamed, e.from, e.text);
  }
  return format_line("*** {}", e.text);
}

}  // namespace chatd
