// The plain-mode slash commands (/help lists them) and the replies they share.
#pragma once

#include <string_view>

#include "daemon/chat/chat.h"
#include "daemon/plain/command_parser.h"

namespace chatd {

class PlainSession;

// Runs the command `name` (as typed, without the '/') with its trimmed `args`,
// replying to the session; an unknown name gets an error line suggesting /help.
void run_command(PlainSession& s, std::string_view name, std::string_view args);

// Says `text` (as typed) in the session's room, or tells it why not.
void say_in_room(PlainSession& s, Event::Kind kind, std::string_view text);

// "*** topic of #room: ..." if the room has a topic.
void show_topic(PlainSession& s, const Room& room);

// The "! ..." line for a join that did not happen.
void report_join_failure(PlainSession& s, Chat::JoinResult r, std::string_view room);

// The moderation commands (moderation_commands.cc): each needs a room.
void topic(PlainSession& s, Room& room, std::string_view args);
void kick(PlainSession& s, Room& room, std::string_view args);
void mode(PlainSession& s, Room& room, std::string_view args);
// /op, /deop, /voice, /devoice: `change` without its argument, which is args.
void set_status(PlainSession& s, Room& room, ModeChange change, std::string_view usage,
                std::string_view args);
void ban(PlainSession& s, Room& room, bool add, std::string_view args);
void list_bans(PlainSession& s, const Room& room);
void invite(PlainSession& s, Room& room, std::string_view args);

// The server operator commands (oper_commands.cc): /oper, /kill, /kline,
// /unkline, /klines.
void oper_command(PlainSession& s, CommandId id, std::string_view args);

}  // namespace chatd
