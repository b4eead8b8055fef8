// UTF-8-safe cutting and word-boundary splitting.
#include "daemon/irc/irc_text.h"

#include <cassert>

#include "daemon/chat/sanitize.h"

namespace chatd::irc {

std::size_t first_piece(std::string_view text, std::size_t max) {
  assert(max >= 4);
  if (text.size() <= max) return text.size();
  std::string_view piece = cut_utf8(text, max);
  if (const std::size_t space = piece.rfind(' ');
      space != std::string_view::npos && space + 1 >= max / 2) {
    piece = piece.substr(0, space + 1);
  }
  return piece.empty() ? max : piece.size();  // not UTF-8 at all: cut anyway
}

std::vector<std::string_view> split_text(std::string_view text, std::size_t max) {
  std::vector<std::string_view> pieces;
  for_each_piece(text, max, [&pieces](std::string_view p) { pieces.push_back(p); });
  return pieces;
}

}  // namespace chatd::irc
