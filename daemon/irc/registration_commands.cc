// Registration and connection commands: CAP, NICK, USER, PASS, PING, PONG, QUIT.
#include <fmt/format.h>

#include <charconv>
#include <string>

#include "daemon/chat/chat.h"
#include "daemon/chat/names.h"
#include "daemon/chat/sanitize.h"
#include "daemon/chat/text_limits.h"
#include "daemon/irc/caps.h"
#include "daemon/irc/commands.h"
#include "daemon/irc/irc_lines.h"
#include "daemon/irc/irc_service.h"
#include "daemon/irc/irc_session.h"
#include "daemon/irc/numerics.h"
#include "daemon/server.h"

namespace chatd::irc {
namespace {

// A nick or other word from a client, made printable for an error reply.
void cap_reply(IrcSession& s, std::string_view sub, std::string_view list) {
  s.send(irc_line(fmt::format(":{} CAP {} {}", s.irc().server_name(), s.target(), sub), list));
}

// CAP REQ is all or nothing: one unknown capability and none changes.
void cap_request(IrcSession& s, std::string_view list) {
  Caps caps = s.caps();
  std::string_view rest = list;
  while (!rest.empty()) {
    const std::size_t sp = rest.find(' ');
    std::string_view name = rest.substr(0, sp);
    rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
    if (name.empty()) continue;
    const bool remove = name.front() == '-';
    if (remove) name.remove_prefix(1);
    const std::optional<Cap> c = cap_named(name);
    if (!c) return cap_reply(s, "NAK", list);
    caps = static_cast<Caps>(remove ? caps & ~*c : caps | *c);
  }
  s.set_caps(caps);
  cap_reply(s, "ACK", list);
}

// "302" in CAP LS 302; 0 when absent or not a number.
unsigned cap_version(std::string_view text) {
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  return ec == std::errc() && end == text.data() + text.size() ? v : 0;
}

// USER's name as ident: the characters a user name may have, at most 10.
std::string ident_of(std::string_view name) {
  std::string ident;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (ok && ident.size() < kMaxUserLength) ident += c;
  }
  return ident.empty() ? std::string("user") : ident;
}

}  // namespace

void cap(IrcSession& s, const IrcMessage& m) {
  const std::string_view sub = m.arg(0);
  if (equals_command(sub, "LS")) {
    s.begin_cap_negotiation();
    // 302 clients have cap-notify implicitly (IRCv3 capability negotiation).
    if (cap_version(m.arg(1)) >= 302) s.set_caps(s.caps() | kCapNotify);
    return cap_reply(s, "LS", offered_caps());
  }
  if (equals_command(sub, "LIST")) return cap_reply(s, "LIST", cap_names(s.caps()));
  if (equals_command(sub, "REQ")) {
    s.begin_cap_negotiation();
    return cap_request(s, m.arg(1));
  }
  if (equals_command(sub, "END")) return s.end_cap_negotiation();
  s.numeric(num::kInvalidCapCmd, echoed(sub), "Invalid CAP command");
}

namespace {
void report_rename(IrcSession& s, Chat::RenameResult r, std::string_view wanted,
                   std::uint64_t now) {
  switch (r) {
    case Chat::RenameResult::kInvalid:
      return s.numeric(num::kErroneusNickname, echoed(wanted), "Erroneous nickname");
    case Chat::RenameResult::kTaken:
    case Chat::RenameResult::kHeldRemotely:
      return s.numeric(num::kNicknameInUse, echoed(wanted), "Nickname is already in use");
    case Chat::RenameResult::kTooFast:
      return s.numeric(num::kNickTooFast, echoed(wanted),
                       fmt::format("Nick change too fast. Please wait {} seconds",
                                   s.chat().seconds_until_rename(s, now)));
    case Chat::RenameResult::kRenamed:
    case Chat::RenameResult::kUnchanged:
      return;
  }
}
}  // namespace

void nick(IrcSession& s, const IrcMessage& m) {
  const std::string_view wanted = m.arg(0);
  if (wanted.empty()) return s.numeric(num::kNoNicknameGiven, "No nickname given");
  if (!s.registered()) {
    switch (s.chat().check_nick(wanted)) {
      case Chat::NickCheck::kInvalid:
        return s.numeric(num::kErroneusNickname, echoed(wanted), "Erroneous nickname");
      case Chat::NickCheck::kTaken:
        return s.numeric(num::kNicknameInUse, echoed(wanted), "Nickname is already in use");
      case Chat::NickCheck::kFree:
      case Chat::NickCheck::kHeldRemotely:  // the claim at registration decides
        return s.set_pending_nick(wanted);
    }
  }
  const std::uint64_t now = s.connection().loop().now_ms();
  cluster::Backplane* cluster = s.server().backplane();
  const Chat::RenameResult check = s.chat().check_rename(s, wanted, now);
  const bool new_nick =
      check == Chat::RenameResult::kHeldRemotely ||
      (check == Chat::RenameResult::kRenamed && fold_case(wanted) != fold_case(s.nick()));
  if (cluster == nullptr || !new_nick) {
    return report_rename(s, s.chat().rename(s, wanted, now), wanted, now);
  }
  // In a cluster Redis decides; this client's next commands wait for it.
  s.hold_input();
  Chat& chat = s.chat();
  const UserHandle me = chat.handle_of(s);
  cluster->claim_nick(
      s, wanted, [&chat, me, nick = std::string(wanted)](cluster::Backplane::Claim c) {
        auto* user = static_cast<IrcSession*>(chat.resolve(me));
        if (user == nullptr) return;
        const std::uint64_t at = user->connection().loop().now_ms();
        switch (c) {
          case cluster::Backplane::Claim::kClaimed:
            report_rename(*user, chat.rename(*user, nick, at), nick, at);
            break;
          case cluster::Backplane::Claim::kTaken:
            user->numeric(num::kNicknameInUse, echoed(nick), "Nickname is already in use");
            break;
          case cluster::Backplane::Claim::kUnavailable:
            user->numeric(num::kNicknameInUse, echoed(nick),
                          "Nick changes are unavailable while servers are disconnected");
            break;
        }
        // Last: the lines held meanwhile run now, after the answer.
        user->release_input();
      });
}

void user(IrcSession& s, const IrcMessage& m) {
  if (s.registered() || s.has_user()) {
    return s.numeric(num::kAlreadyRegistered, "You may not reregister");
  }
  s.set_user(ident_of(m.arg(0)), user_text(m.arg(3), kMaxRealnameBytes));
}

// chatd has no server passwords; a PASS before registration is accepted and
// ignored, so clients configured with one still connect.
void pass(IrcSession& s, const IrcMessage&) {
  if (s.registered()) s.numeric(num::kAlreadyRegistered, "You may not reregister");
}

void ping(IrcSession& s, const IrcMessage& m) {
  if (m.param_count == 0) return s.numeric(num::kNoOrigin, "No origin specified");
  const std::string& srv = s.irc().server_name();
  s.send(irc_line(fmt::format(":{} PONG {}", srv, srv), m.arg(0)));
}

// Any line resets the ping clock (IrcService::heard); a PONG needs nothing more.
void pong(IrcSession&, const IrcMessage&) {}

void quit(IrcSession& s, const IrcMessage& m) {
  s.disconnect(user_text(m.arg(0), kMaxReasonBytes), false, Disconnect::kQuit);
}

}  // namespace chatd::irc
