// PlainSession: a plain-mode user's life: welcome, lines, what they are shown,
// goodbye.
#include "daemon/plain/plain_session.h"

#include <spdlog/spdlog.h>

#include <array>

#include "daemon/chat/chat.h"
#include "daemon/chat/render_cache.h"
#include "daemon/chat/sanitize.h"
#include "daemon/plain/command_parser.h"
#include "daemon/plain/commands.h"
#include "daemon/plain/history_replay.h"
#include "daemon/plain/plain_render.h"
#include "daemon/plain/replies.h"
#include "daemon/server.h"

namespace chatd {
namespace {
constexpr char kPlainIdent[] = "~nc";
// Short enough to live inside the string (no allocation per plain user).
constexpr char kPlainRealname[] = "plain client";
}  // namespace

using reactor::CloseReason;
using reactor::format_line;

PlainSession::PlainSession(Server& server, reactor::Connection& connection, FrontEnd front_end,
                           std::string host)
    : Client(server, connection, front_end),
      User(Protocol::kPlain, kPlainIdent, std::move(host), kPlainRealname, Chat::wall_seconds()) {
  // A browser becomes a user on a connection that is ready already (its
  // WebSocket upgrade): the reactor will not call on_ready again.
  if (connection.is_ready()) on_ready(connection);
}

// A TLS client enters the chat only once its handshake is done, so a failed
// handshake is never seen as a join and a quit.
// In a cluster the default room's history may be read first
// (Server::when_rooms_ready).
void PlainSession::on_ready(reactor::Connection& c) {
  set_secure(c.is_encrypted() || c.is_secured_by_proxy());
  Chat& chat = this->chat();
  chat.enter(*this, chat.guest_nick());
  in_chat_ = true;
  const std::array<std::string_view, 1> rooms{chat.settings().default_room};
  server().when_rooms_ready(*this, rooms, [](User& u) { static_cast<PlainSession&>(u).welcome(); });
}

void PlainSession::welcome() {
  Chat& chat = this->chat();
  const std::string& default_room = chat.settings().default_room;
  Room* joined = nullptr;
  const Chat::JoinResult r = chat.join(*this, default_room, {}, &joined);
  if (r == Chat::JoinResult::kJoined) {
    send(format_line(replies::kWelcome, nick(), joined->name()));
    show_topic(*this, *joined);
  } else {
    send(format_line(replies::kWelcomeNoRoom, nick()));
    report_join_failure(*this, r, default_room);
  }
  if (!server().config().motd.empty()) send(format_line(replies::kMotd, server().config().motd));
  if (joined != nullptr) replay_history(*this, *joined);
}

Chat& PlainSession::chat() const {
  return server().chat();
}

// What a plain user is shown: its own joins and parts are not echoed (the
// command answers for itself). The chat spares it others' in big rooms.
void PlainSession::deliver(RenderCache& cache) {
  const Event& e = cache.event();
  const bool mine = e.actor == this;
  switch (e.kind) {
    case Event::Kind::kJoin:
    case Event::Kind::kPart:
    case Event::Kind::kQuit:
      if (mine) return;
      break;
    case Event::Kind::kKick:
      if (e.subject == this) {
        deliver_rendering(cache.get(variant::kPlainSubject, render_plain_for_subject));
        return;
      }
      break;
    case Event::Kind::kNick:
    case Event::Kind::kTopic:
    case Event::Kind::kMode:
    case Event::Kind::kInvite:
      break;
    case Event::Kind::kAway:
    case Event::Kind::kSetname:
      return;
    default:  // said: no echo, but a private line to oneself arrives
      if (mine && e.subject != this) return;
  }
  if (const reactor::MessageRef& m = cache.get(variant::kPlain, render_plain)) {
    deliver_rendering(m);
  }
}

void PlainSession::on_line(reactor::Connection&, std::string_view line) {
  count_line();
  charge_line();
  handle(line);
}

void PlainSession::handle(std::string_view line) {
  if (trim_blanks(line).empty()) return;
  const ParsedLine parsed = parse_line(line);
  if (parsed.kind == ParsedLine::Kind::kCommand) {
    run_command(*this, parsed.name, parsed.args);
    return;
  }
  say_in_room(*this, Event::Kind::kMessage, parsed.text);
}

// Lines said in a row in one read leave together (Chat::say_later).
void PlainSession::on_input_done(reactor::Connection&) {
  chat().flush_said();
}

void PlainSession::on_line_too_long(reactor::Connection&) {
  send(format_line(replies::kLineTooLong, server().config().max_line_bytes));
}

void PlainSession::on_close(reactor::Connection& c, CloseReason why) {
  std::string_view reason = replies::kReasonClosed;
  if (why == CloseReason::kSlowConsumer) {
    spdlog::warn("dropping slow consumer {} ({}): {} bytes queued, behind for {} ms ({} so far)",
                 nick(), c.peer().to_string(), c.queued_bytes(), c.backlog_ms(),
                 server().count_slow_consumer());
    c.try_write_now(format_line(replies::kTooSlow));
    reason = replies::kReasonSlow;
  } else if (why == CloseReason::kIdleTimeout) {
    c.try_write_now(format_line(replies::kIdleTooLong));
    reason = replies::kReasonIdle;
  }
  if (spdlog::should_log(spdlog::level::debug)) {
    spdlog::debug("closed {} ({}): {}", nick(), c.peer().to_string(), reactor::to_string(why));
  }
  forget(why);
  leave_chat(reason, true, !server().shutting_down());
  delete this;
}

void PlainSession::quit(std::string_view reason) {
  set_disconnect(Disconnect::kQuit);
  leave_chat(reason, false, true);
  send(format_line(replies::kBye));
  connection().close_when_drained();
}

void PlainSession::remove_from_server(std::string_view reason, Disconnect why) {
  if (!connection().is_open() || connection().is_draining()) return;
  set_disconnect(why);
  leave_chat(reason, true, !server().shutting_down());
  send(format_line(replies::kRemoved, reason));
  connection().close_when_drained();
}

void PlainSession::notify(std::string_view text) {
  send(format_line(replies::kServerLine, text));
}

void PlainSession::leave_chat(std::string_view reason, bool server_reason, bool announce) {
  if (!in_chat_) return;
  in_chat_ = false;
  chat().leave(*this, reason, server_reason, announce);
}

}  // namespace chatd
