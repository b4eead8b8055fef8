// IRC rendering: one format per event kind, long texts split at 512 bytes.
#include "daemon/irc/irc_render.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>
#include <string>

#include "daemon/chat/render_cache.h"
#include "daemon/chat/sanitize.h"
#include "daemon/irc/irc_lines.h"
#include "daemon/irc/irc_text.h"

namespace chatd::irc {
namespace {

using Kind = Event::Kind;

constexpr std::string_view kActionOpen =
    "\x01"
    "ACTION ";
constexpr std::string_view kCtcpMark = "\x01";

// Stack buffers: a rendering allocates nothing but its one shared block.
using Buffer = fmt::memory_buffer;

std::string_view view(const Buffer& b) {
  return {b.data(), b.size()};
}

void append_tags(const Event& e, IrcVariant v, Buffer& tags) {
  if (v.server_time) {
    tags.append(std::string_view("time="));
    append_server_time(e.time_ms, tags);
  }
  if (v.client_tags && !e.client_tags.empty()) {
    if (tags.size() != 0) tags.push_back(';');
    tags.append(e.client_tags);
  }
}

std::string_view command_of(Kind k) {
  switch (k) {
    case Kind::kNotice:
    case Kind::kCtcpReply:
      return "NOTICE";
    case Kind::kTagMsg:
      return "TAGMSG";
    default:
      return "PRIVMSG";
  }
}

// PRIVMSG/NOTICE, split into as many lines as the text needs; a CTCP is one
// line, cut if it must be (its framing cannot be split).
void render_said_line(const Event& e, std::string_view text, std::string_view head,
                      IrcLines& lines) {
  const std::size_t room = IrcLines::room_after(head);
  switch (e.kind) {
    case Kind::kTagMsg:
      lines.add(head);
      return;
    case Kind::kCtcp:
    case Kind::kCtcpReply:
      lines.add_framed(head, kCtcpMark, text, kCtcpMark);
      return;
    case Kind::kAction:
      for_each_piece(text, room - kActionOpen.size() - kCtcpMark.size(), [&](std::string_view p) {
        lines.add_framed(head, kActionOpen, p, kCtcpMark);
      });
      return;
    default:
      for_each_piece(text, room, [&](std::string_view p) { lines.add(head, p); });
  }
}

void render_said(const Event& e, std::string_view head, IrcLines& lines) {
  for_each_said_line(e, [&](std::string_view text) { render_said_line(e, text, head, lines); });
}

std::string_view quit_reason(const Event& e, Buffer& scratch) {
  if (e.server_reason) return e.text;
  if (e.text.empty()) return "Quit";
  fmt::format_to(std::back_inserter(scratch), "Quit: {}", e.text);
  return view(scratch);
}

// "HEAD" of a line: the source, then the words, separated by spaces.
template <class... Words>
std::string_view head_of(Buffer& b, std::string_view source, Words... words) {
  b.clear();
  b.append(source);
  ((b.push_back(' '), b.append(std::string_view(words))), ...);
  return view(b);
}

}  // namespace

IrcVariant variant_for(const Event& e, Caps caps) {
  IrcVariant v;
  v.server_time = (caps & kServerTime) != 0;
  v.client_tags = (caps & kMessageTags) != 0 && !e.client_tags.empty();
  v.extended_join = e.kind == Kind::kJoin && (caps & kExtendedJoin) != 0;
  return v;
}

std::size_t slot_of(IrcVariant v) {
  return variant::kIrcFirst + (v.server_time ? 1 : 0) + (v.client_tags ? 2 : 0) +
         (v.extended_join ? 4 : 0);
}

void append_server_time(std::int64_t time_ms, fmt::memory_buffer& out) {
  const std::time_t seconds = static_cast<std::time_t>(time_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  fmt::format_to(std::back_inserter(out), "{:%Y-%m-%dT%H:%M:%S}.{:03}Z", utc, time_ms % 1000);
}

std::string server_time(std::int64_t time_ms) {
  fmt::memory_buffer out;
  append_server_time(time_ms, out);
  return fmt::to_string(out);
}

reactor::MessageRef render_irc(const Event& e, IrcVariant v) {
  if (e.kind == Kind::kTagMsg && !v.client_tags) return {};
  Buffer tags;
  append_tags(e, v, tags);
  IrcLines lines(view(tags));
  Buffer source_buffer;
  fmt::format_to(std::back_inserter(source_buffer), ":{}!{}@{}", e.nick, e.ident, e.host);
  const std::string_view source = view(source_buffer);
  Buffer h;
  Buffer scratch;
  switch (e.kind) {
    case Kind::kJoin:
      if (v.extended_join) {
        lines.add(head_of(h, source, "JOIN", e.target, "*"), e.arg);
      } else {
        lines.add(head_of(h, source, "JOIN", e.target));
      }
      break;
    case Kind::kPart:
      if (e.text.empty()) {
        lines.add(head_of(h, source, "PART", e.target));
      } else {
        lines.add(head_of(h, source, "PART", e.target), e.text);
      }
      break;
    case Kind::kQuit:
      lines.add(head_of(h, source, "QUIT"), quit_reason(e, scratch));
      break;
    case Kind::kNick:
      lines.add(head_of(h, source, "NICK"), e.text);
      break;
    case Kind::kKick:
      lines.add(head_of(h, source, "KICK", e.target, e.arg), e.text.empty() ? e.nick : e.text);
      break;
    case Kind::kTopic:
      lines.add(head_of(h, source, "TOPIC", e.target), e.text);
      break;
    case Kind::kMode:
      lines.add(head_of(h, source, "MODE", e.target, e.arg));
      break;
    case Kind::kInvite:
      lines.add(head_of(h, source, "INVITE", e.arg, e.target));
      break;
    case Kind::kAway:
      if (e.text.empty()) {
        lines.add(head_of(h, source, "AWAY"));
      } else {
        lines.add(head_of(h, source, "AWAY"), e.text);
      }
      break;
    case Kind::kSetname:
      lines.add(head_of(h, source, "SETNAME"), e.text);
      break;
    default:
      render_said(e, head_of(h, source, command_of(e.kind), e.target), lines);
  }
  return lines.message();
}

reactor::MessageRef irc_rendering(RenderCache& cache) {
  return cache.get(slot_of(IrcVariant{}),
                   [](const Event& e) { return render_irc(e, IrcVariant{}); });
}

}  // namespace chatd::irc
