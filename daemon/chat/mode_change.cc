// The MODE grammar: sign runs, letters, and the arguments they consume in order.
#include "daemon/chat/mode_change.h"

namespace chatd {

bool mode_takes_arg(char letter, bool add) {
  switch (letter) {
    case 'o':
    case 'v':
    case 'b':
    case 'k':
      return true;
    case 'l':
      return add;
    default:
      return false;
  }
}

std::vector<ModeChange> parse_mode_changes(std::string_view modes,
                                           std::span<const std::string_view> args) {
  std::vector<ModeChange> changes;
  bool add = true;
  std::size_t next_arg = 0;
  std::size_t with_args = 0;
  for (char c : modes) {
    if (c == '+' || c == '-') {
      add = c == '+';
      continue;
    }
    if (!mode_takes_arg(c, add)) {
      changes.push_back({add, c, {}});
      continue;
    }
    if (with_args == kMaxModeArgs) continue;
    ++with_args;
    const std::string_view arg = next_arg < args.size() ? args[next_arg++] : std::string_view();
    changes.push_back({add, c, arg});
  }
  return changes;
}

}  // namespace chatd
