// The IRC command table and the handlers it dispatches to, one file per area:
// registration, messages, rooms, modes, queries.
#pragma once

#include "daemon/irc/irc_message.h"

namespace chatd {
class IrcSession;
}

namespace chatd::irc {

// What a line costs in flood-control tokens: PING, PONG and blank lines a
// tenth, and so do queries of rooms the client is in (a bouncer re-attaching to
// 50 rooms sends a MODE, WHO and MODE b for each); JOIN and PART half a token a
// room, messages one per target; anything else one.
inline constexpr double kPingCost = 0.1;
double command_cost(const IrcSession& s, const IrcMessage& m);

// Runs the command: 461 when parameters are missing, 451 before registration
// for anything but registration itself, 421 for what chatd does not know.
void run_command(IrcSession& s, const IrcMessage& m);

using Handler = void (*)(IrcSession& s, const IrcMessage& m);

// registration_commands.cc
void cap(IrcSession& s, const IrcMessage& m);
void nick(IrcSession& s, const IrcMessage& m);
void user(IrcSession& s, const IrcMessage& m);
void pass(IrcSession& s, const IrcMessage& m);
void ping(IrcSession& s, const IrcMessage& m);
void pong(IrcSession& s, const IrcMessage& m);
void quit(IrcSession& s, const IrcMessage& m);

// message_commands.cc
void privmsg(IrcSession& s, const IrcMessage& m);
void notice(IrcSession& s, const IrcMessage& m);
void tagmsg(IrcSession& s, const IrcMessage& m);

// room_commands.cc
void join(IrcSession& s, const IrcMessage& m);
void part(IrcSession& s, const IrcMessage& m);
void topic(IrcSession& s, const IrcMessage& m);
void kick(IrcSession& s, const IrcMessage& m);
void invite(IrcSession& s, const IrcMessage& m);
void names(IrcSession& s, const IrcMessage& m);
void list(IrcSession& s, const IrcMessage& m);

// mode_command.cc
void mode(IrcSession& s, const IrcMessage& m);

// query_commands.cc
void who(IrcSession& s, const IrcMessage& m);
void whois(IrcSession& s, const IrcMessage& m);
void whowas(IrcSession& s, const IrcMessage& m);
void ison(IrcSession& s, const IrcMessage& m);
void userhost(IrcSession& s, const IrcMessage& m);
void away(IrcSession& s, const IrcMessage& m);
void setname(IrcSession& s, const IrcMessage& m);

// welcome.cc
void lusers(IrcSession& s, const IrcMessage& m);

// Server operators (oper_commands.cc).
void oper(IrcSession& s, const IrcMessage& m);
void kill(IrcSession& s, const IrcMessage& m);
void kline(IrcSession& s, const IrcMessage& m);
void unkline(IrcSession& s, const IrcMessage& m);
void motd(IrcSession& s, const IrcMessage& m);
void version(IrcSession& s, const IrcMessage& m);
void time(IrcSession& s, const IrcMessage& m);

}  // namespace chatd::irc
