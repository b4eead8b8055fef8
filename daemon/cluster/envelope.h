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
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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
