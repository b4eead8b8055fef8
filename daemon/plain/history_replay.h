// What a plain user joining a room is shown of what was said there before.
#pragma once

namespace chatd {

class PlainSession;
class Room;

// "*** recent lines in #room (times UTC):", each kept line as
// "[12:34] <alice> hi", then "*** end of recent lines"; nothing if none are kept.
void replay_history(PlainSession& s, const Room& room);

}  // namespace chatd
