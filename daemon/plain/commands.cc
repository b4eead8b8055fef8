// The command table of plain mode and the replies of its everyday commands.
#include "daemon/plain/commands.h"

#include <fmt/format.h>

#include <array>
#include <string>

#include "daemon/chat/names.h"
#include "daemon/chat/room.h"
#include "daemon/chat/sanitize.h"
#include "daemon/plain/command_parser.h"
#include "daemon/plain/history_replay.h"
#include "daemon/plain/plain_session.h"
#include "daemon/plain/replies.h"
#include "daemon/server.h"

namespace chatd {
namespace {

using reactor::format_line;

// Long /who and /rooms replies are cut into lines of about this many bytes, and
// stop after kMaxListed names (DESIGN) or when the reply would fill half of what
// the asker's output queue has left, so asking can never make one a slow consumer.
constexpr std::size_t kListLineBytes = 400;
constexpr std::size_t kMaxListed = 1000;

std::size_t reply_budget(const PlainSession& s) {
  const std::size_t limit = s.server().config().output_limit;
  const std::size_t queued = s.connection().queued_bytes();
  return queued >= limit ? 0 : (limit - queued) / 2;
}

std::string counted(std::size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

constexpr std::array<std::string_view, 24> kHelp = {
    "*** commands:",
    "***   /nick NAME        change your nick",
    "***   /join ROOM [KEY]  leave this room and join ROOM (dev and #dev are the same)",
    "***   /who              list the users in this room (@ operator, + voice, * server operator)",
    "***   /rooms            list the rooms",
    "***   /msg NICK text    send a private line to NICK",
    "***   /me text          an action: * nick text",
    "***   /topic [text]     show or set the room's topic",
    "***   /quit [reason]    leave; /help shows this. Start a line with // to say /text",
    "***   anything else is said to the room",
    "*** room operators (the first to join a room is one):",
    "***   /kick NICK [reason]     remove NICK from the room",
    "***   /op NICK, /deop NICK    give or take operator status",
    "***   /voice NICK, /devoice NICK  let NICK speak in a moderated room, or not",
    "***   /ban MASK, /unban MASK  ban nick!user@host (a nick alone is nick!*@*); /bans lists",
    "***   /invite NICK            let NICK into an invite-only room",
    "***   /mode                   show the room's modes; change them with:",
    "***   /mode +m or -m          moderated: only operators and voiced users speak",
    "***   /mode +t, +n, +i, +s    topic by operators, members only, invite-only, secret",
    "***   /mode +k KEY, +l N      a key to join, a limit of N users (- to remove)",
    "*** server operators (/oper NAME PASSWORD) are operators of every room, and:",
    "***   /kill NICK reason               remove NICK from the server",
    "***   /kline ADDRESS[/BITS] 30m reason  ban an address or range (30m, 2h, 7d, 0 = for good)",
    "***   /unkline ADDRESS[/BITS], /klines  lift a server ban; list them",
};

// Sends `header` followed by the items, wrapped onto "*** " continuation lines.
template <class Items, class Format>
void send_list(PlainSession& s, std::string header, const Items& items, Format format_item) {
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

// What a rename's result says to the user; nothing when it happened (the
// rename is shown to the user like to everyone else).
void report_rename(PlainSession& s, Chat::RenameResult r, std::string_view wanted,
                   std::uint64_t now) {
  switch (r) {
    case Chat::RenameResult::kInvalid:
      return s.send(format_line(replies::kInvalidNick, clean(wanted)));
    case Chat::RenameResult::kTaken:
    case Chat::RenameResult::kHeldRemotely:
      return s.send(format_line(replies::kNickTaken, wanted));
    case Chat::RenameResult::kTooFast:
      return s.send(format_line(replies::kNickTooFast, s.chat().seconds_until_rename(s, now)));
    case Chat::RenameResult::kRenamed:
    case Chat::RenameResult::kUnchanged:
      return;
  }
}

// In a cluster the nick is claimed in Redis first, and this user's next lines
// wait for the answer.
void nick(PlainSession& s, std::string_view args) {
  if (args.empty()) return s.send(format_line(replies::kUsage, "/nick NAME"));
  const std::uint64_t now = s.connection().loop().now_ms();
  cluster::Backplane* cluster = s.server().backplane();
  const Chat::RenameResult check = s.chat().check_rename(s, args, now);
  const bool new_nick =
      check == Chat::RenameResult::kHeldRemotely ||
      (check == Chat::RenameResult::kRenamed && fold_case(args) != fold_case(s.nick()));
  if (cluster == nullptr || !new_nick)
    return report_rename(s, s.chat().rename(s, args, now), args, now);
  s.hold_input();
  const UserHandle me = s.chat().handle_of(s);
  Chat& chat = s.chat();
  cluster->claim_nick(s, args,
                      [&chat, me, wanted = std::string(args)](cluster::Backplane::Claim c) {
                        auto* user = static_cast<PlainSession*>(chat.resolve(me));
                        if (user == nullptr) return;
                        const std::uint64_t at = user->connection().loop().now_ms();
                        switch (c) {
                          case cluster::Backplane::Claim::kClaimed:
                            report_rename(*user, chat.rename(*user, wanted, at), wanted, at);
                            break;
                          case cluster::Backplane::Claim::kTaken:
                            user->send(format_line(replies::kNickTaken, wanted));
                            break;
                          case cluster::Backplane::Claim::kUnavailable:
                            user->send(format_line(replies::kNickChangesUnavailable));
                            break;
                        }
                        // Last: the lines held meanwhile run now, after the answer.
                        user->release_input();
                      });
}

// In a cluster the room's history may be read first (Server::when_rooms_ready).
void join(PlainSession& s, std::string_view args) {
  const auto [name, key] = split_word(args);
  if (name.empty()) return s.send(format_line(replies::kUsage, "/join ROOM [KEY]"));
  const auto room_name = normalize_room(name);
  if (!room_name) return s.send(format_line(replies::kInvalidRoom, clean(name)));
  const std::array<std::string_view, 1> rooms{*room_name};
  s.server().when_rooms_ready(s, rooms, [room_name = *room_name, key = std::string(key)](User& u) {
    auto& joiner = static_cast<PlainSession&>(u);
    Room* room = nullptr;
    const Chat::JoinResult r = joiner.chat().join(joiner, room_name, key, &room);
    if (r == Chat::JoinResult::kAlreadyThere) {
      return joiner.send(format_line(replies::kAlreadyInRoom, room->name()));
    }
    if (r != Chat::JoinResult::kJoined) return report_join_failure(joiner, r, room_name);
    joiner.send(format_line(replies::kJoined, joiner.nick(), room->name()));
    show_topic(joiner, *room);
    replay_history(joiner, *room);
  });
}

void who(PlainSession& s, const Room& room) {
  std::vector<Seat> seats;
  seats.reserve(room.size());
  room.for_each_seat([&seats](const Seat& seat) { seats.push_back(seat); });
  send_list(s, fmt::format(replies::kWhoHeader, counted(room.size(), "user", "users"), room.name()),
            seats, [&room](std::string& line, const Seat& seat) {
              const std::uint8_t status = seat.user->status_in(room);
              if (seat.user->is_oper()) line += '*';
              if ((status & kOperator) != 0) {
                line += '@';
              } else if ((status & kVoice) != 0) {
                line += '+';
              }
              line += seat.user->nick();
            });
}

void rooms(PlainSession& s) {
  auto list = s.chat().rooms().by_size();
  std::erase_if(list, [&s](const Room* r) { return !Chat::is_visible(*r, s); });
  send_list(s, fmt::format(replies::kRoomsHeader, counted(list.size(), "room", "rooms")), list,
            [](std::string& line, const Room* r) {
              fmt::format_to(std::back_inserter(line), "{} ({})", r->name(), r->size());
            });
}

void msg(PlainSession& s, std::string_view args) {
  const auto [target_nick, text] = split_word(args);
  if (target_nick.empty() || text.empty()) {
    return s.send(format_line(replies::kUsage, "/msg NICK text"));
  }
  User* target = s.chat().find_user(target_nick);
  if (target == nullptr) return s.send(format_line(replies::kNoSuchUser, clean(target_nick)));
  if (const cluster::Backplane* c = s.server().backplane();
      c != nullptr && !c->can_reach(*target)) {
    return s.send(format_line(replies::kServersUnreachable));
  }
  std::string scratch;
  const std::string_view safe = sanitize_text(text, scratch, Controls::kKeepIrcFormatting);
  s.chat().tell(s, *target, Event::Kind::kMessage, safe);
  std::string plain_scratch;
  s.send(format_line(replies::kPrivateSent, target->nick(), strip_formatting(safe, plain_scratch)));
  if (!target->away().empty()) {
    s.send(
        format_line(replies::kIsAway, target->nick(), strip_formatting(target->away(), scratch)));
  }
}

void quit(PlainSession& s, std::string_view args) {
  std::string scratch;
  const std::string_view reason = sanitize_text(args, scratch, Controls::kKeepIrcFormatting);
  s.quit(reason);  // empty: plain users see "quit", IRC users "Quit"
}

void help(PlainSession& s) {
  for (std::string_view line : kHelp)
    s.send(reactor::make_line(line));
}

// The commands that act on the user's room.
void in_room(PlainSession& s, CommandId id, std::string_view args) {
  Room* room = s.room();
  if (room == nullptr) return s.send(format_line(replies::kNotInARoom));
  switch (id) {
    case CommandId::kWho:
      return who(s, *room);
    case CommandId::kMe:
      if (args.empty()) return s.send(format_line(replies::kUsage, "/me text"));
      return say_in_room(s, Event::Kind::kAction, args);
    case CommandId::kTopic:
      return topic(s, *room, args);
    case CommandId::kKick:
      return kick(s, *room, args);
    case CommandId::kOp:
      return set_status(s, *room, {true, 'o', {}}, "/op NICK", args);
    case CommandId::kDeop:
      return set_status(s, *room, {false, 'o', {}}, "/deop NICK", args);
    case CommandId::kVoice:
      return set_status(s, *room, {true, 'v', {}}, "/voice NICK", args);
    case CommandId::kDevoice:
      return set_status(s, *room, {false, 'v', {}}, "/devoice NICK", args);
    case CommandId::kBan:
      return ban(s, *room, true, args);
    case CommandId::kUnban:
      return ban(s, *room, false, args);
    case CommandId::kBans:
      return list_bans(s, *room);
    case CommandId::kMode:
      return mode(s, *room, args);
    case CommandId::kInvite:
      return invite(s, *room, args);
    default:
      return;
  }
}

}  // namespace

void say_in_room(PlainSession& s, Event::Kind kind, std::string_view text) {
  Room* room = s.room();
  if (room == nullptr) return s.send(format_line(replies::kNotInARoom));
  std::string scratch;
  const std::string_view safe = sanitize_text(text, scratch, Controls::kKeepIrcFormatting);
  if (safe.empty()) return;
  switch (s.chat().say_later(s, *room, kind, safe)) {
    case Chat::SayResult::kSent:
    case Chat::SayResult::kNotInRoom:
      return;
    case Chat::SayResult::kModerated:
      return s.send(format_line(replies::kModerated, room->name()));
    case Chat::SayResult::kBanned:
      return s.send(format_line(replies::kBannedFrom, room->name()));
  }
}

void show_topic(PlainSession& s, const Room& room) {
  const Topic& t = room.topic();
  if (t.text.empty()) return;
  std::string scratch;
  s.send(format_line(replies::kTopic, room.name(), strip_formatting(t.text, scratch), t.set_by));
}

void report_join_failure(PlainSession& s, Chat::JoinResult r, std::string_view room) {
  switch (r) {
    case Chat::JoinResult::kBanned:
      return s.send(format_line(replies::kBannedFrom, room));
    case Chat::JoinResult::kBadKey:
      return s.send(format_line(replies::kNeedsKey, room, room));
    case Chat::JoinResult::kFull:
      return s.send(format_line(replies::kRoomFull, room));
    case Chat::JoinResult::kInviteOnly:
      return s.send(format_line(replies::kInviteOnly, room));
    case Chat::JoinResult::kInvalidName:
    case Chat::JoinResult::kTooManyRooms:
      return s.send(format_line(replies::kInvalidRoom, clean(room)));
    case Chat::JoinResult::kAlreadyThere:
      return s.send(format_line(replies::kAlreadyInRoom, room));
    case Chat::JoinResult::kJoined:
      return;
  }
}

void run_command(PlainSession& s, std::string_view name, std::string_view args) {
  const CommandId id = command_id(name);
  // Replies go straight to the user: what it said before must have left first.
  if (id != CommandId::kMe) s.chat().flush_said();
  switch (id) {
    case CommandId::kNick:
      return nick(s, args);
    case CommandId::kJoin:
      return join(s, args);
    case CommandId::kRooms:
      return rooms(s);
    case CommandId::kMsg:
      return msg(s, args);
    case CommandId::kQuit:
      return quit(s, args);
    case CommandId::kHelp:
      return help(s);
    case CommandId::kOper:
    case CommandId::kKill:
    case CommandId::kKline:
    case CommandId::kUnkline:
    case CommandId::kKlines:
      return oper_command(s, id, args);
    case CommandId::kUnknown:
      return s.send(format_line(replies::kUnknownCommand, clean(name)));
    default:
      return in_room(s, id, args);
  }
}

}  // namespace chatd
