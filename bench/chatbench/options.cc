// CommonOptions' targets: as text for the reports, as addresses for the workers.
#include "bench/chatbench/options.h"

#include <stdexcept>

namespace chatd::bench {

std::string CommonOptions::targets_text() const {
  std::string text;
  for (const std::string& t : targets)
    text += (text.empty() ? "" : ", ") + t;
  return text;
}

std::vector<sockaddr_storage> target_addresses(const CommonOptions& c) {
  if (c.targets.empty()) throw std::invalid_argument("no --target");
  if (c.proto == Proto::kMix) {
    if (c.targets.size() > 1) {
      throw std::invalid_argument("--proto mix takes one --target (and its --irc-target)");
    }
    return {target_address(c.targets.front()), target_address(c.irc_target)};
  }
  std::vector<sockaddr_storage> out;
  for (const std::string& t : c.targets)
    out.push_back(target_address(t));
  return out;
}

}  // namespace chatd::bench
