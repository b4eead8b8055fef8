// Fitting user text into IRC's 512-byte lines: splitting a long line into
// several at word boundaries where there are some, else at UTF-8 boundaries.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace chatd::irc {

// Pieces of `text`, each at most `max` bytes (max >= 4), covering it in order:
// a piece ends after the last space that leaves it at least half full, else at
// the last UTF-8 boundary. The space stays at the end of its piece, so joining
// the pieces gives the text back.
std::vector<std::string_view> split_text(std::string_view text, std::size_t max);

// The same pieces, handed to f(std::string_view) one by one without a vector.
template <class F>
void for_each_piece(std::string_view text, std::size_t max, F&& f);

// The length of the first piece split_text would cut from `text` (all of it if short).
std::size_t first_piece(std::string_view text, std::size_t max);

template <class F>
void for_each_piece(std::string_view text, std::size_t max, F&& f) {
  do {
    const std::size_t n = first_piece(text, max);
    f(text.substr(0, n));
    text.remove_prefix(n);
  } while (!text.empty());
}

}  // namespace chatd::irc
