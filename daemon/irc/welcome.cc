// Registration burst, LUSERS, MOTD, VERSION, TIME.
#include "daemon/irc/welcome.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>
#include <string>

#include "daemon/chat/chat.h"
#include "daemon/irc/commands.h"
#include "daemon/irc/irc_service.h"
#include "daemon/irc/irc_session.h"
#include "daemon/irc/isupport.h"
#include "daemon/irc/numerics.h"
#include "daemon/server.h"

#ifndef CHATD_VERSION
#define CHATD_VERSION "dev"
#endif

namespace chatd::irc {
namespace {

constexpr std::string_view kVersion = "chatd-" CHATD_VERSION;
// 004: user modes, then room modes, then room modes that take a parameter.
constexpr std::string_view kUserModes = "i";
constexpr std::string_view kRoomModes = "biklmnostv";
constexpr std::string_view kRoomModesWithParams = "bklov";

}  // namespace

void send_welcome(IrcSession& s) {
  const IrcService& irc = s.irc();
  s.numeric(num::kWelcome, fmt::format("Welcome to the {} network, {}", irc.network(), s.nick()));
  s.numeric(num::kYourHost,
            fmt::format("Your host is {}, running {}", irc.server_name(), kVersion));
  s.numeric(num::kCreated, fmt::format("This server was created {}", irc.created()));
  s.numeric_params(num::kMyInfo, fmt::format("{} {} {} {} {}", irc.server_name(), kVersion,
                                             kUserModes, kRoomModes, kRoomModesWithParams));
  send_isupport(s);
  send_lusers(s);
  send_motd(s);
}

void send_isupport(IrcSession& s) {
  const auto& tokens = s.irc().isupport();
  for (std::size_t i = 0; i < tokens.size(); i += kTokensPerLine) {
    std::string middle;
    for (std::size_t j = i; j < tokens.size() && j < i + kTokensPerLine; ++j) {
      if (!middle.empty()) middle += ' ';
      middle += tokens[j];
    }
    s.numeric(num::kISupport, middle, "are supported by this server");
  }
}

void send_lusers(IrcSession& s) {
  const Chat& chat = s.chat();
  const std::size_t users = chat.user_count();
  std::size_t invisible = 0;
  chat.for_each_user([&](const User& u) { invisible += u.invisible() ? 1 : 0; });
  s.numeric(num::kLuserClient, fmt::format("There are {} users and {} invisible on 1 servers",
                                           users - invisible, invisible));
  s.numeric(num::kLuserOp, "0", "operator(s) online");
  s.numeric(num::kLuserUnknown, std::to_string(s.irc().unregistered_count()),
            "unknown connection(s)");
  s.numeric(num::kLuserChannels, std::to_string(chat.rooms().size()), "channels formed");
  s.numeric(num::kLuserMe, fmt::format("I have {} clients and 0 servers", users));
  s.numeric(num::kLocalUsers, fmt::format("{0} {0}", users),
            fmt::format("Current local users {0}, max {0}", users));
  s.numeric(num::kGlobalUsers, fmt::format("{0} {0}", users),
            fmt::format("Current global users {0}, max {0}", users));
}

void send_motd(IrcSession& s) {
  const std::string& text = s.irc().motd();
  if (text.empty()) return s.numeric(num::kNoMotd, "MOTD File is missing");
  s.numeric(num::kMotdStart, fmt::format("- {} Message of the day - ", s.irc().server_name()));
  s.numeric(num::kMotd, fmt::format("- {}", text));
  s.numeric(num::kEndOfMotd, "End of /MOTD command.");
}

void lusers(IrcSession& s, const IrcMessage&) {
  send_lusers(s);
}

void motd(IrcSession& s, const IrcMessage&) {
  send_motd(s);
}

void version(IrcSession& s, const IrcMessage&) {
  s.numeric(num::kVersion, fmt::format("{} {}", kVersion, s.irc().server_name()),
            "chatd, a multi-user chat daemon");
  send_isupport(s);
}

void time(IrcSession& s, const IrcMessage&) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  s.numeric(num::kTime, s.irc().server_name(),
            fmt::format("{:%A %B %e %Y -- %H:%M:%S} +00:00", utc));
}

}  // namespace chatd::irc
