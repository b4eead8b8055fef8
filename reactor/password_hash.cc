// scrypt through EVP_PBE_scrypt, base64 through EVP_EncodeBlock/DecodeBlock.
#include "reactor/password_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <vector>

namespace chatd::reactor {
namespace {

constexpr int kLogN = 14;
constexpr int kR = 8;
constexpr int kP = 1;
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
// The most memory one verification may take: 128 * N * r * p bytes and some;
// a hash that asks for more is refused rather than let it exhaust memory.
constexpr std::uint64_t kMaxMemory = std::uint64_t{256} << 20;

struct Parsed {
  int log_n = 0, r = 0, p = 0;
  std::vector<unsigned char> salt, hash;
};

std::string base64(const unsigned char* data, std::size_t n) {
  std::string out(4 * ((n + 2) / 3), '\0');
  const int len =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<std::size_t>(len));
  return out;
}

std::optional<std::vector<unsigned char>> unbase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::vector<unsigned char> out(3 * text.size() / 4);
  const int len = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                  static_cast<int>(text.size()));
  if (len < 0) return std::nullopt;
  // DecodeBlock counts padding as zero bytes; take them off.
  std::size_t n = static_cast<std::size_t>(len);
  for (std::size_t i = text.size(); i > 0 && text[i - 1] == '='; --i)
    --n;
  out.resize(n);
  return out;
}

bool parse_param(std::string_view& s, std::string_view name, int& value) {
  if (!s.starts_with(name)) return false;
  s.remove_prefix(name.size());
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc()) return false;
  s.remove_prefix(static_cast<std::size_t>(end - s.data()));
  return true;
}

std::optional<Parsed> parse(std::string_view e) {
  constexpr std::string_view kPrefix = "$scrypt$";
  if (!e.starts_with(kPrefix)) return std::nullopt;
  e.remove_prefix(kPrefix.size());
  Parsed p;
  if (!parse_param(e, "ln=", p.log_n) || !parse_param(e, ",r=", p.r) ||
      !parse_param(e, ",p=", p.p) || !e.starts_with('$')) {
    return std::nullopt;
  }
  e.remove_prefix(1);
  const std::size_t dollar = e.find('$');
  if (dollar == std::string_view::npos) return std::nullopt;
  auto salt = unbase64(e.substr(0, dollar));
  auto hash = unbase64(e.substr(dollar + 1));
  if (!salt || !hash || hash->empty() || p.log_n < 1 || p.log_n > 24 || p.r < 1 || p.p < 1 ||
      128ull * (1ull << p.log_n) * static_cast<std::uint64_t>(p.r) *
              static_cast<std::uint64_t>(p.p) >
          kMaxMemory / 2) {
    return std::nullopt;
  }
  p.salt = std::move(*salt);
  p.hash = std::move(*hash);
  return p;
}

bool scrypt(std::string_view password, const Parsed& params, unsigned char* out, std::size_t n) {
  return EVP_PBE_scrypt(password.data(), password.size(), params.salt.data(), params.salt.size(),
                        std::uint64_t{1} << params.log_n, static_cast<std::uint64_t>(params.r),
                        static_cast<std::uint64_t>(params.p), kMaxMemory, out, n) == 1;
}

}  // namespace

std::string hash_password(std::string_view password) {
  Parsed p;
  p.log_n = kLogN;
  p.r = kR;
  p.p = kP;
  p.salt.resize(kSaltBytes);
  if (RAND_bytes(p.salt.data(), static_cast<int>(p.salt.size())) != 1) {
    throw std::runtime_error("no random bytes for a salt");
  }
  unsigned char hash[kHashBytes];
  if (!scrypt(password, p, hash, sizeof hash)) throw std::runtime_error("scrypt failed");
  return "$scrypt$ln=" + std::to_string(kLogN) + ",r=" + std::to_string(kR) +
         ",p=" + std::to_string(kP) + "$" + base64(p.salt.data(), p.salt.size()) + "$" +
         base64(hash, sizeof hash);
}

bool is_password_hash(std::string_view encoded) {
  return parse(encoded).has_value();
}

bool verify_password(std::string_view password, std::string_view encoded) {
  const std::optional<Parsed> p = parse(encoded);
  if (!p) return false;
  std::vector<unsigned char> hash(p->hash.size());
  if (!scrypt(password, *p, hash.data(), hash.size())) return false;
  return CRYPTO_memcmp(hash.data(), p->hash.data(), hash.size()) == 0;
}

}  // namespace chatd::reactor
