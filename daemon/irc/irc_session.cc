// IrcSession: an IRC client's life: registration, lines in, events out, goodbye.
#include "daemon/irc/irc_session.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "daemon/chat/chat.h"
#include "daemon/chat/render_cache.h"
#include "daemon/irc/commands.h"
#include "daemon/irc/irc_lines.h"
#include "daemon/irc/irc_message.h"
#include "daemon/irc/irc_render.h"
#include "daemon/irc/irc_service.h"
#include "daemon/irc/numerics.h"
#include "daemon/irc/paged_reply.h"
#include "daemon/irc/tags.h"
#include "daemon/irc/welcome.h"
#include "daemon/server.h"

namespace chatd {
namespace {

using reactor::CloseReason;

// Lines may be 512 bytes; with message-tags, tags may add 8191 more.
constexpr std::size_t kLineLimit = 512;
constexpr std::size_t kTaggedLineLimit = 8191 + 512;
// A paged reply is produced in pieces of at most this many bytes, each once the
// queue has drained to the low-water mark; both shrink with the output limit,
// so that a page never makes its asker a slow consumer.
constexpr std::size_t kPageBytes = std::size_t{32} * 1024;
constexpr std::size_t kPageLowWater = std::size_t{16} * 1024;
constexpr std::size_t kMinPageBytes = 512;

// A TLS ClientHello starts with a handshake record: 0x16 0x03. On a plain-text
// IRC port it is a client that meant TLS, not something to answer line by line.
bool looks_like_tls(std::string_view line) {
  return line.size() >= 2 && line[0] == '\x16' && line[1] == '\x03';
}

}  // namespace

IrcSession::IrcSession(Server& server, reactor::Connection& connection, std::string host)
    : Client(server, connection, FrontEnd::kIrc),
      User(Protocol::kIrc, {}, std::move(host), {}, Chat::wall_seconds()) {
  connection.set_telnet_filter(false);
  connection.set_max_line_bytes(kLineLimit);
}

// The registration timeout starts once the transport is up (TLS has its own
// handshake deadline before it).
void IrcSession::on_ready(reactor::Connection& c) {
  set_secure(c.is_encrypted() || c.is_secured_by_proxy());
  irc().watch_registration(*this);
}

IrcSession::~IrcSession() {
  *alive_ = false;
}

Chat& IrcSession::chat() const {
  return server().chat();
}

IrcService& IrcSession::irc() const {
  return server().irc();
}

std::string_view IrcSession::target() const {
  return registered_ ? std::string_view(nick()) : std::string_view("*");
}

// Echoes only with echo-message; AWAY and SETNAME only to clients that asked.
void IrcSession::deliver(RenderCache& cache) {
  const Event& e = cache.event();
  const bool mine = e.actor == this;
  if (is_said(e.kind)) {
    if (mine && !has(irc::kEchoMessage) && e.subject != this) return;
  } else if (e.kind == Event::Kind::kAway) {
    if (mine || !has(irc::kAwayNotify)) return;
  } else if (e.kind == Event::Kind::kSetname) {
    if (!has(irc::kSetname)) return;
  }
  const irc::IrcVariant v = irc::variant_for(e, caps_);
  const reactor::MessageRef& m =
      cache.get(irc::slot_of(v), [v](const Event& ev) { return irc::render_irc(ev, v); });
  if (m) deliver_rendering(m);
}

void IrcSession::on_line(reactor::Connection& c, std::string_view line) {
  count_line();
  irc().heard(*this);
  if (!heard_anything_) {
    heard_anything_ = true;
    if (looks_like_tls(line)) {
      spdlog::debug("closing {}: TLS handshake on a plain-text IRC port", c.peer().to_string());
      return c.close(CloseReason::kByServer);
    }
  }
  irc::IrcMessage m;
  switch (irc::parse_message(line, m)) {
    case irc::ParseResult::kEmpty:
      return charge_line(irc::kPingCost);
    case irc::ParseResult::kTooLong:
      charge_line();
      return numeric(irc::num::kInputTooLong, "Input line was too long");
    case irc::ParseResult::kOk:
      break;
  }
  charge_line(irc::command_cost(*this, m));
  irc::run_command(*this, m);
}

void IrcSession::on_line_too_long(reactor::Connection& c) {
  if (!heard_anything_) {
    // A first "line" of over 512 bytes is not IRC: most likely TLS without an LF in it.
    spdlog::debug("closing {}: its first line is longer than IRC allows", c.peer().to_string());
    return c.close(CloseReason::kByServer);
  }
  charge_line();
  numeric(irc::num::kInputTooLong, "Input line was too long");
}

void IrcSession::on_close(reactor::Connection& c, CloseReason why) {
  std::string_view reason = "connection closed";
  if (why == CloseReason::kSlowConsumer) {
    spdlog::warn("dropping slow consumer {} ({}): {} bytes queued, behind for {} ms ({} so far)",
                 std::string(target()), c.peer().to_string(), c.queued_bytes(), c.backlog_ms(),
                 server().count_slow_consumer());
    c.try_write_now(
        reactor::make_line("ERROR :Closing link: too slow to receive (SendQ exceeded)"));
    reason = "too slow to receive";
  } else if (why == CloseReason::kIdleTimeout) {
    c.try_write_now(reactor::make_line("ERROR :Closing link: idle too long"));
    reason = "idle too long";
  }
  if (spdlog::should_log(spdlog::level::debug)) {
    spdlog::debug("closed {} ({}): {}", std::string(target()), c.peer().to_string(),
                  reactor::to_string(why));
  }
  forget(why);
  irc().unwatch(*this);
  leave_chat(reason, true, !server().shutting_down());
  delete this;
}

void IrcSession::disconnect(std::string_view reason, bool server_reason, Disconnect why) {
  irc().unwatch(*this);
  // Already saying goodbye (shutdown, or the peer closed its side): nothing more to say.
  if (!connection().is_open() || connection().is_draining()) return;
  set_disconnect(why);
  const std::string text = server_reason || reason.empty()
                               ? std::string(reason.empty() ? "Quit" : reason)
                               : fmt::format("Quit: {}", reason);
  leave_chat(reason, server_reason, !server().shutting_down());
  send(irc::irc_line("ERROR", fmt::format("Closing link: {}", text)));
  connection().close_when_drained();
}

void IrcSession::leave_chat(std::string_view reason, bool server_reason, bool announce) {
  if (!in_chat_) return;
  in_chat_ = false;
  chat().leave(*this, reason, server_reason, announce);
}

void IrcSession::numeric(std::string_view code, std::string_view middle,
                         std::string_view trailing) {
  const std::string head =
      middle.empty() ? fmt::format(":{} {} {}", irc().server_name(), code, target())
                     : fmt::format(":{} {} {} {}", irc().server_name(), code, target(), middle);
  send(irc::irc_line(head, trailing));
}

void IrcSession::numeric_params(std::string_view code, std::string_view middle) {
  irc::IrcLines lines;
  lines.add(fmt::format(":{} {} {} {}", irc().server_name(), code, target(), middle));
  send(lines.message());
}

std::size_t IrcSession::page_budget() const {
  const std::size_t limit = server().config().output_limit;
  const std::size_t queued = connection().queued_bytes();
  const std::size_t room = queued >= limit ? 0 : (limit - queued) / 2;
  return std::clamp(room, kMinPageBytes, kPageBytes);
}

std::size_t IrcSession::page_low_water() const {
  return std::min(kPageLowWater, server().config().output_limit / 4);
}

void IrcSession::send_paged(std::unique_ptr<irc::PagedReply> reply) {
  if (paged_.empty() && reply->produce(*this, page_budget())) return;
  paged_.push_back(std::move(reply));
  if (paged_.size() == 1) {
    hold_input();
    connection().notify_when_drained(page_low_water());
  }
}

// Lines said in a row in one read leave together (Chat::say_later).
void IrcSession::on_input_done(reactor::Connection&) {
  chat().flush_said();
}

// A client reading a long reply is not silent, though its PINGs wait behind it.
void IrcSession::on_output_drained(reactor::Connection&) {
  irc().heard(*this);
  continue_paged();
}

void IrcSession::continue_paged() {
  while (!paged_.empty()) {
    if (!paged_.front()->produce(*this, page_budget())) {
      connection().notify_when_drained(page_low_water());
      return;
    }
    paged_.erase(paged_.begin());
  }
  release_input();
}

void IrcSession::set_caps(irc::Caps caps) {
  caps_ = caps;
  connection().set_max_line_bytes(has(irc::kMessageTags) ? kTaggedLineLimit : kLineLimit);
}

void IrcSession::end_cap_negotiation() {
  negotiating_caps_ = false;
  try_register();
}

void IrcSession::set_pending_nick(std::string_view nick) {
  pending_nick_ = nick;
  try_register();
}

void IrcSession::set_user(std::string_view user, std::string_view realname) {
  set_identity(fmt::format("~{}", user), std::string(realname));
  has_user_ = true;
  try_register();
}

// Registers once NICK and USER are in and CAP negotiation (if any) has ended.
// The nick is claimed only now: it may have been taken since NICK was checked.
// In a cluster the nick is claimed in Redis first (and registration waits for
// the answer); while isolated the claim is made once the link is back.
void IrcSession::try_register() {
  if (registered_ || pending_nick_.empty() || !has_user_ || negotiating_caps_ || claiming_) return;
  const Chat::NickCheck check = chat().check_nick(pending_nick_);
  cluster::Backplane* cluster = server().backplane();
  if (check == Chat::NickCheck::kTaken || check == Chat::NickCheck::kInvalid ||
      (check == Chat::NickCheck::kHeldRemotely && cluster == nullptr)) {
    numeric(irc::num::kNicknameInUse, pending_nick_, "Nickname is already in use");
    pending_nick_.clear();
    return;
  }
  if (cluster == nullptr || !cluster->linked()) return complete_registration();
  claiming_ = true;
  hold_input();
  cluster->claim_nick(*this, pending_nick_, [this, alive = alive_](cluster::Backplane::Claim c) {
    if (!*alive) return;
    claiming_ = false;
    if (c == cluster::Backplane::Claim::kTaken ||
        chat().check_nick(pending_nick_) == Chat::NickCheck::kTaken) {
      numeric(irc::num::kNicknameInUse, pending_nick_, "Nickname is already in use");
      pending_nick_.clear();
    } else {
      complete_registration();
    }
    // Last: the lines held meanwhile run now, after the answer.
    release_input();
  });
}

void IrcSession::complete_registration() {
  chat().enter(*this, pending_nick_);
  in_chat_ = true;
  irc().unwatch(*this);
  registered_ = true;
  irc().watch_pings(*this);
  pending_nick_.clear();
  irc::send_welcome(*this);
}

void IrcSession::notify(std::string_view text) {
  send(irc::irc_line(fmt::format(":{} NOTICE {}", irc().server_name(), target()),
                     fmt::format("*** {}", text)));
}

void IrcSession::start_watch(std::uint64_t now_ms) {
  watched_since_ms_ = now_ms;
  ping_sent_ = false;
}

void IrcSession::note_heard(std::uint64_t now_ms) {
  watched_since_ms_ = now_ms;
  ping_sent_ = false;
}

void IrcSession::send_ping() {
  ping_sent_ = true;
  send(irc::irc_line("PING", irc().server_name()));
}

}  // namespace chatd
