// Chat::change_modes: what a room operator may change (flags, key, limit,
// operator and voice status, bans), each change checked on its own.
#include <charconv>
#include <string>

#include "daemon/chat/chat.h"
#include "daemon/chat/mask.h"
#include "daemon/chat/render_cache.h"

namespace chatd {
namespace {

constexpr std::uint32_t kMaxLimit = 1000000;

// Printable ASCII only: a key is shown to members in both protocols.
bool is_valid_key(std::string_view key) {
  if (key.empty() || key.size() > RoomModes::kMaxKeyLength || key.front() == ':') return false;
  for (char c : key) {
    const auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b >= 0x7F || c == ',') return false;
  }
  return true;
}

std::uint32_t parse_limit(std::string_view text) {
  std::uint32_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n == 0 || n > kMaxLimit) return 0;
  return n;
}

bool is_list_request(const ModeChange& c) {
  return c.letter == 'b' && c.arg.empty();
}

// Collects what took effect as "+ov-t" and its arguments. The MODE line that
// announces them must fit in 512 bytes after its source and room, so changes
// stop being taken once their arguments would pass kMaxBytes.
struct Applied {
  static constexpr std::size_t kMaxBytes = 340;
  std::string letters;
  std::string args;
  char sign = 0;
  bool fits(std::string_view arg) const {
    return letters.size() + 2 + args.size() + 1 + arg.size() <= kMaxBytes;
  }
  void add(bool plus, char letter, std::string_view arg) {
    const char s = plus ? '+' : '-';
    if (s != sign) letters += sign = s;
    letters += letter;
    if (!arg.empty()) args.append(" ").append(arg);
  }
};

}  // namespace

Chat::ModeOutcome Chat::change_modes(User& u, Room& r, std::span<const ModeChange> changes) {
  flush_said();
  ModeOutcome out;
  if (!u.may_moderate(r)) {
    for (const ModeChange& c : changes) {
      if (is_list_request(c)) continue;
      out.errors.push_back({ModeError::kNotOperator, c.letter, {}});
      break;
    }
    return out;
  }
  out = apply_modes(u, r, changes);
  if (ChatObserver* o = observer_for(u); o != nullptr && !out.applied.empty()) {
    o->on_modes(u, r, out.applied);
  }
  return out;
}

// The changes themselves: an operator's, or another node's already checked.
Chat::ModeOutcome Chat::apply_modes(User& u, Room& r, std::span<const ModeChange> changes) {
  ModeOutcome out;
  Applied applied;
  RoomModes& modes = r.modes_;
  for (const ModeChange& c : changes) {
    if (is_list_request(c)) continue;
    if (!applied.fits(c.letter == 'b' ? normalize_mask(c.arg) : c.arg)) break;
    auto fail = [&](ModeError::Kind kind) { out.errors.push_back({kind, c.letter, c.arg}); };
    if (const auto flag = RoomModes::flag_of(c.letter)) {
      if (modes.set(*flag, c.add)) applied.add(c.add, c.letter, {});
      continue;
    }
    switch (c.letter) {
      case 'o':
      case 'v': {
        if (c.arg.empty()) {
          fail(ModeError::kNeedsArgument);
          break;
        }
        User* target = nicks_.find(c.arg);
        if (target == nullptr) {
          fail(ModeError::kNoSuchNick);
          break;
        }
        Membership* m = membership_of(*target, r);
        if (m == nullptr) {
          fail(ModeError::kTargetNotInRoom);
          break;
        }
        const std::uint8_t bit = c.letter == 'o' ? kOperator : kVoice;
        const auto status = static_cast<std::uint8_t>(c.add ? m->status | bit : m->status & ~bit);
        if (status == m->status) break;
        m->status = status;
        applied.add(c.add, c.letter, target->nick());
        break;
      }
      case 'b': {
        const std::string mask = normalize_mask(c.arg);
        if (mask.empty()) {
          fail(ModeError::kBadMask);
        } else if (!c.add) {
          if (modes.remove_ban(mask)) applied.add(false, 'b', mask);
        } else if (modes.bans().size() >= RoomModes::kMaxBans) {
          fail(ModeError::kBanListFull);
        } else if (modes.add_ban({mask, u.nick(), wall_seconds()})) {
          applied.add(true, 'b', mask);
        }
        break;
      }
      case 'k':
        if (!c.add) {
          if (modes.key().empty()) break;
          modes.set_key({});
          applied.add(false, 'k', "*");
        } else if (!is_valid_key(c.arg)) {
          fail(c.arg.empty() ? ModeError::kNeedsArgument : ModeError::kBadKey);
        } else {
          modes.set_key(std::string(c.arg));
          applied.add(true, 'k', c.arg);
        }
        break;
      case 'l':
        if (!c.add) {
          if (modes.limit() == 0) break;
          modes.set_limit(0);
          applied.add(false, 'l', {});
        } else if (const std::uint32_t n = parse_limit(c.arg); n == 0) {
          fail(c.arg.empty() ? ModeError::kNeedsArgument : ModeError::kBadLimit);
        } else if (n != modes.limit()) {
          modes.set_limit(n);
          applied.add(true, 'l', std::to_string(n));
        }
        break;
      default:
        fail(ModeError::kUnknownMode);
    }
  }
  if (applied.letters.empty()) return out;
  out.applied = applied.letters + applied.args;
  Event e = event_by(Event::Kind::kMode, u);
  e.target = r.name();
  e.to_room = true;
  e.arg = out.applied;
  RenderCache cache(e);
  r.broadcast(cache);
  return out;
}

void Chat::change_modes_remote(User& u, Room& r, std::string_view applied) {
  flush_said();
  const auto space = applied.find(' ');
  const std::string_view letters = applied.substr(0, space);
  std::vector<std::string_view> args;
  for (std::string_view rest = space == std::string_view::npos ? "" : applied.substr(space + 1);
       !rest.empty();) {
    const auto next = rest.find(' ');
    args.push_back(rest.substr(0, next));
    rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
  }
  // "-k *": the key is not repeated when removed.
  const std::vector<ModeChange> changes = parse_mode_changes(letters, args);
  apply_modes(u, r, changes);
}

}  // namespace chatd
