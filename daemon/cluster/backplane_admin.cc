// Backplane: server operators across nodes. A kill of another node's user is
// sent to that node, which removes it. A server ban is sent to every node,
// each of which keeps it (in its own state file) and removes the users it
// covers; it is also kept in Redis, so a node that starts later has it too.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

#include "daemon/chat/chat.h"
#include "daemon/cluster/backplane.h"
#include "reactor/redis/resp_command.h"

namespace chatd::cluster {
namespace {

// "<set at> <expires at> <set by> <reason>"
std::string ban_value(const ServerBan& b) {
  return fmt::format("{} {} {} {}", b.set_at, b.expires_at, escape_text(b.set_by),
                     escape_text(b.reason));
}

}  // namespace

// "kill <by uid> <target uid> <reason>", to the target's node.
void Backplane::kill(const User& by, const RemoteUser& target, std::string_view reason) {
  const std::string channel = names_.inbox(target.node_id());
  publish(channel,
          envelope(channel, "kill").field(uid_of(by)).field(target.uid()).text(reason).finish());
}

void Backplane::apply_kill(RemoteUser& by, const Envelope& e) {
  User* target = user_at(node_id_, e.field(1));
  if (target == nullptr) return;
  spdlog::info("cluster: oper '{}' ({}) on node {} killed {}", by.oper_name(), by.nick(), e.origin,
               target->nick());
  host_.kill_here(*target, by.nick(), unescape_text(e.field(2)));
}

// "ban <mask> <set at> <expires at> <set by> <reason>" on ctl.
void Backplane::publish_ban(const ServerBan& ban) {
  const std::string mask = ban.mask.to_string();
  const std::string value = ban_value(ban);
  if (commands_.is_up())
    commands_.command(reactor::resp_command({"HSET", names_.bans(), mask, value}));
  publish(control_channel_,
          envelope(control_channel_, "ban").payload(fmt::format("{} {}", mask, value)).finish());
}

void Backplane::publish_unban(const reactor::Cidr& mask) {
  const std::string text = mask.to_string();
  if (commands_.is_up()) commands_.command(reactor::resp_command({"HDEL", names_.bans(), text}));
  publish(control_channel_, envelope(control_channel_, "unban").field(text).finish());
}

void Backplane::apply_ban(std::string_view record) {
  std::string_view rest = record;
  ServerBan b;
  try {
    b.mask = reactor::parse_cidr(take_word(rest));
  } catch (const std::invalid_argument&) {
    return spdlog::warn("cluster: ignored a server ban with a bad mask");
  }
  if (!parse_number(take_word(rest), b.set_at) || !parse_number(take_word(rest), b.expires_at))
    return;
  b.set_by = unescape_text(take_word(rest));
  b.reason = unescape_text(take_word(rest));
  if (b.expired(Chat::wall_seconds())) return;
  host_.ban_here(b);
}

// At every link: the cluster's bans this node does not have yet.
void Backplane::load_bans() {
  commands_.command(reactor::resp_command({"HGETALL", names_.bans()}),
                    [this](reactor::RespValue&& v) {
                      if (!v.is_array()) return;
                      for (std::size_t i = 0; i + 1 < v.elements.size(); i += 2) {
                        apply_ban(fmt::format("{} {}", v.text_at(i), v.text_at(i + 1)));
                      }
                    });
}

}  // namespace chatd::cluster
