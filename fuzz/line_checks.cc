// Per-line invariants for the fuzz target; see line_checks.h. The models here are
// written from the headers' contracts, shaped differently from the code they check.
#include "fuzz/line_checks.h"

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "daemon/chat/names.h"
#include "daemon/chat/sanitize.h"
#include "daemon/plain/command_parser.h"

namespace chatd::fuzz {

void fail(const char* what, const char* file, int line) {
  std::fprintf(stderr, "FUZZ_CHECK failed: %s at %s:%d\n", what, file, line);
  std::abort();
}

namespace {

constexpr char32_t kDecodeError = 0xFFFFFFFF;

// The WHATWG Encoding Standard's UTF-8 decoder (a byte-at-a-time state machine):
// one kDecodeError per maximal subpart of an ill-formed sequence, which is also
// what sanitize.h promises. It doubles as this file's UTF-8 validator.
class Utf8Decoder {
 public:
  // False when `b` was not consumed: it broke the sequence and starts the next one.
  template <class Emit>
  bool push(unsigned char b, Emit& emit) {
    if (needed_ == 0) {
      start(b, emit);
      return true;
    }
    const bool fits = b >= lower_ && b <= upper_;
    lower_ = 0x80;
    upper_ = 0xBF;
    if (!fits) {
      needed_ = seen_ = 0;
      emit(kDecodeError);
      return false;
    }
    cp_ = (cp_ << 6) | (b & 0x3Fu);
    if (++seen_ == needed_) {
      emit(cp_);
      needed_ = seen_ = 0;
    }
    return true;
  }

  template <class Emit>
  void finish(Emit& emit) {
    if (needed_ != 0) emit(kDecodeError);
  }

 private:
  template <class Emit>
  void start(unsigned char b, Emit& emit) {
    if (b <= 0x7F) {
      emit(b);
    } else if (b >= 0xC2 && b <= 0xDF) {
      needed_ = 1;
      cp_ = b & 0x1Fu;
    } else if (b >= 0xE0 && b <= 0xEF) {
      if (b == 0xE0) lower_ = 0xA0;
      if (b == 0xED) upper_ = 0x9F;
      needed_ = 2;
      cp_ = b & 0x0Fu;
    } else if (b >= 0xF0 && b <= 0xF4) {
      if (b == 0xF0) lower_ = 0x90;
      if (b == 0xF4) upper_ = 0x8F;
      needed_ = 3;
      cp_ = b & 0x07u;
    } else {
      emit(kDecodeError);
    }
  }

  char32_t cp_ = 0;
  int needed_ = 0;
  int seen_ = 0;
  unsigned lower_ = 0x80;
  unsigned upper_ = 0xBF;
};

// Calls emit(code point) for each unit of `s`, in order; kDecodeError for an error.
template <class Emit>
void decode_utf8(std::string_view s, Emit emit) {
  Utf8Decoder decoder;
  std::size_t i = 0;
  while (i < s.size()) {
    if (decoder.push(static_cast<unsigned char>(s[i]), emit)) ++i;
  }
  decoder.finish(emit);
}

void encode_utf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// C0 except TAB, DEL, C1, and the bidi embeddings, overrides and isolates.
bool is_banned(char32_t cp) {
  return (cp < 0x20 && cp != '\t') || (cp >= 0x7F && cp <= 0x9F) ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

// Valid UTF-8 with no banned code point: what may reach another user's terminal.
bool is_safe_text(std::string_view s) {
  bool safe = true;
  decode_utf8(s, [&](char32_t cp) { safe = safe && cp != kDecodeError && !is_banned(cp); });
  return safe;
}

// sanitize_text as sanitize.h describes it: decode, drop banned, U+FFFD for errors.
std::string model_sanitize(std::string_view in) {
  std::string out;
  decode_utf8(in, [&](char32_t cp) {
    if (cp == kDecodeError) {
      encode_utf8(0xFFFD, out);
    } else if (!is_banned(cp)) {
      encode_utf8(cp, out);
    }
  });
  return out;
}

void check_sanitize(std::string_view in) {
  std::string scratch;
  const std::string_view out = sanitize_text(in, scratch);
  FUZZ_CHECK(out == model_sanitize(in));
  FUZZ_CHECK(is_safe_text(out));
  FUZZ_CHECK(out.size() <= 3 * in.size());
  const bool clean = is_safe_text(in);
  FUZZ_CHECK(is_clean_text(in) == clean);
  if (clean) {
    FUZZ_CHECK(out.data() == in.data() && out.size() == in.size());
  } else {
    FUZZ_CHECK(out.data() == scratch.data());
  }
  std::string again_scratch;
  const std::string_view again = sanitize_text(out, again_scratch);
  FUZZ_CHECK(again.data() == out.data() && again.size() == out.size());
}

bool is_letter_or_digit(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// names.h, read literally.
bool model_nick(std::string_view s) {
  if (s.empty() || s.size() > 30 || (s[0] >= '0' && s[0] <= '9') || s[0] == '-') return false;
  for (char c : s) {
    if (!is_letter_or_digit(c) && std::string_view("-_[]{}\\|^`").find(c) == s.npos) return false;
  }
  return true;
}

bool model_room(std::string_view s) {
  if (s.starts_with('#')) s.remove_prefix(1);
  if (s.empty() || s.size() > 50) return false;
  for (char c : s) {
    if (!is_letter_or_digit(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

void check_fold(std::string_view s) {
  const std::string folded = fold_case(s);
  FUZZ_CHECK(folded.size() == s.size());
  FUZZ_CHECK(fold_case(folded) == folded);
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool upper = s[i] >= 'A' && s[i] <= 'Z';
    FUZZ_CHECK(folded[i] == (upper ? static_cast<char>(s[i] + ('a' - 'A')) : s[i]));
  }
}

void check_names(std::string_view s) {
  check_fold(s);
  const bool nick = is_valid_nick(s);
  FUZZ_CHECK(nick == model_nick(s));
  FUZZ_CHECK(is_valid_nick(fold_case(s)) == nick);
  if (nick) FUZZ_CHECK(is_clean_text(s) && s.find_first_of("*# \t") == s.npos);

  const std::optional<std::string> room = normalize_room(s);
  FUZZ_CHECK(room.has_value() == model_room(s));
  if (!room) return;
  const std::string_view bare = s.starts_with('#') ? s.substr(1) : s;
  FUZZ_CHECK(room->starts_with('#') && std::string_view(*room).substr(1) == bare);
  FUZZ_CHECK(normalize_room(*room) == room);  // the output passes its own rule
  const std::string folded = fold_case(*room);
  FUZZ_CHECK(normalize_room(folded) == folded);
  FUZZ_CHECK(is_clean_text(*room));
}

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

bool is_trimmed(std::string_view s) {
  return s.empty() || (!is_blank(s.front()) && !is_blank(s.back()));
}

// `part` lies inside `whole` (an empty view may point anywhere).
bool is_inside(std::string_view part, std::string_view whole) {
  if (part.empty()) return true;
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

void check_args(std::string_view args) {
  FUZZ_CHECK(is_trimmed(args));
  FUZZ_CHECK(trim_blanks(args) == args);
  const auto [word, rest] = split_word(args);
  FUZZ_CHECK(is_inside(word, args) && is_inside(rest, args));
  FUZZ_CHECK(word.find_first_of(" \t") == word.npos && is_trimmed(rest));
  FUZZ_CHECK(args.starts_with(word));
  FUZZ_CHECK(word.empty() == args.empty());
  FUZZ_CHECK(rest.empty() || rest.data() > word.data() + word.size());
  check_sanitize(args);
  check_sanitize(rest);
  check_names(args);  // /nick and /join take all of args
  check_names(word);  // /msg looks up the first word
}

void check_command(std::string_view line, const ParsedLine& p) {
  FUZZ_CHECK(p.kind == ParsedLine::Kind::kCommand && p.text.empty());
  FUZZ_CHECK(is_inside(p.name, line) && is_inside(p.args, line));
  FUZZ_CHECK(line.substr(1).starts_with(p.name));
  FUZZ_CHECK(p.name.find_first_of(" \t") == p.name.npos);
  FUZZ_CHECK(trim_blanks(line.substr(1 + p.name.size())) == p.args);
  const CommandId id = command_id(p.name);
  FUZZ_CHECK(command_id(fold_case(p.name)) == id);
  if (id != CommandId::kUnknown) FUZZ_CHECK(p.name.size() >= 2 && p.name.size() <= 7);
  check_args(p.args);
}

}  // namespace

void check_line(std::string_view line) {
  const std::string_view trimmed = trim_blanks(line);
  FUZZ_CHECK(is_inside(trimmed, line) && is_trimmed(trimmed));
  const ParsedLine p = parse_line(line);
  if (!line.starts_with('/')) {
    FUZZ_CHECK(p.kind == ParsedLine::Kind::kText);
    FUZZ_CHECK(p.text.data() == line.data() && p.text.size() == line.size());
  } else if (line.starts_with("//")) {
    FUZZ_CHECK(p.kind == ParsedLine::Kind::kText && p.text == line.substr(1));
  } else {
    check_command(line, p);
    return;
  }
  check_sanitize(p.text);
  check_names(trimmed);
}

}  // namespace chatd::fuzz
