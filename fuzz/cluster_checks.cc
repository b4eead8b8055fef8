// Redis reply and envelope invariants. However the stream is split into reads
// the reader gives the same replies; a broken stream stays broken; a parsed
// envelope's views lie inside the input; escaped text has no separators and
// unescapes to itself.
#include "fuzz/cluster_checks.h"

#include <string>
#include <vector>

#include "daemon/cluster/envelope.h"
#include "fuzz/line_checks.h"
#include "reactor/redis/resp_reader.h"

namespace chatd::fuzz {
namespace {

// A flat picture of a reply, to compare two parses.
void describe(const reactor::RespValue& v, std::string& out, int depth) {
  FUZZ_CHECK(depth < 16);
  out += static_cast<char>('0' + static_cast<int>(v.type));
  out += std::to_string(v.str.size()) + ':' + v.str + std::to_string(v.integer);
  out += '[' + std::to_string(v.elements.size());
  for (const auto& e : v.elements)
    describe(e, out, depth + 1);
  out += ']';
}

std::vector<std::string> replies(std::string_view bytes, std::size_t read, bool& broken) {
  reactor::RespReader r;
  std::vector<std::string> out;
  broken = false;
  for (std::size_t i = 0; i < bytes.size() && !broken; i += read) {
    if (!r.feed(bytes.data() + i, std::min(read, bytes.size() - i))) broken = true;
    while (!broken) {
      auto v = r.next();
      if (!v) break;
      out.emplace_back();
      describe(*v, out.back(), 0);
    }
    if (!r.error().empty()) broken = true;
  }
  if (broken) FUZZ_CHECK(!r.error().empty() && !r.feed("+OK\r\n", 5));
  return out;
}

bool inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

}  // namespace

void check_redis_replies(std::string_view bytes, std::size_t max_read) {
  bool broken_whole = false;
  bool broken_split = false;
  const auto whole = replies(bytes, bytes.size() + 1, broken_whole);
  const auto split = replies(bytes, 1 + max_read % 64, broken_split);
  FUZZ_CHECK(broken_whole == broken_split);
  if (!broken_whole) FUZZ_CHECK(whole == split);
}

void check_envelope(std::string_view bytes) {
  if (const auto e = cluster::parse_envelope(bytes)) {
    FUZZ_CHECK(!e->origin.empty() && !e->kind.empty() && inside(e->origin, bytes));
    FUZZ_CHECK(e->field_count <= cluster::Envelope::kMaxFields && inside(e->payload, bytes));
    for (std::size_t i = 0; i < e->field_count; ++i) {
      FUZZ_CHECK(inside(e->fields[i], bytes) && e->fields[i].find('\n') == std::string_view::npos);
    }
    FUZZ_CHECK(e->field(e->field_count).empty());
  }
  const std::string escaped = cluster::escape_text(bytes);
  FUZZ_CHECK(escaped.find_first_of(" \t\r\n") == std::string::npos);
  FUZZ_CHECK(cluster::unescape_text(escaped) == bytes);
  cluster::unescape_text(bytes);
}

}  // namespace chatd::fuzz
