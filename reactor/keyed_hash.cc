// HMAC and random bytes through libcrypto, so no hashing is written by hand.
#include "reactor/keyed_hash.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace chatd::reactor {

Digest keyed_digest(std::string_view key, std::string_view data) {
  Digest out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len);
  return out;
}

std::string random_key(std::size_t bytes) {
  std::string key(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(bytes)) != 1) {
    throw std::runtime_error("cannot read random bytes for a key (RAND_bytes failed)");
  }
  return key;
}

}  // namespace chatd::reactor
