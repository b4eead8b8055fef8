// X-Forwarded-For's last entry as a peer address.
#include "daemon/web/forwarded_for.h"

#include <stdexcept>
#include <string_view>

namespace chatd {

std::optional<reactor::PeerAddress> forwarded_client(const reactor::HttpRequest& request) {
  std::string_view last;
  for (const auto& [name, value] : request.fields) {
    if (name == "x-forwarded-for") last = value;
  }
  if (const auto comma = last.rfind(','); comma != std::string_view::npos) {
    last.remove_prefix(comma + 1);
  }
  last = reactor::trim_whitespace(last);
  if (last.empty() || last.find('/') != std::string_view::npos) return std::nullopt;
  try {
    const reactor::Cidr one = reactor::parse_cidr(last);
    return reactor::PeerAddress::from_bytes(one.bytes.data(), one.family == 4 ? 4 : 16, 0);
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
}

}  // namespace chatd
