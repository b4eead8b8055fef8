// Envelope encoding and parsing.
#include "daemon/cluster/envelope.h"

namespace chatd::cluster {
namespace {

bool needs_escape(char c) {
  return c == '%' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

constexpr std::size_t kMaxLinesPerEvent = 512;

}  // namespace

std::string_view take_word(std::string_view& rest) {
  const auto space = rest.find(' ');
  const std::string_view word = rest.substr(0, space);
  rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  return word;
}

std::optional<Event::Kind> said_kind(std::string_view field) {
  unsigned k = 0;
  if (!parse_number(field, k) || k > static_cast<unsigned>(Event::Kind::kTagMsg)) {
    return std::nullopt;
  }
  return static_cast<Event::Kind>(k);
}

void split_said_lines(std::string_view payload, std::vector<std::string_view>& lines) {
  lines.clear();
  while (lines.size() < kMaxLinesPerEvent) {
    const auto newline = payload.find('\n');
    lines.push_back(payload.substr(0, newline));
    if (newline == std::string_view::npos) break;
    payload.remove_prefix(newline + 1);
  }
}

std::optional<Envelope> parse_envelope(std::string_view bytes) {
  const auto newline = bytes.find('\n');
  std::string_view header = bytes.substr(0, newline);
  Envelope e;
  if (newline != std::string_view::npos) e.payload = bytes.substr(newline + 1);
  if (take_word(header) != "C1") return std::nullopt;
  e.origin = take_word(header);
  if (!parse_number(take_word(header), e.seq)) return std::nullopt;
  e.kind = take_word(header);
  if (e.origin.empty() || e.kind.empty()) return std::nullopt;
  while (!header.empty()) {
    if (e.field_count == Envelope::kMaxFields) return std::nullopt;
    e.fields[e.field_count++] = take_word(header);
  }
  return e;
}

std::string escape_text(std::string_view text) {
  if (text.empty()) return "%E";
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (needs_escape(c)) {
      out += '%';
      out += kHex[static_cast<unsigned char>(c) >> 4];
      out += kHex[static_cast<unsigned char>(c) & 15];
    } else {
      out += c;
    }
  }
  return out;
}

std::string unescape_text(std::string_view field) {
  if (field == "%E") return {};
  std::string out;
  out.reserve(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '%' && i + 2 < field.size()) {
      const int hi = hex_value(field[i + 1]);
      const int lo = hex_value(field[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += field[i];
  }
  return out;
}

EnvelopeWriter::EnvelopeWriter(std::string_view origin, std::uint64_t seq, std::string_view kind) {
  bytes_.reserve(128);
  bytes_ += "C1 ";
  bytes_ += origin;
  bytes_ += ' ';
  bytes_ += std::to_string(seq);
  bytes_ += ' ';
  bytes_ += kind;
}

EnvelopeWriter& EnvelopeWriter::field(std::string_view word) {
  bytes_ += ' ';
  bytes_ += word;
  return *this;
}

EnvelopeWriter& EnvelopeWriter::field(std::uint64_t n) {
  return field(std::string_view(std::to_string(n)));
}

EnvelopeWriter& EnvelopeWriter::payload(std::string_view bytes) {
  if (!in_payload_) bytes_ += '\n';
  in_payload_ = true;
  bytes_ += bytes;
  return *this;
}

reactor::MessageRef EnvelopeWriter::finish() {
  return reactor::MessageRef(reactor::Message::create(bytes_));
}

}  // namespace chatd::cluster
