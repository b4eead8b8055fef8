// Capability names.
#include "daemon/irc/caps.h"

namespace chatd::irc {
namespace {

struct NamedCap {
  std::string_view name;
  Cap cap;
};
constexpr NamedCap kCaps[] = {
    {"away-notify", kAwayNotify},
    {"batch", kBatch},
    {"cap-notify", kCapNotify},
    {"echo-message", kEchoMessage},
    {"extended-join", kExtendedJoin},
    {"message-tags", kMessageTags},
    {"multi-prefix", kMultiPrefix},
    {"server-time", kServerTime},
    {"setname", kSetname},
    {"userhost-in-names", kUserhostInNames},
};

}  // namespace

std::optional<Cap> cap_named(std::string_view name) {
  for (const NamedCap& c : kCaps) {
    if (c.name == name) return c.cap;
  }
  return std::nullopt;
}

std::string offered_caps() {
  return cap_names(static_cast<Caps>(~Caps{0}));
}

std::string cap_names(Caps caps) {
  std::string names;
  for (const NamedCap& c : kCaps) {
    if ((caps & c.cap) == 0) continue;
    if (!names.empty()) names += ' ';
    names += c.name;
  }
  return names;
}

}  // namespace chatd::irc
