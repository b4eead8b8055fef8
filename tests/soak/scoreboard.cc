// Scoreboard (see scoreboard.h).
#include "tests/soak/scoreboard.h"

#include <algorithm>

namespace soak {
namespace {
constexpr std::size_t kWhyKept = 5;
}  // namespace

void Scoreboard::declare(std::string name, std::string rule) {
  KindTally k;
  k.name = std::move(name);
  k.rule = std::move(rule);
  kinds_.push_back(std::move(k));
}

KindTally& Scoreboard::kind(std::string_view name) {
  auto it = std::find_if(kinds_.begin(), kinds_.end(),
                         [&](const KindTally& k) { return k.name == name; });
  if (it != kinds_.end()) return *it;
  declare(std::string(name), "?");
  return kinds_.back();
}

void Scoreboard::refused(std::string_view k, std::string_view line) {
  ++kind(k).refused;
  ++refusals_[std::string(line)];
}

void Scoreboard::fail(std::string_view k, std::string why) {
  KindTally& t = kind(k);
  ++t.failed;
  if (t.why.size() < kWhyKept) t.why.push_back(std::move(why));
}

void Scoreboard::check(std::string name, bool ok, std::string detail) {
  checks_.push_back({std::move(name), ok, std::move(detail)});
}

bool Scoreboard::passed() const {
  const bool kinds_ok =
      std::all_of(kinds_.begin(), kinds_.end(), [](const KindTally& k) { return k.failed == 0; });
  const bool checks_ok =
      std::all_of(checks_.begin(), checks_.end(), [](const Check& c) { return c.ok; });
  return kinds_ok && checks_ok;
}

}  // namespace soak
