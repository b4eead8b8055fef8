// How long users' texts may be, whichever protocol they arrive in: longer ones
// are cut at a UTF-8 boundary. IRC clients learn them from ISUPPORT.
#pragma once

#include <cstddef>

namespace chatd {

inline constexpr std::size_t kMaxTopicBytes = 390;       // TOPICLEN
inline constexpr std::size_t kMaxKickReasonBytes = 255;  // KICKLEN
inline constexpr std::size_t kMaxAwayBytes = 200;        // AWAYLEN
inline constexpr std::size_t kMaxRealnameBytes = 100;
inline constexpr std::size_t kMaxReasonBytes = 300;  // PART and QUIT reasons
inline constexpr std::size_t kMaxUserLength = 10;    // IRC USER's name, shown after '~'
inline constexpr std::size_t kMaxTargets = 4;        // IRC PRIVMSG, NOTICE, TAGMSG

}  // namespace chatd
