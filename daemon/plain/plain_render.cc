// Plain-mode rendering of chat events. Formatting is stripped here, once per
// event, never per recipient.
#include "daemon/plain/plain_render.h"

#include <fmt/format.h>

#include <string>

#include "daemon/chat/render_cache.h"
#include "daemon/chat/sanitize.h"
#include "daemon/plain/replies.h"

namespace chatd {
namespace {

using reactor::format_line;
using Kind = Event::Kind;

// Appends one said line as the plain protocol shows it; false for what plain
// users are not shown (CTCP, tags alone).
bool append_said(const Event& e, std::string_view text, fmt::memory_buffer& out) {
  auto to = std::back_inserter(out);
  switch (e.kind) {
    case Kind::kMessage:
      if (e.to_room) {
        fmt::format_to(to, replies::kMessage, e.nick, text);
      } else {
        fmt::format_to(to, replies::kPrivate, e.nick, text);
      }
      break;
    case Kind::kAction:
      if (e.to_room) {
        fmt::format_to(to, replies::kAction, e.nick, text);
      } else {
        fmt::format_to(to, replies::kPrivateAction, e.nick, e.nick, text);
      }
      break;
    case Kind::kNotice:
      fmt::format_to(to, replies::kNotice, e.nick, text);
      break;
    default:
      return false;
  }
  out.append(std::string_view("\r\n"));
  return true;
}

// Every line of a said event in one block, so a run of lines costs each
// recipient one reference.
reactor::MessageRef render_said(const Event& e) {
  fmt::memory_buffer out;
  std::string scratch;
  bool shown = true;
  for_each_said_line(e, [&](std::string_view line) {
    const std::string_view text = strip_formatting(line, scratch);
    if (!text.empty()) shown = append_said(e, text, out) && shown;
  });
  if (!shown || out.size() == 0) return {};
  return reactor::MessageRef(reactor::Message::create({out.data(), out.size()}));
}

}  // namespace

reactor::MessageRef render_plain(const Event& e) {
  if (is_said(e.kind)) return render_said(e);
  std::string scratch;
  const std::string_view text = strip_formatting(e.text, scratch);
  switch (e.kind) {
    case Kind::kJoin:
      return format_line(replies::kJoined, e.nick, e.target);
    case Kind::kPart:
      return text.empty() ? format_line(replies::kLeft, e.nick, e.target)
                          : format_line(replies::kLeftWithReason, e.nick, e.target, text);
    case Kind::kQuit:
      return format_line(replies::kQuit, e.nick, text.empty() ? replies::kReasonQuit : text);
    case Kind::kNick:
      return format_line(replies::kRenamed, e.nick, e.text);
    case Kind::kKick:
      return text.empty() ? format_line(replies::kKicked, e.arg, e.target, e.nick)
                          : format_line(replies::kKickedWithReason, e.arg, e.target, e.nick, text);
    case Kind::kTopic:
      return text.empty() ? format_line(replies::kTopicCleared, e.nick, e.target)
                          : format_line(replies::kTopicSet, e.nick, e.target, text);
    case Kind::kMode:
      return format_line(replies::kModeChanged, e.nick, e.arg, e.target);
    case Kind::kInvite:
      return format_line(replies::kInvitedYou, e.nick, e.target, e.target);
    default:
      return {};
  }
}

reactor::MessageRef render_plain_for_subject(const Event& e) {
  if (e.kind != Kind::kKick) return render_plain(e);
  std::string scratch;
  const std::string_view reason = strip_formatting(e.text, scratch);
  return reason.empty() ? format_line(replies::kYouWereKicked, e.target, e.nick)
                        : format_line(replies::kYouWereKickedWithReason, e.target, e.nick, reason);
}

reactor::MessageRef plain_rendering(RenderCache& cache) {
  return cache.get(variant::kPlain, render_plain);
}

}  // namespace chatd
