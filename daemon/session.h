// Session: one plain-mode (nc/telnet) user: their connection, nick and room,
// and the dispatch of each line they type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/member.h"
#include "daemon/token_bucket.h"
#include "reactor/connection.h"
#include "reactor/connection_handler.h"

namespace chatd {

class Server;

// Owned by its connection: created when the server accepts it, deleted in
// on_close, after it has left its room and released its nick.
class Session final : public reactor::ConnectionHandler, public Member {
 public:
  Session(Server& server, reactor::Connection& connection);

  const std::string& nick() const override { return nick_; }
  void deliver(RenderCache& cache) override { conn_.send(cache.plain()); }

  void on_line(reactor::Connection& c, std::string_view line) override;
  void on_line_too_long(reactor::Connection& c) override;
  void on_close(reactor::Connection& c, reactor::CloseReason why) override;

  // Sends a line to this user alone.
  void send(reactor::MessageRef m) { conn_.send(std::move(m)); }
  void set_nick(std::string_view nick) { nick_ = nick; }
  Server& server() const { return server_; }
  reactor::Connection& connection() const { return conn_; }

  // /quit: the room hears `reason`, the user gets a last line, and the
  // connection closes once that line has been written.
  void quit(std::string_view reason);
  // Flood control, driven by the Server's throttle list.
  bool throttled() const { return throttled_; }
  bool ready_to_resume(std::uint64_t now_ms) const;
  void resume();

 private:
  ~Session() = default;
  void handle(std::string_view line);
  void leave_chat(std::string_view reason, bool announce);
  void take_flood_token();

  Server& server_;
  reactor::Connection& conn_;
  std::string nick_;
  TokenBucket bucket_;
  bool in_chat_ = false;
  bool throttled_ = false;
};

}  // namespace chatd
