// Server operators in the integration tests: the [[oper]] table of "ada", a
// plain user connecting from a chosen loopback address, and ada's login.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tests/support/line_client.h"

namespace chatd::test {

// "[[oper]]" for ada with the scrypt hash of `password`, as a config file holds it.
std::string oper_table(std::string_view password);
// connect_as() from `address` (127.0.0.2, say), for bans by address.
LineClient connect_from(std::uint16_t port, const char* address, std::string_view nick);
// /oper ada PASSWORD, and the confirmation (a gtest failure if it does not come).
void become_oper(LineClient& c, std::string_view password);

}  // namespace chatd::test
