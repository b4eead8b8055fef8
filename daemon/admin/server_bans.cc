// Server bans: matching, expiry, and the state file.
#include "daemon/admin/server_bans.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace chatd {
namespace {

constexpr char kFileName[] = "bans.toml";
constexpr unsigned kWidestIpv4Ban = 8;
constexpr unsigned kWidestIpv6Ban = 16;

std::string toml_string(const std::string& s) {
  std::ostringstream out;
  out << toml::value<std::string>(s);
  return out.str();
}

bool same_mask(const reactor::Cidr& a, const reactor::Cidr& b) {
  return a.family == b.family && a.prefix == b.prefix && a.bytes == b.bytes;
}

// write(2) until all is written, or an errno.
int write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

[[noreturn]] void broken(const std::string& file, const toml::node& at, std::string_view why) {
  throw std::runtime_error(fmt::format(
      "state file {}:{}: {}; fix it or move it away (chatd does not start with bans it cannot "
      "read)",
      file, at.source().begin.line, why));
}

ServerBan ban_from_toml(const std::string& file, const toml::node& node) {
  const toml::table* t = node.as_table();
  if (t == nullptr) broken(file, node, "expected [[ban]] tables");
  ServerBan b;
  bool have_mask = false, have_set_at = false, have_expiry = false;
  for (auto&& [key, value] : *t) {
    const std::string_view k = key.str();
    if (k == "mask" && value.is_string()) {
      try {
        b.mask = reactor::parse_cidr(value.as_string()->get());
      } catch (const std::invalid_argument& e) {
        broken(file, value, e.what());
      }
      have_mask = true;
    } else if (k == "reason" && value.is_string()) {
      b.reason = value.as_string()->get();
    } else if (k == "set_by" && value.is_string()) {
      b.set_by = value.as_string()->get();
    } else if (k == "set_at" && value.is_integer()) {
      b.set_at = value.as_integer()->get();
      have_set_at = true;
    } else if (k == "expires_at" && value.is_integer() && value.as_integer()->get() >= 0) {
      b.expires_at = value.as_integer()->get();
      have_expiry = true;
    } else {
      broken(file, value,
             fmt::format("'{}' is not one of mask, reason, set_by (strings), set_at, expires_at "
                         "(whole numbers, 0 for never)",
                         k));
    }
  }
  if (!have_mask || !have_set_at || !have_expiry) {
    broken(file, node, "a [[ban]] needs mask, set_at and expires_at");
  }
  return b;
}

}  // namespace

ServerBans::ServerBans(std::string state_dir, std::int64_t now) : state_dir_(std::move(state_dir)) {
  if (!persistent()) return;
  if (::access(state_dir_.c_str(), W_OK | X_OK) != 0) {
    throw std::runtime_error(
        fmt::format("state directory {} (--state-dir) is not a writable "
                    "directory: {}",
                    state_dir_, std::strerror(errno)));
  }
  load(now);
}

std::string ServerBans::file() const {
  return state_dir_ + "/" + kFileName;
}

void ServerBans::load(std::int64_t now) {
  const std::string path = file();
  if (::access(path.c_str(), F_OK) != 0) return;  // no bans yet
  toml::table doc;
  try {
    doc = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw std::runtime_error(fmt::format(
        "state file {}:{}: {}; fix it or move it away (chatd does not start with bans it cannot "
        "read)",
        path, e.source().begin.line, e.description()));
  }
  for (auto&& [key, node] : doc) {
    const toml::array* list = node.as_array();
    if (key.str() != "ban" || list == nullptr) {
      broken(path, node, fmt::format("unknown key '{}'; the file holds [[ban]] tables", key.str()));
    }
    for (const toml::node& item : *list) {
      ServerBan b = ban_from_toml(path, item);
      if (!b.expired(now)) bans_.push_back(std::move(b));
    }
  }
}

// Written to a temporary file, flushed to disk, then renamed over the old one:
// a crash leaves the old file or the new one, never half of either.
void ServerBans::save(std::int64_t now) const {
  if (!persistent()) return;
  std::string text =
      "# chatd's server bans, rewritten by chatd on every change. Edit only while chatd is\n"
      "# stopped: it reads this file at start and refuses to start if it cannot.\n";
  for (const ServerBan& b : bans_) {
    if (b.expired(now)) continue;
    text += fmt::format(
        "\n[[ban]]\nmask = {}\nreason = {}\nset_by = {}\nset_at = {}\nexpires_at = {}\n",
        toml_string(b.mask.to_string()), toml_string(b.reason), toml_string(b.set_by), b.set_at,
        b.expires_at);
  }
  const std::string path = file();
  const std::string temp = path + ".new";
  // A fresh file, never one a link points to: the directory may not be ours alone.
  ::unlink(temp.c_str());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw std::runtime_error(fmt::format("cannot write {}: {}", temp, std::strerror(errno)));
  }
  int err = write_all(fd, text);
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  ::close(fd);
  if (err == 0 && ::rename(temp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(temp.c_str());
    throw std::runtime_error(fmt::format("cannot write {}: {}", path, std::strerror(err)));
  }
  if (const int dir = ::open(state_dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
    ::fsync(dir);  // the rename itself reaches the disk
    ::close(dir);
  }
}

const ServerBan* ServerBans::find_exact(const reactor::Cidr& mask) const {
  for (const ServerBan& b : bans_) {
    if (same_mask(b.mask, mask)) return &b;
  }
  return nullptr;
}

const ServerBan* ServerBans::find(const reactor::PeerAddress& peer, std::int64_t now) const {
  for (const ServerBan& b : bans_) {
    if (!b.expired(now) && peer.in(b.mask)) return &b;
  }
  return nullptr;
}

void ServerBans::add(ServerBan ban, std::int64_t now) {
  std::erase_if(bans_,
                [&](const ServerBan& b) { return same_mask(b.mask, ban.mask) || b.expired(now); });
  bans_.push_back(std::move(ban));
  save(now);
}

bool ServerBans::remove(const reactor::Cidr& mask, std::int64_t now) {
  const std::size_t removed =
      std::erase_if(bans_, [&](const ServerBan& b) { return same_mask(b.mask, mask); });
  if (removed == 0) return false;
  save(now);
  return true;
}

std::vector<ServerBan> ServerBans::in_force(std::int64_t now) const {
  std::vector<ServerBan> out;
  for (const ServerBan& b : bans_) {
    if (!b.expired(now)) out.push_back(b);
  }
  return out;
}

std::int64_t parse_ban_duration(std::string_view text) {
  if (text == "0" || text == "perm" || text == "permanent") return 0;
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || n <= 0) return -1;
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  constexpr std::int64_t kMax = std::int64_t{10} * 365 * 86400;
  if (n > kMax) return -1;  // and no product below can overflow
  std::int64_t seconds = 0;
  if (unit.empty() || unit == "m") {
    seconds = n * 60;
  } else if (unit == "s") {
    seconds = n;
  } else if (unit == "h") {
    seconds = n * 3600;
  } else if (unit == "d") {
    seconds = n * 86400;
  } else if (unit == "w") {
    seconds = n * 7 * 86400;
  } else {
    return -1;
  }
  return seconds > kMax ? -1 : seconds;
}

reactor::Cidr parse_ban_mask(std::string_view text) {
  if (text.starts_with("*@")) text.remove_prefix(2);
  reactor::Cidr c = reactor::parse_cidr(text);
  const unsigned widest = c.family == 4 ? kWidestIpv4Ban : kWidestIpv6Ban;
  if (c.prefix < widest) {
    throw std::invalid_argument(fmt::format(
        "{}: wider than /{} would ban whole networks (and the operators in them)", text, widest));
  }
  // The network, not an address in it: 10.1.2.3/8 and 10.0.0.0/8 are one ban.
  for (std::size_t bit = c.prefix; bit < (c.family == 4 ? 32u : 128u); ++bit)
    c.bytes[bit / 8] = static_cast<std::uint8_t>(c.bytes[bit / 8] & ~(0x80u >> (bit % 8)));
  return c;
}

}  // namespace chatd
