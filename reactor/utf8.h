// Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates, nothing
// above U+10FFFF. For protocols that must refuse invalid text rather than repair it.
#pragma once

#include <string_view>

namespace chatd::reactor {

bool is_valid_utf8(std::string_view text);

}  // namespace chatd::reactor
