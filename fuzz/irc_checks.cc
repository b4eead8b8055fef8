// Per-line IRC invariants for the fuzz target; see irc_checks.h.
#include "fuzz/irc_checks.h"

#include <algorithm>
#include <string>
#include <vector>

#include "daemon/chat/mask.h"
#include "daemon/chat/mode_change.h"
#include "daemon/chat/sanitize.h"
#include "daemon/irc/irc_message.h"
#include "daemon/irc/irc_text.h"
#include "daemon/irc/tags.h"
#include "fuzz/line_checks.h"

namespace chatd::fuzz {
namespace {

using irc::IrcMessage;
using irc::ParseResult;

bool inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

// A glob matcher as the textbook table: can[i][j] says mask[i..] matches text[j..].
// Quadratic, unlike a plain recursion, which many '*' would make exponential.
bool model_match(std::string_view m, std::string_view t) {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  std::vector<std::vector<char>> can(m.size() + 1, std::vector<char>(t.size() + 1, 0));
  can[m.size()][t.size()] = 1;
  for (std::size_t i = m.size(); i-- > 0;) {
    for (std::size_t j = t.size() + 1; j-- > 0;) {
      if (m[i] == '*') {
        can[i][j] = can[i + 1][j] || (j < t.size() && can[i][j + 1]);
      } else {
        can[i][j] =
            j < t.size() && (m[i] == '?' || lower(m[i]) == lower(t[j])) && can[i + 1][j + 1];
      }
    }
  }
  return can[0][0] != 0;
}

void check_parse(std::string_view line, const IrcMessage& m) {
  FUZZ_CHECK(!m.command.empty() && m.command.find(' ') == m.command.npos);
  FUZZ_CHECK(inside(m.tags, line) && inside(m.source, line) && inside(m.command, line));
  FUZZ_CHECK(m.param_count <= irc::kMaxParams);
  for (std::size_t i = 0; i < m.param_count; ++i) {
    FUZZ_CHECK(inside(m.params[i], line));
    const bool last = i + 1 == m.param_count;
    if (!last) FUZZ_CHECK(m.params[i].find(' ') == std::string_view::npos && !m.params[i].empty());
    if (!last) FUZZ_CHECK(!m.params[i].starts_with(':'));
  }
  FUZZ_CHECK(m.arg(m.param_count).empty() && m.arg(1000).empty());
}

void check_tags(std::string_view tags) {
  const std::string kept = irc::client_only_tags(tags);
  FUZZ_CHECK(irc::client_only_tags(kept) == kept);  // the output is its own canonical form
  FUZZ_CHECK(irc::client_tag_bytes(kept) == kept.size());
  FUZZ_CHECK(kept.find(' ') == kept.npos && is_clean_text(kept));
  if (!kept.empty()) FUZZ_CHECK(kept.front() == '+');
  const std::string value = irc::unescape_tag_value(tags);
  const std::string escaped = irc::escape_tag_value(value);
  FUZZ_CHECK(escaped.find_first_of(" ;\r\n") == escaped.npos);
  FUZZ_CHECK(irc::unescape_tag_value(escaped) == value);
}

void check_split(std::string_view text) {
  for (std::size_t max : {std::size_t{4}, std::size_t{7}, std::size_t{64}, std::size_t{400}}) {
    const std::vector<std::string_view> pieces = irc::split_text(text, max);
    std::string joined;
    for (std::string_view p : pieces) {
      FUZZ_CHECK(p.size() <= max && (!p.empty() || pieces.size() == 1));
      if (is_clean_text(text)) FUZZ_CHECK(is_clean_text(p));  // never cut inside UTF-8
      joined.append(p);
    }
    FUZZ_CHECK(joined == text);
  }
}

void check_modes(const IrcMessage& m) {
  if (m.param_count == 0) return;
  const auto args = m.args().subspan(1);
  const std::vector<ModeChange> changes = parse_mode_changes(m.arg(0), args);
  std::size_t used = 0;
  for (const ModeChange& c : changes) {
    if (!mode_takes_arg(c.letter, c.add)) {
      FUZZ_CHECK(c.arg.empty());
      continue;
    }
    ++used;
    FUZZ_CHECK(c.arg == (used <= args.size() ? args[used - 1] : std::string_view()));
  }
  FUZZ_CHECK(used <= kMaxModeArgs);
}

void check_mask(std::string_view word) {
  const std::string mask = normalize_mask(word);
  if (mask.empty()) return;
  FUZZ_CHECK(std::count(mask.begin(), mask.end(), '!') == 1);
  FUZZ_CHECK(std::count(mask.begin(), mask.end(), '@') == 1);
  FUZZ_CHECK(mask.find('!') < mask.find('@'));
  FUZZ_CHECK(normalize_mask(mask) == mask);
  FUZZ_CHECK(mask_matches(mask, mask));
  if (word.size() <= 24) FUZZ_CHECK(mask_matches(word, mask) == model_match(word, mask));
}

}  // namespace

void check_irc_line(std::string_view line) {
  IrcMessage m;
  const ParseResult r = irc::parse_message(line, m);
  if (r == ParseResult::kTooLong) return;
  if (!m.tags.empty()) check_tags(m.tags);
  if (r == ParseResult::kEmpty) return;
  check_parse(line, m);
  check_modes(m);
  for (std::size_t i = 0; i < m.param_count; ++i)
    check_mask(m.params[i].substr(0, 40));
  if (m.param_count > 0) {
    std::string scratch;
    check_split(sanitize_text(m.params[m.param_count - 1], scratch, Controls::kKeepIrcFormatting));
  }
}

}  // namespace chatd::fuzz
