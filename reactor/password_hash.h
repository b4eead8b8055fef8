// Password hashes: scrypt (RFC 7914) from libcrypto, with
// a random salt, encoded with its parameters as
//   $scrypt$ln=14,r=8,p=1$SALT$HASH        (SALT and HASH in base64)
// so that hashes made with other costs still verify.
#pragma once

#include <string>
#include <string_view>

namespace chatd::reactor {

// A new hash of `password` with a fresh 16-byte salt. Costs ~50 ms of CPU and
// 16 MiB of memory (N = 2^14, r = 8, p = 1), on purpose.
std::string hash_password(std::string_view password);

// Whether `encoded` is a well-formed hash this function understands.
bool is_password_hash(std::string_view encoded);

// Whether `password` matches `encoded` (compared in constant time). False for a
// malformed hash. As slow as hash_password().
bool verify_password(std::string_view password, std::string_view encoded);

}  // namespace chatd::reactor
