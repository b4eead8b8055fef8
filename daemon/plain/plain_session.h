// PlainSession: one plain-mode user: their connection (nc or telnet, or a
// browser's WebSocket from the web front end, one line per text frame), their
// one room at most, and the dispatch of each line they type.
#pragma once

#include <string>
#include <string_view>

#include "daemon/chat/user.h"
#include "daemon/client.h"

namespace chatd {

class Chat;

// Owned by its connection: created when the server accepts it, deleted in
// on_close, after it has left the chat.
class PlainSession final : public Client, public User {
 public:
  // `front_end` is kPlain or kWeb: which counters the user's traffic goes to.
  PlainSession(Server& server, reactor::Connection& connection, FrontEnd front_end,
               std::string host);

  void deliver(RenderCache& cache) override;

  void on_ready(reactor::Connection& c) override;
  void on_line(reactor::Connection& c, std::string_view line) override;
  void on_line_too_long(reactor::Connection& c) override;
  void on_close(reactor::Connection& c, reactor::CloseReason why) override;
  void on_input_done(reactor::Connection& c) override;

  Chat& chat() const;
  // The one room a plain user is in, or nullptr (after a kick).
  Room* room() const { return memberships().empty() ? nullptr : memberships().front().room; }

  // /quit: the rooms hear `reason`, the user gets a last line, and the
  // connection closes once that line has been written.
  void quit(std::string_view reason);
  void remove_from_server(std::string_view reason, Disconnect why) override;
  void notify(std::string_view text) override;

 private:
  ~PlainSession() = default;
  // Joins the default room and greets the user.
  void welcome();
  void handle(std::string_view line);
  void leave_chat(std::string_view reason, bool server_reason, bool announce);

  bool in_chat_ = false;
};

}  // namespace chatd
