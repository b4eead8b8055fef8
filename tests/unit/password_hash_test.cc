// Specs for operator password hashes: scrypt with a random salt, encoded with its costs;
// verification in constant time; malformed and over-costly hashes refused.
#include "reactor/password_hash.h"

#include <gtest/gtest.h>

#include <string>

namespace chatd::reactor {
namespace {

TEST(PasswordHash, RoundTripsAndRefusesOtherPasswords) {
  const std::string h = hash_password("s3cret");
  EXPECT_TRUE(is_password_hash(h));
  EXPECT_TRUE(verify_password("s3cret", h));
  EXPECT_FALSE(verify_password("s3cret ", h));
  EXPECT_FALSE(verify_password("", h));
}

TEST(PasswordHash, EachHashHasItsOwnSalt) {
  EXPECT_NE(hash_password("same"), hash_password("same"));
}

// RFC 7914 section 12's second test vector: scrypt("password", "NaCl", N=1024, r=8, p=16),
// its first 32 bytes; the salt "NaCl" is "TmFDbA==" in base64.
TEST(PasswordHash, VerifiesTheRfcTestVector) {
  const std::string rfc =
      "$scrypt$ln=10,r=8,p=16$TmFDbA==$/bq+HJ00cgB4VucZDQHp/nxq18vII3gw53N2Y0s3MWI=";
  EXPECT_TRUE(verify_password("password", rfc));
  EXPECT_FALSE(verify_password("Password", rfc));
}

TEST(PasswordHash, RefusesMalformedAndOverCostlyHashes) {
  for (const char* bad :
       {"", "plain text", "$scrypt$", "$scrypt$ln=14,r=8$c2FsdA==$aGFzaA==",
        "$scrypt$ln=14,r=8,p=1$not base64!$aGFzaA==", "$scrypt$ln=14,r=8,p=1$c2FsdA==",
        "$scrypt$ln=30,r=8,p=1$c2FsdA==$aGFzaA==",  // 128 GiB of memory
        "$bcrypt$ln=14,r=8,p=1$c2FsdA==$aGFzaA=="}) {
    EXPECT_FALSE(is_password_hash(bad)) << bad;
    EXPECT_FALSE(verify_password("x", bad)) << bad;
  }
}

}  // namespace
}  // namespace chatd::reactor
