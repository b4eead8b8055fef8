// The listener scheme grammar, and which parts of it this chatd serves.
#include "daemon/listen_spec.h"

#include <fmt/format.h>

#include <stdexcept>

namespace chatd {
namespace {

constexpr std::string_view kGrammar =
    "PROTO[+tls][+proxy] with PROTO one of plain, irc, web, metrics";

[[noreturn]] void bad_scheme(std::string_view text, std::string_view why) {
  throw std::invalid_argument(
      fmt::format("invalid listener scheme '{}': {} ({})", text, why, kGrammar));
}

struct Named {
  std::string_view name;
  FrontEnd front_end;
};
constexpr Named kFrontEnds[] = {
    {"plain", FrontEnd::kPlain},
    {"irc", FrontEnd::kIrc},
    {"web", FrontEnd::kWeb},
    {"metrics", FrontEnd::kMetrics},
};

}  // namespace

std::string_view to_string(FrontEnd f) {
  for (const Named& n : kFrontEnds) {
    if (n.front_end == f) return n.name;
  }
  return "plain";
}

std::string Scheme::to_string() const {
  std::string s(chatd::to_string(front_end));
  if (tls) s += "+tls";
  if (proxy) s += "+proxy";
  return s;
}

std::string ListenSpec::to_string() const {
  return fmt::format("{}://{}", scheme.to_string(), at.to_string());
}

Scheme parse_scheme(std::string_view text) {
  Scheme s;
  const std::string_view proto = text.substr(0, text.find('+'));
  const Named* named = nullptr;
  for (const Named& n : kFrontEnds) {
    if (n.name == proto) named = &n;
  }
  if (named == nullptr) bad_scheme(text, fmt::format("unknown protocol '{}'", proto));
  s.front_end = named->front_end;
  std::string_view rest = text.substr(proto.size());
  if (rest.starts_with("+tls")) {
    s.tls = true;
    rest.remove_prefix(4);
  }
  if (rest.starts_with("+proxy")) {
    s.proxy = true;
    rest.remove_prefix(6);
  }
  if (!rest.empty()) bad_scheme(text, fmt::format("unexpected '{}'", rest));
  return s;
}

ListenSpec parse_listen_spec(std::string_view text) {
  ListenSpec spec;
  std::string_view address = text;
  if (const auto sep = text.find("://"); sep != std::string_view::npos) {
    spec.scheme = parse_scheme(text.substr(0, sep));
    address = text.substr(sep + 3);
  }
  spec.at = reactor::parse_endpoint(address);
  return spec;
}

}  // namespace chatd
