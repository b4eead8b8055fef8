// Backplane: nicks, which Redis decides. A claim is one script run; a node's
// claims hold while its lease does; after a reconnect every claim is made
// again, and where two users hold one nick the older claim keeps it.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>

#include "daemon/chat/chat.h"
#include "daemon/chat/names.h"
#include "daemon/cluster/backplane.h"
#include "reactor/loop.h"

namespace chatd::cluster {

std::string Backplane::nick_record(const User& u, std::uint64_t claim_ms) const {
  return fmt::format("{} {} {} {}", node_id_, uid_of(u), claim_ms, u.nick());
}

void Backplane::claim_nick(const User& u, std::string_view nick, std::function<void(Claim)> done) {
  if (!linked_) return done(Claim::kUnavailable);
  // An IRC client claims its nick before it enters the chat: uid 0 until then
  // (entering claims it again under its uid).
  const std::uint64_t uid = chat_.contains(u) ? uid_of(u) : 0;
  const auto now = static_cast<std::uint64_t>(Chat::wall_ms());
  std::string record = fmt::format("{} {} {} {}", node_id_, uid, now, nick);
  run_script(claim_, {names_.nick(nick), names_.node_nicks(node_id_)},
             {node_id_, std::move(record), names_.lease_prefix()},
             [this, uid, now, done = std::move(done)](reactor::RespValue&& v) {
               if (v.type != reactor::RespValue::Type::kInteger) {
                 if (v.is_error()) spdlog::warn("cluster: a nick claim failed: {}", v.str);
                 return done(Claim::kUnavailable);
               }
               if (v.integer == 1 && uid != 0) claimed_at_[uid] = now;
               done(v.integer == 1 ? Claim::kClaimed : Claim::kTaken);
             });
}

void Backplane::claim_current_nick(const User& u) {
  claim_nick(u, u.nick(), [this, h = chat_.handle_of(u), nick = u.nick()](Claim c) {
    User* user = chat_.resolve(h);
    if (c == Claim::kTaken && user != nullptr) lose_nick(*user, nick);
  });
}

void Backplane::release_nick(const User& u, std::string_view nick) {
  if (!commands_.is_up() || !scripts_loaded_) return;
  run_script(release_, {names_.nick(nick), names_.node_nicks(node_id_)},
             {node_id_, std::to_string(uid_of(u))}, {});
}

// Every local nick claimed again (after Redis restarted empty, a failover, or
// this node being cut off past its lease), pipelined in one go.
void Backplane::reassert_nicks() {
  chat_.for_each_user([&](User& u) {
    if (u.protocol() == Protocol::kRemote) return;
    const std::uint64_t uid = uid_of(u);
    const auto at = claimed_at_.find(uid);
    const std::uint64_t claim_ms =
        at != claimed_at_.end() ? at->second : static_cast<std::uint64_t>(Chat::wall_ms());
    run_script(
        reassert_, {names_.nick(u.nick()), names_.node_nicks(node_id_)},
        {node_id_, nick_record(u, claim_ms), names_.lease_prefix(), std::to_string(claim_ms)},
        [this, h = chat_.handle_of(u), nick = u.nick()](reactor::RespValue&& v) {
          if (!v.is_array() || v.elements.empty()) return;
          const std::int64_t verdict = v.elements[0].integer;
          if (verdict == 0) {
            if (User* user = chat_.resolve(h)) lose_nick(*user, nick);
          } else if (verdict == 2) {
            // The other user's node renames it: tell it which one.
            const std::string to = names_.inbox(v.text_at(1));
            publish(to, envelope(to, "save").field(v.text_at(2)).field(nick).finish());
          }
        });
  });
}

void Backplane::lose_nick(User& u, std::string_view lost) {
  if (fold_case(u.nick()) != fold_case(lost)) return;
  const std::string guest = chat_.guest_nick();
  spdlog::info("cluster: {} lost its nick to an earlier claim; now {}", lost, guest);
  chat_.rename_by_server(u, guest);
  host_.notify(u, fmt::format("your nick {} belongs to an earlier user on another server; you are "
                              "now {}",
                              lost, guest));
}

// "save <uid> <nick>": this node's user lost `nick` to an older claim.
void Backplane::apply_save(const Envelope& e) {
  std::uint64_t uid = 0;
  const std::string_view text = e.field(0);
  if (std::from_chars(text.data(), text.data() + text.size(), uid).ec != std::errc()) return;
  User* u = chat_.resolve(
      {static_cast<std::uint32_t>(uid >> 32), static_cast<std::uint32_t>(uid & 0xffffffffu)});
  if (u != nullptr && u->protocol() != Protocol::kRemote) lose_nick(*u, e.field(1));
}

// A node gone silent: once its lease has expired, its nick records go.
void Backplane::reap(const std::string& id) {
  run_script(drop_node_,
             {names_.node_nicks(id), names_.lease(id), names_.nodes(),
              names_.name(std::string_view(id).substr(0, id.rfind('#')))},
             {id, "0"}, [this, id](reactor::RespValue&& v) {
               if (v.type != reactor::RespValue::Type::kInteger || v.integer != 1) return;
               std::erase(dead_, id);
             });
}

}  // namespace chatd::cluster
