// Every line chatd itself shows a plain-mode user, as a named fmt format string.
// "*** " lines inform, "! " lines report an error; user text never starts a line
// with either, so nothing a user sends can pass for the server.
#pragma once

namespace chatd::replies {

// Chat events (ChatEvent rendering).
inline constexpr char kMessage[] = "<{}> {}";
inline constexpr char kAction[] = "* {} {}";
inline constexpr char kPrivate[] = "*{}* {}";
inline constexpr char kPrivateSent[] = "-> *{}* {}";
inline constexpr char kJoined[] = "*** {} joined {}";
inline constexpr char kLeft[] = "*** {} left {}";
inline constexpr char kQuit[] = "*** {} quit ({})";
inline constexpr char kRenamed[] = "*** {} is now known as {}";

// Information.
inline constexpr char kWelcome[] = "*** welcome to chatd, you are {} in {} (/help for commands)";
inline constexpr char kMotd[] = "*** {}";
inline constexpr char kBye[] = "*** bye";
inline constexpr char kShuttingDown[] = "*** server shutting down";
inline constexpr char kWhoHeader[] = "*** {} users in {}:";
inline constexpr char kRoomsHeader[] = "*** {} rooms:";
inline constexpr char kListMore[] = "*** … and {} more";

// Quit reasons the server gives.
inline constexpr char kReasonQuit[] = "quit";
inline constexpr char kReasonClosed[] = "connection closed";
inline constexpr char kReasonSlow[] = "too slow to receive";
inline constexpr char kReasonIdle[] = "idle too long";

// Errors.
inline constexpr char kUnknownCommand[] = "! unknown command /{}, try /help";
inline constexpr char kLineTooLong[] = "! line too long (limit {} bytes); it was dropped";
inline constexpr char kServerFull[] = "! server full, try again later";
inline constexpr char kTooManyFromAddress[] =
    "! too many connections from your address, try again later";
inline constexpr char kConnectingTooFast[] =
    "! too many new connections from your address, try again in a few seconds";
inline constexpr char kServerBusy[] = "! server busy, try again in a few seconds";
inline constexpr char kNickTaken[] = "! nick taken: {}";
inline constexpr char kInvalidNick[] = "! invalid nick: {}";
inline constexpr char kInvalidRoom[] = "! invalid room: {}";
inline constexpr char kAlreadyInRoom[] = "! you are already in {}";
inline constexpr char kNoSuchUser[] = "! no such user: {}";
inline constexpr char kUsage[] = "! usage: {}";
inline constexpr char kTooSlow[] = "! you were too slow to receive; disconnecting";
inline constexpr char kIdleTooLong[] = "! idle too long; disconnecting";

}  // namespace chatd::replies
