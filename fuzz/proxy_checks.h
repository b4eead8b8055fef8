// What the fuzz target checks on the start of every input as a PROXY header:
// parse_proxy_header's contract, whatever the bytes.
#pragma once

#include <string_view>

namespace chatd::fuzz {

void check_proxy_header(std::string_view bytes);

}  // namespace chatd::fuzz
