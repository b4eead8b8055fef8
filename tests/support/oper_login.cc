// Operator helpers for the integration tests.
#include "tests/support/oper_login.h"

#include <gtest/gtest.h>

#include "reactor/password_hash.h"

namespace chatd::test {

std::string oper_table(std::string_view password) {
  return "[[oper]]\nname = \"ada\"\npassword_hash = \"" + reactor::hash_password(password) + "\"\n";
}

LineClient connect_from(std::uint16_t port, const char* address, std::string_view nick) {
  ClientOptions o;
  o.source = address;
  return connect_as(port, nick, default_deadline(), o);
}

void become_oper(LineClient& c, std::string_view password) {
  ASSERT_TRUE(c.send_line("/oper ada " + std::string(password)));
  ASSERT_TRUE(c.expect_line(equals("*** you are now a server operator"))) << c.diagnostics();
}

}  // namespace chatd::test
