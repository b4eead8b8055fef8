// IrcSession: one IRC client: registration (CAP, NICK, USER), its capabilities,
// the dispatch of its commands, and how chat events look to it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/chat/user.h"
#include "daemon/client.h"
#include "daemon/irc/caps.h"
#include "reactor/intrusive_list.h"

namespace chatd {

class Chat;
class IrcService;
struct IrcWatchTag;
namespace irc {
class PagedReply;
}  // namespace irc

// Owned by its connection, like PlainSession. In the chat (with a nick) only
// once registered.
class IrcSession final : public Client, public User, public reactor::ListHook<IrcWatchTag> {
 public:
  IrcSession(Server& server, reactor::Connection& connection, std::string host);

  void deliver(RenderCache& cache) override;

  void on_ready(reactor::Connection& c) override;
  void on_line(reactor::Connection& c, std::string_view line) override;
  void on_line_too_long(reactor::Connection& c) override;
  void on_close(reactor::Connection& c, reactor::CloseReason why) override;
  void on_output_drained(reactor::Connection& c) override;
  void on_input_done(reactor::Connection& c) override;

  Chat& chat() const;
  IrcService& irc() const;
  bool registered() const { return registered_; }
  irc::Caps caps() const { return caps_; }
  bool has(irc::Cap cap) const { return (caps_ & cap) != 0; }
  // The nick numerics are addressed to: "*" until registration.
  std::string_view target() const;

  // ":srv CODE NICK[ MIDDLE] :TRAILING", fitted into 512 bytes.
  void numeric(std::string_view code, std::string_view middle, std::string_view trailing);
  void numeric(std::string_view code, std::string_view trailing) { numeric(code, {}, trailing); }
  // ":srv CODE NICK PARAMS" with no trailing parameter.
  void numeric_params(std::string_view code, std::string_view params);

  // Sends what `reply` produces, in pieces as the client reads them when it is
  // long; this client's next commands wait until it is all sent.
  void send_paged(std::unique_ptr<irc::PagedReply> reply);

  // Leaves the chat with `reason` (what the rooms see in the QUIT), tells the
  // client with an ERROR line and closes once that is written; `why` is counted.
  void disconnect(std::string_view reason, bool server_reason, Disconnect why);
  void remove_from_server(std::string_view reason, Disconnect why) override {
    disconnect(reason, true, why);
  }
  void notify(std::string_view text) override;

  // ---- registration, driven by the registration commands
  void set_caps(irc::Caps caps);
  void begin_cap_negotiation() { negotiating_caps_ = !registered_; }
  void end_cap_negotiation();
  void set_pending_nick(std::string_view nick);
  void set_user(std::string_view user, std::string_view realname);
  bool has_user() const { return has_user_; }

  // ---- user modes (+i) and ping bookkeeping
  using User::set_invisible;
  std::uint64_t watched_since_ms() const { return watched_since_ms_; }
  bool ping_sent() const { return ping_sent_; }
  void note_heard(std::uint64_t now_ms);
  void send_ping();
  void start_watch(std::uint64_t now_ms);

 private:
  ~IrcSession();
  void try_register();
  void complete_registration();
  void leave_chat(std::string_view reason, bool server_reason, bool announce);
  void continue_paged();
  std::size_t page_budget() const;
  std::size_t page_low_water() const;

  std::string pending_nick_;
  // Only while a cluster nick claim for registration is answered: the session
  // is not in the chat yet, so the answer finds it through this flag.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::vector<std::unique_ptr<irc::PagedReply>> paged_;
  std::uint64_t watched_since_ms_ = 0;  // connect time, then the last line heard
  irc::Caps caps_ = 0;
  bool registered_ = false;
  bool in_chat_ = false;
  bool negotiating_caps_ = false;
  bool has_user_ = false;
  bool ping_sent_ = false;
  bool heard_anything_ = false;
  bool claiming_ = false;  // registration waits for the cluster's answer
};

}  // namespace chatd
