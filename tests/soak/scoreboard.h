// What the soak found: per client kind, how many were started and how each one ended (handled
// by the rule meant for it, refused at admission, unresolved when the run ended, failed, with
// why), plus the run-wide checks. Any failure makes the soak's exit status non-zero.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace soak {

struct KindTally {
  std::string name;
  std::string rule;  // what chatd must do with this kind, in a few words
  std::uint64_t started = 0;
  std::uint64_t handled = 0;
  std::uint64_t refused = 0;
  std::uint64_t unresolved = 0;
  std::uint64_t failed = 0;
  std::vector<std::string> why;  // the first few failures
};

struct Check {
  std::string name;
  bool ok = false;
  std::string detail;
};

class Scoreboard {
 public:
  // Kinds are reported in the order they are declared.
  void declare(std::string name, std::string rule);
  KindTally& kind(std::string_view name);

  void started(std::string_view k) { ++kind(k).started; }
  void handled(std::string_view k) { ++kind(k).handled; }
  void unresolved(std::string_view k) { ++kind(k).unresolved; }
  // Admission refused it with `line` (server full, too many from one address, ...).
  void refused(std::string_view k, std::string_view line);
  void fail(std::string_view k, std::string why);
  void check(std::string name, bool ok, std::string detail);

  bool passed() const;
  const std::vector<KindTally>& kinds() const { return kinds_; }
  const std::vector<Check>& checks() const { return checks_; }
  const std::map<std::string, std::uint64_t>& refusals() const { return refusals_; }

 private:
  std::vector<KindTally> kinds_;
  std::vector<Check> checks_;
  std::map<std::string, std::uint64_t> refusals_;
};

}  // namespace soak
