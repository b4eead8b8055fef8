// What a client is told on registration: 001-004, ISUPPORT (005), LUSERS and
// the MOTD; each also on request.
#pragma once

namespace chatd {
class IrcSession;
}

namespace chatd::irc {

void send_welcome(IrcSession& s);
void send_isupport(IrcSession& s);
void send_lusers(IrcSession& s);
void send_motd(IrcSession& s);

}  // namespace chatd::irc
