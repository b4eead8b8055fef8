// Reference models of the telnet filter and the line framer; see stream_models.h.
#include "fuzz/stream_models.h"

#include "reactor/telnet_filter.h"

namespace chatd::fuzz {
namespace {

constexpr char kIac = '\xFF';
constexpr char kSb = '\xFA';
constexpr char kSe = '\xF0';

bool is_option_verb(char c) {  // WILL, WONT, DO, DONT
  const auto b = static_cast<unsigned char>(c);
  return b >= 251 && b <= 254;
}

// Where a subnegotiation whose body starts at `i` ends (one past its last byte).
// IAC SE ends it; IAC and any other byte is two bytes of it (IAC IAC is an escaped
// 0xFF); past kMaxSubnegotiation bytes that are not such pairs it is junk, and the
// byte that went over the cap is the last one dropped.
std::size_t subnegotiation_end(std::string_view s, std::size_t i) {
  std::size_t body = 0;
  while (i < s.size()) {
    if (s[i] == kIac) {
      if (i + 1 < s.size() && s[i + 1] == kSe) return i + 2;
      i += 2;
      continue;
    }
    ++i;
    if (++body > reactor::TelnetFilter::kMaxSubnegotiation) return i;
  }
  return s.size();
}

}  // namespace

std::string model_telnet(std::string_view s) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] != kIac) {
      out += s[i++];
      continue;
    }
    if (i + 1 >= s.size()) break;  // a lone IAC at the end: held, then nothing
    const char verb = s[i + 1];
    if (verb == kIac) {
      out += kIac;
      i += 2;
    } else if (verb == kSb) {
      i = subnegotiation_end(s, i + 2);
    } else if (is_option_verb(verb)) {
      i += 3;
    } else {
      i += 2;
    }
  }
  return out;
}

FramerModel model_framer(std::string_view stream, std::size_t limit) {
  FramerModel out;
  std::size_t start = 0;
  for (std::size_t lf; (lf = stream.find('\n', start)) != stream.npos; start = lf + 1) {
    std::string_view line = stream.substr(start, lf - start);
    if (line.ends_with('\r')) line.remove_suffix(1);
    out.events.push_back(line.size() > limit ? FramerEvent{true, {}} : FramerEvent{false, line});
  }
  const std::size_t partial = stream.size() - start;
  if (partial > limit + 1) out.events.push_back({true, {}});
  out.partial = partial > 0 && partial <= limit + 1;
  return out;
}

}  // namespace chatd::fuzz
