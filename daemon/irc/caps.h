// The IRCv3 capabilities chatd offers, as a bitset per connection. Only what is
// built is offered: no sasl, no sts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chatd::irc {

enum Cap : std::uint16_t {
  kMultiPrefix = 1 << 0,      // "@+nick" in NAMES and WHO
  kUserhostInNames = 1 << 1,  // "nick!user@host" in NAMES
  kServerTime = 1 << 2,       // @time= on relayed events
  kEchoMessage = 1 << 3,      // the sender gets its own PRIVMSG/NOTICE/TAGMSG
  kMessageTags = 1 << 4,      // client +tags relayed; TAGMSG; longer lines
  kAwayNotify = 1 << 5,       // AWAY from neighbours
  kExtendedJoin = 1 << 6,     // JOIN #room account :realname
  kSetname = 1 << 7,          // SETNAME, and hearing neighbours' changes
  kCapNotify = 1 << 8,        // CAP NEW/DEL (the set never changes at runtime)
  kBatch = 1 << 9,            // room history replayed inside a chathistory batch
};
using Caps = std::uint16_t;

// The capability called `name`, if chatd offers it.
std::optional<Cap> cap_named(std::string_view name);

// "multi-prefix userhost-in-names ...": every offered cap, for CAP LS.
std::string offered_caps();
// The names of the caps in `caps`, space-separated, for CAP LIST.
std::string cap_names(Caps caps);

}  // namespace chatd::irc
