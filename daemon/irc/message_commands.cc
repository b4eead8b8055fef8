// PRIVMSG, NOTICE and TAGMSG: to rooms and to nicks, CTCP ACTION as an action,
// client tags relayed with message-tags. NOTICE never draws an error reply.
#include <fmt/format.h>

#include <string>

#include "daemon/chat/chat.h"
#include "daemon/chat/sanitize.h"
#include "daemon/chat/text_limits.h"
#include "daemon/irc/commands.h"
#include "daemon/irc/irc_lines.h"
#include "daemon/irc/irc_session.h"
#include "daemon/irc/numerics.h"
#include "daemon/irc/tags.h"
#include "daemon/server.h"

namespace chatd::irc {
namespace {

enum class Verb { kPrivmsg, kNotice, kTagmsg };

struct Said {
  Event::Kind kind;
  std::string_view text;
};

// CTCP is framed in 0x01: ACTION is an action, anything else a CTCP that only
// IRC users see (a NOTICE carries a CTCP reply).
Said classify(Verb verb, std::string_view text) {
  if (verb == Verb::kTagmsg) return {Event::Kind::kTagMsg, {}};
  const bool notice = verb == Verb::kNotice;
  if (text.size() < 2 || text.front() != '\x01') {
    return {notice ? Event::Kind::kNotice : Event::Kind::kMessage, text};
  }
  std::string_view inner = text.substr(1);
  if (inner.ends_with('\x01')) inner.remove_suffix(1);
  constexpr std::string_view kAction = "ACTION";
  if (!notice && inner.starts_with(kAction) &&
      (inner.size() == kAction.size() || inner[kAction.size()] == ' ')) {
    return {Event::Kind::kAction, inner.substr(std::min(inner.size(), kAction.size() + 1))};
  }
  return {notice ? Event::Kind::kCtcpReply : Event::Kind::kCtcp, inner};
}

std::string_view verb_name(Verb verb) {
  return verb == Verb::kPrivmsg ? "PRIVMSG" : verb == Verb::kNotice ? "NOTICE" : "TAGMSG";
}

void send_to(IrcSession& s, std::string_view target, const Said& said, std::string_view tags,
             bool errors) {
  Chat& chat = s.chat();
  if (target.starts_with('#')) {
    Room* room = chat.find_room(target);
    if (room == nullptr) {
      if (errors) s.numeric(num::kNoSuchChannel, echoed(target), "No such channel");
      return;
    }
    // Plain lines in a row leave together (Chat::say_later); tagged ones alone.
    const Chat::SayResult r = tags.empty() && said.kind != Event::Kind::kTagMsg
                                  ? chat.say_later(s, *room, said.kind, said.text)
                                  : chat.say(s, *room, said.kind, said.text, tags);
    if (r != Chat::SayResult::kSent && errors) {
      s.numeric(num::kCannotSendToChan, room->name(), "Cannot send to channel");
    }
    return;
  }
  User* to = chat.find_user(target);
  if (to == nullptr) {
    if (errors) s.numeric(num::kNoSuchNick, echoed(target), "No such nick/channel");
    return;
  }
  if (const cluster::Backplane* c = s.server().backplane(); c != nullptr && !c->can_reach(*to)) {
    if (errors) s.notify("other servers are unreachable, try again later");
    return;
  }
  chat.tell(s, *to, said.kind, said.text, tags);
  if (errors && !to->away().empty()) s.numeric(num::kAway, to->nick(), to->away());
}

void relay(IrcSession& s, const IrcMessage& m, Verb verb) {
  const bool errors = verb != Verb::kNotice;
  const std::string_view targets = m.arg(0);
  if (targets.empty()) {
    if (errors) {
      s.numeric(num::kNoRecipient, fmt::format("No recipient given ({})", verb_name(verb)));
    }
    return;
  }
  std::string tags;
  if (s.has(kMessageTags) && !m.tags.empty()) {
    if (client_tag_bytes(m.tags) > kMaxClientTagBytes) {
      return s.numeric(num::kInputTooLong, "Input line was too long");
    }
    tags = client_only_tags(m.tags);
  }
  std::string scratch;
  Said said = classify(verb, m.arg(1));
  said.text = sanitize_text(said.text, scratch, Controls::kKeepIrcFormatting);
  if (verb == Verb::kTagmsg ? tags.empty() : said.text.empty()) {
    if (verb == Verb::kPrivmsg) s.numeric(num::kNoTextToSend, "No text to send");
    return;
  }
  std::size_t count = 0;
  for (std::string_view rest = targets; !rest.empty();) {
    const std::size_t comma = rest.find(',');
    const std::string_view target = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (target.empty()) continue;
    if (++count > kMaxTargets) {
      if (errors) s.numeric(num::kTooManyTargets, echoed(target), "Too many recipients");
      return;
    }
    send_to(s, target, said, tags, errors);
  }
}

}  // namespace

void privmsg(IrcSession& s, const IrcMessage& m) {
  relay(s, m, Verb::kPrivmsg);
}

void notice(IrcSession& s, const IrcMessage& m) {
  relay(s, m, Verb::kNotice);
}

void tagmsg(IrcSession& s, const IrcMessage& m) {
  relay(s, m, Verb::kTagmsg);
}

}  // namespace chatd::irc
