// The ISUPPORT tokens. Only what chatd does is advertised: no WHOX, no
// STATUSMSG, no UTF8ONLY, no LINELEN above 512.
#include "daemon/irc/isupport.h"

#include <fmt/format.h>

#include "daemon/chat/mode_change.h"
#include "daemon/chat/names.h"
#include "daemon/chat/room_modes.h"
#include "daemon/chat/text_limits.h"

namespace chatd::irc {

std::vector<std::string> isupport_tokens(std::string_view network, std::size_t max_rooms) {
  return {
      "AWAYLEN=" + std::to_string(kMaxAwayBytes),
      "CASEMAPPING=ascii",
      fmt::format("CHANLIMIT=#:{}", max_rooms),
      "CHANMODES=b,k,l,imnst",
      "CHANNELLEN=" + std::to_string(kMaxRoomNameLength + 1),
      "CHANTYPES=#",
      "KICKLEN=" + std::to_string(kMaxKickReasonBytes),
      fmt::format("MAXLIST=b:{}", RoomModes::kMaxBans),
      "MAXTARGETS=" + std::to_string(kMaxTargets),
      "MODES=" + std::to_string(kMaxModeArgs),
      fmt::format("NETWORK={}", network),
      "NICKLEN=" + std::to_string(kMaxNickLength),
      "PREFIX=(ov)@+",
      fmt::format("TARGMAX=JOIN:,PART:,NAMES:1,WHOIS:1,KICK:1,LIST:,PRIVMSG:{0},NOTICE:{0},"
                  "TAGMSG:{0}",
                  kMaxTargets),
      "TOPICLEN=" + std::to_string(kMaxTopicBytes),
      "USERLEN=" + std::to_string(kMaxUserLength + 1),
  };
}

}  // namespace chatd::irc
