// What the fuzz target checks on every input as the lines of HTTP requests:
// HttpRequestParser's contract, whatever the lines.
#pragma once

#include <string_view>

namespace chatd::fuzz {

void check_http_requests(std::string_view bytes);

}  // namespace chatd::fuzz
