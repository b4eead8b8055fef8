// Status prefixes (PREFIX=(ov)@+): "@" for an operator, "+" for voice; with
// multi-prefix every one a member has, highest first.
#pragma once

#include <cstdint>
#include <string>

#include "daemon/chat/user.h"

namespace chatd::irc {

inline std::string prefixes(std::uint8_t status, bool multi) {
  std::string out;
  if ((status & kOperator) != 0) out += '@';
  if ((status & kVoice) != 0 && (multi || out.empty())) out += '+';
  return out;
}

}  // namespace chatd::irc
