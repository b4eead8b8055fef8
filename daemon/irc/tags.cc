// Tag escaping (IRCv3 message-tags, "Escaping values") and client tag filtering.
#include "daemon/irc/tags.h"

#include <vector>

#include "daemon/chat/sanitize.h"

namespace chatd::irc {
namespace {

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

bool is_vendor_char(char c) {
  return is_key_char(c) || c == '.';
}

// "+name" or "+vendor.example/name".
bool is_client_tag_name(std::string_view key) {
  if (key.size() < 2 || key.front() != '+') return false;
  key.remove_prefix(1);
  if (const std::size_t slash = key.find('/'); slash != std::string_view::npos) {
    const std::string_view vendor = key.substr(0, slash);
    if (vendor.empty()) return false;
    for (char c : vendor) {
      if (!is_vendor_char(c)) return false;
    }
    key.remove_prefix(slash + 1);
  }
  if (key.empty()) return false;
  for (char c : key) {
    if (!is_key_char(c)) return false;
  }
  return true;
}

struct Tag {
  std::string_view key;
  std::string value;  // unescaped
};

}  // namespace

std::string unescape_tag_value(std::string_view escaped) {
  std::string out;
  out.reserve(escaped.size());
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] != '\\') {
      out += escaped[i];
      continue;
    }
    if (++i == escaped.size()) break;
    switch (escaped[i]) {
      case ':':
        out += ';';
        break;
      case 's':
        out += ' ';
        break;
      case 'r':
        out += '\r';
        break;
      case 'n':
        out += '\n';
        break;
      default:
        out += escaped[i];
    }
  }
  return out;
}

std::string escape_tag_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case ';':
        out += "\\:";
        break;
      case ' ':
        out += "\\s";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::size_t client_tag_bytes(std::string_view tags) {
  std::size_t bytes = 0;
  while (!tags.empty()) {
    const std::size_t semi = tags.find(';');
    const std::string_view tag = tags.substr(0, semi);
    tags = semi == std::string_view::npos ? std::string_view() : tags.substr(semi + 1);
    if (tag.starts_with('+')) bytes += tag.size() + (bytes == 0 ? 0 : 1);
  }
  return bytes;
}

std::string client_only_tags(std::string_view tags) {
  std::vector<Tag> kept;
  while (!tags.empty()) {
    const std::size_t semi = tags.find(';');
    const std::string_view tag = tags.substr(0, semi);
    tags = semi == std::string_view::npos ? std::string_view() : tags.substr(semi + 1);
    const std::size_t eq = tag.find('=');
    const std::string_view key = tag.substr(0, eq);
    if (!is_client_tag_name(key)) continue;
    std::string value =
        eq == std::string_view::npos ? std::string() : unescape_tag_value(tag.substr(eq + 1));
    if (!is_clean_text(value) || value.find('\t') != std::string::npos) continue;
    std::erase_if(kept, [&](const Tag& t) { return t.key == key; });
    kept.push_back({key, std::move(value)});
  }
  std::string out;
  for (const Tag& t : kept) {
    if (!out.empty()) out += ';';
    out += t.key;
    if (!t.value.empty()) out.append("=").append(escape_tag_value(t.value));
  }
  return out;
}

}  // namespace chatd::irc
