// The command table of plain mode and each command's replies.
#include "daemon/commands.h"

#include <fmt/format.h>

#include <array>
#include <string>

#include "daemon/command_parser.h"
#include "daemon/member.h"
#include "daemon/replies.h"
#include "daemon/room.h"
#include "daemon/sanitize.h"
#include "daemon/server.h"
#include "daemon/session.h"

namespace chatd {
namespace {

using reactor::format_line;

// Long /who and /rooms replies are cut into lines of about this many bytes, and
// stop after kMaxListed names (DESIGN) or when the reply would fill half of what
// the asker's output queue has left, so asking can never make one a slow consumer.
constexpr std::size_t kListLineBytes = 400;
constexpr std::size_t kMaxListed = 1000;

std::size_t reply_budget(const Session& s) {
  const std::size_t limit = s.server().config().output_limit;
  const std::size_t queued = s.connection().queued_bytes();
  return queued >= limit ? 0 : (limit - queued) / 2;
}

constexpr std::array<std::string_view, 9> kHelp = {
    "*** commands:",
    "***   /nick NAME        change your nick",
    "***   /join ROOM        leave this room and join ROOM (dev and #dev are the same)",
    "***   /who              list the users in this room",
    "***   /rooms            list the rooms",
    "***   /msg NICK text    send a private line to NICK",
    "***   /me text          an action: * nick text",
    "***   /quit [reason]    leave; /help shows this. Start a line with // to say /text",
    "***   anything else is said to the room",
};

// Sends `header` followed by the items, wrapped onto "*** " continuation lines.
template <class Items, class Format>
void send_list(Session& s, std::string header, const Items& items, Format format_item) {
  const std::size_t budget = reply_budget(s);
  std::size_t sent_bytes = 0;
  std::string line = std::move(header);
  std::size_t listed = 0;
  for (const auto& item : items) {
    if (listed == kMaxListed || sent_bytes + line.size() > budget) break;
    if (line.size() >= kListLineBytes) {
      sent_bytes += line.size() + 2;
      s.send(reactor::make_line(line));
      line = "***";
    }
    line += ' ';
    format_item(line, item);
    ++listed;
  }
  s.send(reactor::make_line(line));
  if (listed < items.size()) s.send(format_line(replies::kListMore, items.size() - listed));
}

std::string clean(std::string_view text) {
  std::string scratch;
  return std::string(sanitize_text(text, scratch));
}

void nick(Session& s, std::string_view args) {
  if (args.empty()) return s.send(format_line(replies::kUsage, "/nick NAME"));
  switch (s.server().chat().rename(s, args)) {
    case Chat::RenameResult::kInvalid:
      return s.send(format_line(replies::kInvalidNick, clean(args)));
    case Chat::RenameResult::kTaken:
      return s.send(format_line(replies::kNickTaken, args));
    case Chat::RenameResult::kRenamed:
      s.send(format_line(replies::kRenamed, s.nick(), args));
      s.set_nick(args);
      return;
  }
}

void join(Session& s, std::string_view args) {
  if (args.empty()) return s.send(format_line(replies::kUsage, "/join ROOM"));
  std::string room;
  switch (s.server().chat().join(s, args, room)) {
    case Chat::JoinResult::kInvalidName:
      return s.send(format_line(replies::kInvalidRoom, clean(args)));
    case Chat::JoinResult::kAlreadyThere:
      return s.send(format_line(replies::kAlreadyInRoom, room));
    case Chat::JoinResult::kJoined:
      return s.send(format_line(replies::kJoined, s.nick(), room));
  }
}

void who(Session& s) {
  const Room& room = *s.room();
  send_list(s, fmt::format(replies::kWhoHeader, room.size(), room.name()), room.members(),
            [](std::string& line, const Member* m) { line += m->nick(); });
}

void rooms(Session& s) {
  const auto list = s.server().chat().rooms().by_size();
  send_list(s, fmt::format(replies::kRoomsHeader, list.size()), list,
            [](std::string& line, const Room* r) {
              fmt::format_to(std::back_inserter(line), "{} ({})", r->name(), r->size());
            });
}

void msg(Session& s, std::string_view args) {
  const auto [target_nick, text] = split_word(args);
  if (target_nick.empty() || text.empty()) {
    return s.send(format_line(replies::kUsage, "/msg NICK text"));
  }
  Member* target = s.server().chat().find_member(target_nick);
  if (target == nullptr) return s.send(format_line(replies::kNoSuchUser, clean(target_nick)));
  std::string scratch;
  const std::string_view safe = sanitize_text(text, scratch);
  const ChatEvent e{ChatEvent::Kind::kPrivate, s.nick(), {}, safe};
  RenderCache cache(e);
  target->deliver(cache);
  s.send(format_line(replies::kPrivateSent, target->nick(), safe));
}

void me(Session& s, std::string_view args) {
  if (args.empty()) return s.send(format_line(replies::kUsage, "/me text"));
  std::string scratch;
  s.server().chat().say(s, ChatEvent::Kind::kAction, sanitize_text(args, scratch));
}

void quit(Session& s, std::string_view args) {
  std::string scratch;
  const std::string_view reason = sanitize_text(args, scratch);
  s.quit(reason.empty() ? std::string_view(replies::kReasonQuit) : reason);
}

void help(Session& s) {
  for (std::string_view line : kHelp)
    s.send(reactor::make_line(line));
}

}  // namespace

void run_command(Session& s, std::string_view name, std::string_view args) {
  switch (command_id(name)) {
    case CommandId::kNick:
      return nick(s, args);
    case CommandId::kJoin:
      return join(s, args);
    case CommandId::kWho:
      return who(s);
    case CommandId::kRooms:
      return rooms(s);
    case CommandId::kMsg:
      return msg(s, args);
    case CommandId::kMe:
      return me(s, args);
    case CommandId::kQuit:
      return quit(s, args);
    case CommandId::kHelp:
      return help(s);
    case CommandId::kUnknown:
      return s.send(format_line(replies::kUnknownCommand, clean(name)));
  }
}

}  // namespace chatd
