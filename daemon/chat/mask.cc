// Glob matching and ban-mask normal forms.
#include "daemon/chat/mask.h"

#include <algorithm>

#include "daemon/chat/user.h"

namespace chatd {
namespace {

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Printable ASCII: nicks, idents and hosts are, and a mask is shown to others.
bool is_mask_byte(char c) {
  const auto b = static_cast<unsigned char>(c);
  return b > 0x20 && b < 0x7F && c != ',';
}

}  // namespace

bool mask_matches(std::string_view mask, std::string_view text) {
  std::size_t m = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;  // mask index after the last '*'
  std::size_t star_text = 0;                  // where that '*' started matching
  while (t < text.size()) {
    if (m < mask.size() && mask[m] == '*') {
      star = ++m;
      star_text = t;
    } else if (m < mask.size() && (mask[m] == '?' || lower(mask[m]) == lower(text[t]))) {
      ++m;
      ++t;
    } else if (star != std::string_view::npos) {
      m = star;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (m < mask.size() && mask[m] == '*')
    ++m;
  return m == mask.size();
}

std::string normalize_mask(std::string_view mask) {
  if (mask.empty() || mask.size() > kMaxMaskLength || mask.front() == ':') return {};
  if (!std::all_of(mask.begin(), mask.end(), is_mask_byte)) return {};
  if (std::count(mask.begin(), mask.end(), '!') > 1 ||
      std::count(mask.begin(), mask.end(), '@') > 1)
    return {};
  const std::size_t bang = mask.find('!');
  const std::size_t at = mask.find('@');
  if (bang != std::string_view::npos && at != std::string_view::npos && at < bang) return {};
  std::string_view nick = mask;
  std::string_view user = "*";
  std::string_view host = "*";
  if (at != std::string_view::npos) {
    host = mask.substr(at + 1);
    nick = mask.substr(0, at);
  }
  if (bang != std::string_view::npos) {
    user = nick.substr(bang + 1);
    nick = nick.substr(0, bang);
  } else if (at != std::string_view::npos) {
    user = nick;  // "user@host"
    nick = "*";
  }
  auto part = [](std::string_view p) { return p.empty() ? std::string_view("*") : p; };
  std::string full;
  full.reserve(mask.size() + 4);
  full.append(part(nick)).append("!").append(part(user)).append("@").append(part(host));
  return full;
}

std::string full_mask(const User& u) {
  std::string mask;
  mask.reserve(u.nick().size() + u.ident().size() + u.host().size() + 2);
  mask.append(u.nick()).append("!").append(u.ident()).append("@").append(u.host());
  return mask;
}

}  // namespace chatd
