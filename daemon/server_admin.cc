// Server: what server operators do, whichever front end asked: log in (OPER,
// /oper), remove a user (KILL, /kill), ban and unban addresses (KLINE, /kline).
#include <spdlog/spdlog.h>

#include <algorithm>

#include "daemon/irc/irc_session.h"
#include "daemon/plain/plain_session.h"
#include "daemon/server.h"
#include "reactor/password_hash.h"

namespace chatd {

Server::OperResult Server::oper_up(Client& c, User& u, std::string_view name,
                                   std::string_view password) {
  const std::uint64_t now = loop_.now_ms();
  const std::string who = fmt::format("{} ({})", u.nick(), c.connection().peer().to_string());
  const auto& opers = config_.opers;
  const auto it = std::find_if(opers.begin(), opers.end(),
                               [&](const OperAccount& a) { return a.name == name; });
  // An unknown name costs no scrypt, so it spends no check; and it is not logged,
  // as it may be a password typed in the wrong place.
  if (it == opers.end()) {
    spdlog::warn("oper attempt by {} with an unknown name", who);
    return OperResult::kNoSuchOper;
  }
  if (oper_checks_.admit(c.connection().peer().limit_key(), now) !=
      ConnectLimiter::Verdict::kAdmit) {
    spdlog::warn("oper attempt as '{}' by {} refused: too many attempts", name, who);
    return OperResult::kTooFast;
  }
  if (!reactor::verify_password(password, it->password_hash)) {
    spdlog::warn("oper attempt by {} as '{}': wrong password", who, name);
    return OperResult::kWrongPassword;
  }
  chat_.make_oper(u, it->name);
  spdlog::info("{} is now server operator '{}'", who, it->name);
  return OperResult::kOk;
}

Client& Server::client_of(User& u) {
  if (u.protocol() == Protocol::kPlain) return static_cast<PlainSession&>(u);
  return static_cast<IrcSession&>(u);
}

void Server::kill(const User& by, User& target, std::string_view reason) {
  if (target.protocol() == Protocol::kRemote) {
    spdlog::info("oper '{}' ({}) killed {} on another node: {}", by.oper_name(), by.nick(),
                 target.nick(), reason);
    if (backplane_) backplane_->kill(by, static_cast<const cluster::RemoteUser&>(target), reason);
    return;
  }
  Client& c = client_of(target);
  spdlog::info("oper '{}' ({}) killed {}: {}", by.oper_name(), by.nick(),
               c.connection().peer().to_string(), reason);
  c.remove_from_server(fmt::format("Killed by {} ({})", by.nick(), reason), Disconnect::kKilled);
}

void Server::kill_here(User& target, std::string_view by_nick, std::string_view reason) {
  client_of(target).remove_from_server(fmt::format("Killed by {} ({})", by_nick, reason),
                                       Disconnect::kKilled);
}

Server::BanOutcome Server::ban(const User& by, const reactor::Cidr& mask, std::int64_t seconds,
                               std::string reason) {
  const std::int64_t now = Chat::wall_seconds();
  ServerBan b{mask, std::move(reason), by.oper_name(), now, seconds == 0 ? 0 : now + seconds};
  spdlog::info("oper '{}' ({}) banned {} {}: {}", by.oper_name(), by.nick(), mask.to_string(),
               seconds == 0 ? std::string("for good") : fmt::format("for {} s", seconds), b.reason);
  if (backplane_) backplane_->publish_ban(b);
  return apply_ban(std::move(b));
}

void Server::ban_here(const ServerBan& ban) {
  const ServerBan* known = bans_.find_exact(ban.mask);
  if (known != nullptr && known->set_at == ban.set_at && known->reason == ban.reason) return;
  spdlog::info("server ban on {} set by '{}' on another node: {}", ban.mask.to_string(), ban.set_by,
               ban.reason);
  apply_ban(ban);
}

void Server::unban_here(const reactor::Cidr& mask) {
  std::string error;
  lift_ban(mask, error);
}

Server::BanOutcome Server::apply_ban(ServerBan b) {
  const std::int64_t now = Chat::wall_seconds();
  const reactor::Cidr mask = b.mask;
  BanOutcome out;
  const std::string why = fmt::format("Banned ({})", b.reason);
  try {
    bans_.add(std::move(b), now);
  } catch (const std::exception& e) {
    out.error = e.what();
    spdlog::error("the ban holds until chatd stops: {}", out.error);
  }
  for (Client* c = clients_.front(); c != nullptr;) {
    Client* next = clients_.next(*c);
    if (c->connection().peer().in(mask) && c->connection().is_open() &&
        !c->connection().is_draining()) {
      c->remove_from_server(why, Disconnect::kBanned);
      ++out.removed;
    }
    c = next;
  }
  return out;
}

bool Server::unban(const reactor::Cidr& mask, std::string& error) {
  if (!lift_ban(mask, error)) return false;
  if (backplane_) backplane_->publish_unban(mask);
  return true;
}

// A ban whose file could not be rewritten is lifted all the same.
bool Server::lift_ban(const reactor::Cidr& mask, std::string& error) {
  try {
    if (!bans_.remove(mask, Chat::wall_seconds())) return false;
  } catch (const std::exception& e) {
    error = e.what();
    spdlog::error("{}", error);
  }
  spdlog::info("server ban on {} lifted", mask.to_string());
  return true;
}

}  // namespace chatd
