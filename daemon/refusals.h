// Why a connection is turned away before it becomes a user: one line in the
// listener's protocol ("! ..." for plain, "ERROR :..." for IRC), then a close.
#pragma once

namespace chatd::refusals {

inline constexpr char kServerFull[] = "server full, try again later";
inline constexpr char kTooManyFromAddress[] =
    "too many connections from your address, try again later";
inline constexpr char kConnectingTooFast[] =
    "too many new connections from your address, try again in a few seconds";
inline constexpr char kServerBusy[] = "server busy, try again in a few seconds";

}  // namespace chatd::refusals
