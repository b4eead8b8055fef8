// The plain-mode commands of room operators: /topic, /kick, /op, /deop, /voice,
// /devoice, /ban, /unban, /bans, /invite and /mode. The chat model decides who
// may do what; these turn its answers into lines.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "daemon/chat/mask.h"
#include "daemon/chat/room.h"
#include "daemon/chat/sanitize.h"
#include "daemon/chat/text_limits.h"
#include "daemon/plain/command_parser.h"
#include "daemon/plain/commands.h"
#include "daemon/plain/plain_session.h"
#include "daemon/plain/replies.h"

namespace chatd {
namespace {

using reactor::format_line;

std::string clean(std::string_view text) {
  std::string scratch;
  return std::string(sanitize_text(text, scratch));
}

void report(PlainSession& s, const Room& room, const Chat::ModeError& e) {
  const std::string arg = clean(e.arg);
  const std::string letter(1, e.letter);
  switch (e.kind) {
    case Chat::ModeError::kNotOperator:
      return s.send(format_line(replies::kNotOperator, room.name()));
    case Chat::ModeError::kUnknownMode:
      return s.send(format_line(replies::kUnknownMode, clean(letter)));
    case Chat::ModeError::kNeedsArgument:
      return s.send(format_line(replies::kModeNeedsValue, letter));
    case Chat::ModeError::kNoSuchNick:
      return s.send(format_line(replies::kNoSuchUser, arg));
    case Chat::ModeError::kTargetNotInRoom:
      return s.send(format_line(replies::kNotInThatRoom, arg, room.name()));
    case Chat::ModeError::kBadKey:
      return s.send(format_line(replies::kBadKey, arg));
    case Chat::ModeError::kBadLimit:
      return s.send(format_line(replies::kBadLimit, arg));
    case Chat::ModeError::kBadMask:
      return s.send(format_line(replies::kBadMask, arg));
    case Chat::ModeError::kBanListFull:
      return s.send(format_line(replies::kBanListFull, room.name()));
  }
}

void apply(PlainSession& s, Room& room, const std::vector<ModeChange>& changes) {
  const Chat::ModeOutcome out = s.chat().change_modes(s, room, changes);
  for (const Chat::ModeError& e : out.errors)
    report(s, room, e);
}

// Splits "a b  c" into words.
std::vector<std::string_view> words(std::string_view args) {
  std::vector<std::string_view> out;
  for (auto [word, rest] = split_word(args); !word.empty(); std::tie(word, rest) = split_word(rest))
    out.push_back(word);
  return out;
}

}  // namespace

void topic(PlainSession& s, Room& room, std::string_view args) {
  if (args.empty()) {
    if (room.topic().text.empty()) return s.send(format_line(replies::kNoTopic, room.name()));
    return show_topic(s, room);
  }
  if (s.chat().set_topic(s, room, user_text(args, kMaxTopicBytes)) ==
      Chat::TopicResult::kNotOperator) {
    s.send(format_line(replies::kNotOperator, room.name()));
  }
}

void kick(PlainSession& s, Room& room, std::string_view args) {
  const auto [target, reason] = split_word(args);
  if (target.empty()) return s.send(format_line(replies::kUsage, "/kick NICK [reason]"));
  switch (s.chat().kick(s, room, target, user_text(reason, kMaxKickReasonBytes))) {
    case Chat::KickResult::kKicked:
    case Chat::KickResult::kNotInRoom:
      return;
    case Chat::KickResult::kNotOperator:
      return s.send(format_line(replies::kNotOperator, room.name()));
    case Chat::KickResult::kNoSuchNick:
      return s.send(format_line(replies::kNoSuchUser, clean(target)));
    case Chat::KickResult::kTargetNotInRoom:
      return s.send(format_line(replies::kNotInThatRoom, clean(target), room.name()));
  }
}

void set_status(PlainSession& s, Room& room, ModeChange change, std::string_view usage,
                std::string_view args) {
  const auto [target, rest] = split_word(args);
  if (target.empty()) return s.send(format_line(replies::kUsage, usage));
  change.arg = target;
  apply(s, room, {change});
}

void ban(PlainSession& s, Room& room, bool add, std::string_view args) {
  const auto [mask, rest] = split_word(args);
  if (mask.empty()) return s.send(format_line(replies::kUsage, add ? "/ban MASK" : "/unban MASK"));
  apply(s, room, {{add, 'b', mask}});
}

void list_bans(PlainSession& s, const Room& room) {
  const auto& bans = room.modes().bans();
  s.send(format_line(replies::kBansHeader, bans.size(), room.name()));
  for (const Ban& b : bans)
    s.send(format_line(replies::kBanEntry, b.mask, b.set_by));
}

void invite(PlainSession& s, Room& room, std::string_view args) {
  const auto [nick, rest] = split_word(args);
  if (nick.empty()) return s.send(format_line(replies::kUsage, "/invite NICK"));
  User* target = s.chat().find_user(nick);
  if (target == nullptr) return s.send(format_line(replies::kNoSuchUser, clean(nick)));
  switch (s.chat().invite(s, room, *target)) {
    case Chat::InviteResult::kInvited:
      return s.send(format_line(replies::kInviteSent, target->nick(), room.name()));
    case Chat::InviteResult::kAlreadyThere:
      return s.send(format_line(replies::kAlreadyThere, target->nick(), room.name()));
    case Chat::InviteResult::kNotOperator:
      return s.send(format_line(replies::kNotOperator, room.name()));
    case Chat::InviteResult::kNotInRoom:
      return;
  }
}

// "/mode" shows the modes; "/mode +mk-t key" changes them as IRC's MODE does.
void mode(PlainSession& s, Room& room, std::string_view args) {
  if (args.empty()) {
    const bool member = s.in_room(room);
    return s.send(format_line(replies::kModes, room.name(), room.modes().describe(member)));
  }
  const std::vector<std::string_view> w = words(args);
  if (w.front().front() != '+' && w.front().front() != '-') {
    return s.send(format_line(replies::kUsage, "/mode [+|-MODES [VALUES]]"));
  }
  const std::vector<ModeChange> changes = parse_mode_changes(w.front(), std::span(w).subspan(1));
  for (const ModeChange& c : changes) {
    if (c.letter == 'b' && c.arg.empty()) list_bans(s, room);
  }
  apply(s, room, changes);
}

}  // namespace chatd
