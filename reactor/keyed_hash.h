// Keyed digests and random keys from OpenSSL's libcrypto: values that stay the
// same for one secret key and cannot be worked back or guessed without it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace chatd::reactor {

using Digest = std::array<std::uint8_t, 32>;

// HMAC-SHA-256 of `data` under `key`.
Digest keyed_digest(std::string_view key, std::string_view data);

// `bytes` bytes from the system's cryptographic random source. Throws
// std::runtime_error if it fails (it never does on a working Linux).
std::string random_key(std::size_t bytes);

}  // namespace chatd::reactor
