// Envelope: one message between chatd nodes, as Redis carries it. Text, and
// versioned by its first word:
//
//   C1 <origin> <seq> <kind> [fields...]\n<payload>
//
// `origin` is the sending node's id, `seq` counts its messages per channel (a
// receiver sees gaps and repeats). Fields are single words; free text in a
// field is escaped (escape_text), the payload is not. Kinds and their fields
// are listed in docs/cluster.md.
#pragma once

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/chat/event.h"
#include "reactor/message.h"

namespace chatd::cluster {

struct Envelope {
  static constexpr std::size_t kMaxFields = 12;
  std::string_view origin;
  std::uint64_t seq = 0;
  std::string_view kind;
  std::array<std::string_view, kMaxFields> fields{};
  std::size_t field_count = 0;
  std::string_view payload;

  // Field i, or empty when there are fewer.
  std::string_view field(std::size_t i) const { return i < field_count ? fields[i] : ""; }
};

// Nullopt for anything that is not a C1 envelope with an origin, a sequence
// number and a kind.
std::optional<Envelope> parse_envelope(std::string_view bytes);

// Free text as one field: '%', space, tab, CR and LF as %XX; the empty text as
// "%E". unescape_text reverses it (and leaves malformed escapes as they are).
std::string escape_text(std::string_view text);
std::string unescape_text(std::string_view field);

// Reading fields and records.
// A whole decimal number, nothing else.
template <class T>
bool parse_number(std::string_view text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}
// The next space-separated word of `rest`, taken off it.
std::string_view take_word(std::string_view& rest);
// A said envelope's kind field, if it names a said kind.
std::optional<Event::Kind> said_kind(std::string_view field);
// A said envelope's lines (its payload, split at LF), at most 512.
void split_said_lines(std::string_view payload, std::vector<std::string_view>& lines);

// Builds one envelope in one block: the header, then the payload.
class EnvelopeWriter {
 public:
  EnvelopeWriter(std::string_view origin, std::uint64_t seq, std::string_view kind);
  EnvelopeWriter& field(std::string_view word);
  EnvelopeWriter& field(std::uint64_t n);
  EnvelopeWriter& text(std::string_view free_text) { return field(escape_text(free_text)); }
  // Ends the header; what follows is payload.
  EnvelopeWriter& payload(std::string_view bytes);
  reactor::MessageRef finish();

 private:
  std::string bytes_;
  bool in_payload_ = false;
};

}  // namespace chatd::cluster
