// Every line chatd itself shows a plain-mode user, as a named fmt format string.
// "*** " lines inform, "! " lines report an error; user text never starts a line
// with either, so nothing a user sends can pass for the server.
#pragma once

namespace chatd::replies {

// Chat events (plain_render.cc).
inline constexpr char kMessage[] = "<{}> {}";
inline constexpr char kAction[] = "* {} {}";
inline constexpr char kNotice[] = "-{}- {}";
inline constexpr char kPrivate[] = "*{}* {}";
inline constexpr char kPrivateAction[] = "*{}* * {} {}";
inline constexpr char kPrivateSent[] = "-> *{}* {}";
inline constexpr char kJoined[] = "*** {} joined {}";
inline constexpr char kLeft[] = "*** {} left {}";
inline constexpr char kLeftWithReason[] = "*** {} left {} ({})";
inline constexpr char kQuit[] = "*** {} quit ({})";
inline constexpr char kRenamed[] = "*** {} is now known as {}";
inline constexpr char kKicked[] = "*** {} was kicked from {} by {}";
inline constexpr char kKickedWithReason[] = "*** {} was kicked from {} by {} ({})";
inline constexpr char kYouWereKicked[] = "*** you were kicked from {} by {}; /join a room to talk";
inline constexpr char kYouWereKickedWithReason[] =
    "*** you were kicked from {} by {} ({}); /join a room to talk";
inline constexpr char kTopicSet[] = "*** {} set the topic of {}: {}";
inline constexpr char kTopicCleared[] = "*** {} cleared the topic of {}";
inline constexpr char kModeChanged[] = "*** {} sets mode {} on {}";
inline constexpr char kInvitedYou[] = "*** {} invites you to {} (/join {})";

// Information.
inline constexpr char kWelcome[] = "*** welcome to chatd, you are {} in {} (/help for commands)";
inline constexpr char kWelcomeNoRoom[] = "*** welcome to chatd, you are {} (/help for commands)";
inline constexpr char kMotd[] = "*** {}";
inline constexpr char kServerLine[] = "*** {}";
inline constexpr char kBye[] = "*** bye";
inline constexpr char kShuttingDown[] = "*** server shutting down";
inline constexpr char kRemoved[] = "*** you were removed from the server: {}";
// "1 user", "2 users": the count and its noun.
inline constexpr char kWhoHeader[] = "*** {} in {}:";
inline constexpr char kRoomsHeader[] = "*** {}:";
inline constexpr char kListMore[] = "*** … and {} more";
inline constexpr char kHistoryHeader[] = "*** recent lines in {} (times UTC):";
inline constexpr char kHistoryTrailer[] = "*** end of recent lines";
inline constexpr char kTopic[] = "*** topic of {}: {} (set by {})";
inline constexpr char kNoTopic[] = "*** {} has no topic";
inline constexpr char kModes[] = "*** {} modes: {}";
inline constexpr char kBansHeader[] = "*** {} bans in {}:";
inline constexpr char kBanEntry[] = "***   {} (set by {})";
inline constexpr char kIsAway[] = "*** {} is away: {}";
inline constexpr char kInviteSent[] = "*** you invited {} to {}";

// Quit reasons the server gives.
inline constexpr char kReasonQuit[] = "quit";
inline constexpr char kReasonClosed[] = "connection closed";
inline constexpr char kReasonSlow[] = "too slow to receive";
inline constexpr char kReasonIdle[] = "idle too long";

// Errors.
inline constexpr char kUnknownCommand[] = "! unknown command /{}, try /help";
inline constexpr char kLineTooLong[] = "! line too long (limit {} bytes); it was dropped";
inline constexpr char kNickTaken[] = "! nick taken: {}";
inline constexpr char kInvalidNick[] = "! invalid nick: {}";
inline constexpr char kNickTooFast[] = "! nick changes too fast; try again in {} s";
inline constexpr char kInvalidRoom[] = "! invalid room: {}";
inline constexpr char kAlreadyInRoom[] = "! you are already in {}";
inline constexpr char kNotInARoom[] = "! you are not in a room; /join one";
inline constexpr char kBannedFrom[] = "! you are banned from {}";
inline constexpr char kNeedsKey[] = "! {} needs the right key: /join {} KEY";
inline constexpr char kRoomFull[] = "! {} is full";
inline constexpr char kInviteOnly[] = "! {} is invite-only: an operator must /invite you";
inline constexpr char kModerated[] = "! {} is moderated (you need voice)";
inline constexpr char kNoSuchUser[] = "! no such user: {}";
inline constexpr char kServersUnreachable[] = "! other servers are unreachable, try again later";
inline constexpr char kNickChangesUnavailable[] =
    "! nick changes are unavailable while servers are disconnected";
inline constexpr char kNotOperator[] = "! you are not an operator of {}";
inline constexpr char kNotInThatRoom[] = "! {} is not in {}";
inline constexpr char kAlreadyThere[] = "! {} is already in {}";
inline constexpr char kUnknownMode[] =
    "! unknown mode {}: use + or - with t n m i s, k KEY, l N, o NICK, v NICK or b MASK";
inline constexpr char kModeNeedsValue[] = "! mode {} needs a value";
inline constexpr char kBadKey[] = "! invalid key {}: 1-23 characters without spaces or commas";
inline constexpr char kBadLimit[] = "! invalid limit {}: a whole number from 1 to 1000000";
inline constexpr char kBadMask[] = "! invalid mask {}: nick!user@host, with * and ?";
inline constexpr char kBanListFull[] = "! the ban list of {} is full";
inline constexpr char kUsage[] = "! usage: {}";

// Server operators.
inline constexpr char kYouAreOper[] = "*** you are now a server operator";
inline constexpr char kOperRefused[] = "! oper refused: {}";
inline constexpr char kNotServerOper[] =
    "! only server operators may do that (/oper NAME PASSWORD)";
inline constexpr char kBanSet[] = "*** banned {} {}: {} removed";
inline constexpr char kBanNotSaved[] =
    "! the ban holds but was NOT SAVED, so a restart loses it: {}";
inline constexpr char kBanLifted[] = "*** ban on {} lifted";
inline constexpr char kUnbanNotSaved[] =
    "! the ban is lifted but this was NOT SAVED, so a restart brings it back: {}";
inline constexpr char kNoSuchBan[] = "! no server ban on {}";
inline constexpr char kBanListHeader[] = "*** {}:";
inline constexpr char kBanListItem[] = "***   {} by {} {}: {}";
inline constexpr char kBadAddressMask[] = "! {}";
inline constexpr char kBadDuration[] =
    "! '{}' is not a duration: 30m, 2h, 7d, 1w, 45s, or 0 for good";
inline constexpr char kTooSlow[] = "! you were too slow to receive; disconnecting";
inline constexpr char kIdleTooLong[] = "! idle too long; disconnecting";

}  // namespace chatd::replies
