// Event: what happened, independent of how any protocol shows it. The chat model
// makes events; every recipient's front end renders them (render_cache.h), once
// per protocol variant, and shares that rendering with everyone else who uses it.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace chatd {

class User;

struct Event {
  enum class Kind : std::uint8_t {
    kMessage,    // text to a room or a user
    kNotice,     // a notice (IRC NOTICE): never answered automatically
    kAction,     // "/me": CTCP ACTION on IRC
    kCtcp,       // another CTCP request (VERSION, PING...): IRC only
    kCtcpReply,  // a CTCP reply (a NOTICE): IRC only
    kTagMsg,     // tags without text (IRCv3 TAGMSG): message-tags only
    kJoin,       // the actor joined `target`
    kPart,       // the actor left `target`, with `text` as reason (may be empty)
    kQuit,       // the actor left the chat; `text` is the reason
    kNick,       // the actor is now called `text`
    kKick,       // the actor removed `subject` (nick `arg`) from `target`; `text` is the reason
    kTopic,      // the actor set `target`'s topic to `text` (empty: cleared)
    kMode,       // the actor changed `target`'s modes: `arg` is "+o-v alice bob"
    kInvite,     // the actor invited `subject` (nick `arg`) to `target`
    kAway,       // the actor is away with `text`, or back when `text` is empty
    kSetname,    // the actor's realname is now `text`
  };

  Kind kind = Kind::kMessage;
  const User* actor = nullptr;
  // The actor's identity when it acted (for kNick, the old nick).
  std::string_view nick;
  std::string_view ident;
  std::string_view host;
  std::string_view target;  // "#room", or the recipient's nick for a private message
  std::string_view text;
  // Said kinds: several lines said in a row, relayed as one event (Chat::say_later);
  // `text` is then unused. Use for_each_said_line().
  std::span<const std::string_view> lines;
  std::string_view arg;  // see Kind; for kJoin the actor's realname (extended-join)
  const User* subject = nullptr;
  // message-tags client tags ("+typing=active;+example.com/x=y"), escaped as
  // received: only renderings for clients that negotiated message-tags carry them.
  std::string_view client_tags;
  // Wall-clock milliseconds, fixed when the event is made, so every rendering
  // with server-time carries the same time and can be shared.
  std::int64_t time_ms = 0;
  bool to_room = false;
  // kJoin, kPart, kQuit in rooms above announce_limit: not shown to plain users.
  bool quiet_for_plain = false;
  // kQuit: the reason is the server's words ("too slow to receive"), not the user's.
  bool server_reason = false;
};

// True for kinds that are things said (messages, notices, actions, CTCPs, tags).
inline bool is_said(Event::Kind k) {
  return k <= Event::Kind::kTagMsg;
}

// f(line) for each line a said event carries: its `lines`, or else its `text`.
template <class F>
void for_each_said_line(const Event& e, F&& f) {
  if (e.lines.empty()) {
    f(e.text);
    return;
  }
  for (std::string_view line : e.lines)
    f(line);
}

}  // namespace chatd
