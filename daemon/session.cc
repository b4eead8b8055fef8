// Session: a plain-mode user's life: welcome, lines, flood control, goodbye.
#include "daemon/session.h"

#include <spdlog/spdlog.h>

#include "daemon/command_parser.h"
#include "daemon/commands.h"
#include "daemon/replies.h"
#include "daemon/sanitize.h"
#include "daemon/server.h"
#include "reactor/loop.h"

namespace chatd {

using reactor::CloseReason;
using reactor::format_line;

Session::Session(Server& server, reactor::Connection& connection)
    : server_(server),
      conn_(connection),
      bucket_(server.config().flood_rate, server.config().flood_burst) {
  Chat& chat = server_.chat();
  nick_ = chat.enter(*this);
  in_chat_ = true;
  conn_.set_handler(this);
  std::string room;
  chat.join(*this, chat.settings().default_room, room);
  send(format_line(replies::kWelcome, nick_, room));
  if (!server_.config().motd.empty()) send(format_line(replies::kMotd, server_.config().motd));
}

void Session::on_line(reactor::Connection&, std::string_view line) {
  take_flood_token();
  handle(line);
}

void Session::handle(std::string_view line) {
  if (trim_blanks(line).empty()) return;
  const ParsedLine parsed = parse_line(line);
  if (parsed.kind == ParsedLine::Kind::kCommand) {
    run_command(*this, parsed.name, parsed.args);
    return;
  }
  std::string scratch;
  const std::string_view text = sanitize_text(parsed.text, scratch);
  if (!text.empty()) server_.chat().say(*this, ChatEvent::Kind::kMessage, text);
}

void Session::on_line_too_long(reactor::Connection&) {
  send(format_line(replies::kLineTooLong, server_.config().max_line_bytes));
}

void Session::on_close(reactor::Connection& c, CloseReason why) {
  std::string_view reason = replies::kReasonClosed;
  if (why == CloseReason::kSlowConsumer) {
    spdlog::warn("dropping slow consumer {} ({}): {} bytes queued, behind for {} ms ({} so far)",
                 nick_, c.peer().to_string(), c.queued_bytes(), c.backlog_ms(),
                 server_.count_slow_consumer());
    c.try_write_now(format_line(replies::kTooSlow));
    reason = replies::kReasonSlow;
  } else if (why == CloseReason::kIdleTimeout) {
    c.try_write_now(format_line(replies::kIdleTooLong));
    reason = replies::kReasonIdle;
  }
  if (spdlog::should_log(spdlog::level::debug)) {
    spdlog::debug("closed {} ({}): {}", nick_, c.peer().to_string(), reactor::to_string(why));
  }
  leave_chat(reason, !server_.shutting_down());
  server_.on_session_closed(*this);
  delete this;
}

void Session::quit(std::string_view reason) {
  leave_chat(reason, true);
  send(format_line(replies::kBye));
  conn_.close_when_drained();
}

void Session::leave_chat(std::string_view reason, bool announce) {
  if (!in_chat_) return;
  in_chat_ = false;
  server_.chat().leave(*this, reason, announce);
}

// The line that spends the last token is still handled; reading then stops
// until a token is back, so TCP pushes back on this sender alone and nothing it
// sent is lost.
void Session::take_flood_token() {
  const std::uint64_t now = conn_.loop().now_ms();
  bucket_.try_take(now);
  if (bucket_.ms_until_available(now) > 0 && !throttled_) {
    throttled_ = true;
    conn_.pause_reading();
    server_.throttle(*this);
  }
}

bool Session::ready_to_resume(std::uint64_t now_ms) const {
  return bucket_.ms_until_available(now_ms) == 0;
}

void Session::resume() {
  throttled_ = false;
  conn_.resume_reading();
}

}  // namespace chatd
