// Backplane: this node's part in a cluster of chatd nodes sharing one chat
// through Redis (docs/cluster.md). Two RedisClients, one for commands and
// publishes, one subscribed; the chat's observer for what local users do; and
// the table of the other nodes and their users, kept from what they publish.
//
// Everything a local user does is applied and shown here first, then published
// once (one PUBLISH per room line, whatever the room's size); every node that
// has members in that room receives it once and shows it to its own members.
// Nicks are claimed in Redis by Lua scripts; peers are known from heartbeats.
// When Redis cannot be reached the node is isolated: local chat goes on, and
// the users who share rooms with other nodes' users are told.
// Under Redis Sentinel a SentinelWatch says where the primary is, and both
// links follow it through failovers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "daemon/admin/server_bans.h"
#include "daemon/chat/chat_observer.h"
#include "daemon/cluster/cluster_names.h"
#include "daemon/cluster/envelope.h"
#include "daemon/cluster/remote_user.h"
#include "reactor/redis/redis_client.h"
#include "reactor/redis/sentinel_watch.h"
#include "reactor/timer.h"

namespace chatd {
class Chat;
class Room;
class User;
struct Event;
}  // namespace chatd

namespace chatd::reactor {
class Loop;
}

namespace chatd::cluster {

// What the backplane needs from the server: telling a local user something in
// its own protocol, and what server operators on other nodes decided.
class BackplaneHost {
 public:
  virtual void notify(User& u, std::string_view text) = 0;
  virtual void kill_here(User& target, std::string_view by_nick, std::string_view reason) = 0;
  virtual void ban_here(const ServerBan& ban) = 0;
  virtual void unban_here(const reactor::Cidr& mask) = 0;

 protected:
  ~BackplaneHost() = default;
};

struct BackplaneStats {
  std::uint64_t published = 0;
  std::uint64_t publish_dropped = 0;  // not sent: no link, or the queue was full
  std::uint64_t received = 0;
  std::uint64_t lost = 0;        // gaps seen in other nodes' sequence numbers
  std::uint64_t duplicates = 0;  // repeats dropped
  std::uint64_t link_downs = 0;
};

class Backplane final : public ChatObserver,
                        reactor::RedisClientHandler,
                        reactor::SentinelWatchHandler {
 public:
  struct Settings {
    reactor::RedisAddress redis;  // unless sentinels is set
    // Redis Sentinel: where the primary named `master` is, and when it moves.
    std::vector<reactor::RedisAddress> sentinels;
    std::string master;
    std::string node_name;  // unique among live nodes
    std::string prefix;     // --cluster-prefix
  };

  Backplane(reactor::Loop& loop, Chat& chat, BackplaneHost& host, Settings settings);
  ~Backplane();
  Backplane(const Backplane&) = delete;
  Backplane& operator=(const Backplane&) = delete;

  void start();
  // SIGTERM: the other nodes are told at once that this node's users have
  // gone, and its nicks are released; `done` runs once Redis has it (or after
  // a second), and the links close.
  void shut_down(std::function<void()> done);

  // Claims `nick` for local user `u` in Redis: done(kClaimed) if it is now
  // u's, kTaken if another node's user holds it, kUnavailable while Redis
  // cannot be asked (the caller says so: nick changes wait for the link).
  enum class Claim { kClaimed, kTaken, kUnavailable };
  void claim_nick(const User& u, std::string_view nick, std::function<void(Claim)> done);
  // Before local users join `rooms`: a room that other nodes' users are in
  // and no one here is has its history read from Redis first (this node
  // subscribes, then reads, so no line falls between), so joiners here see
  // the same recent lines as anyone. True if done() will run once that is
  // over (within a bounded wait, and never before this returns); false if
  // there was nothing to wait for (then done() is not called).
  bool prepare_rooms(std::span<const std::string_view> rooms, std::function<void()> done);
  // Linked to the cluster: both links up, and this node's heartbeat seen to
  // come back.
  bool linked() const { return linked_; }
  // Whether a private message to `u` can be delivered now.
  bool can_reach(const User& u) const;

  // For STATUS= and the logs: "2 nodes, linked", "isolated: ...".
  std::string describe() const;
  const BackplaneStats& stats() const { return stats_; }
  // Nodes whose heartbeat this node hears, itself left out.
  std::size_t other_nodes() const { return peers_.size(); }
  // Commands (publishes among them) waiting for the Redis link, bytes.
  std::size_t queued_bytes() const { return commands_.queued_bytes(); }

  // Server operators: a kill of another node's user goes to its node; a ban or
  // its lifting to every node, and into Redis for nodes that start later.
  void kill(const User& by, const RemoteUser& target, std::string_view reason);
  void publish_ban(const ServerBan& ban);
  void publish_unban(const reactor::Cidr& mask);

  // RemoteUser::deliver: a private event or an invitation for `to` goes to
  // its node.
  void forward_private(const RemoteUser& to, const Event& e);
  void forward_invite(const RemoteUser& to, const Event& e);

  // ChatObserver
  void on_entered(const User& u) override;
  void on_left(const User& u, std::string_view reason, bool server_reason) override;
  void on_joined(const User& u, const Room& r) override;
  void on_parted(const User& u, std::string_view room, std::string_view reason,
                 const Room* r) override;
  void on_said(const Event& e, const Room& r) override;
  void on_renamed(const User& u, std::string_view old_nick) override;
  void on_away(const User& u) override;
  void on_oper(const User& u) override;
  void on_topic(const User& u, const Room& r) override;
  void on_modes(const User& u, const Room& r, std::string_view applied) override;
  void on_kicked(const User& u, std::string_view room, const User& target,
                 std::string_view reason) override;

 private:
  struct Peer {
    std::string id;
    std::uint64_t last_heard_ms = 0;
    std::unordered_map<std::uint64_t, std::unique_ptr<RemoteUser>> users;
  };
  struct Script {
    const char* source;
    std::string sha;  // SCRIPT LOAD's answer, once loaded
  };
  // A room's history being read for joiners here (backplane_history.cc).
  struct HistoryLoad {
    std::uint64_t id = 0;
    std::string room;
    std::uint64_t deadline_ms = 0;
    bool asked = false;                          // subscribed, and XREVRANGE sent
    std::vector<std::function<void()>> waiting;  // joiners' continuations
    std::vector<std::string> held;               // the room's lines heard meanwhile
  };

  // RedisClientHandler
  void on_redis_up(reactor::RedisClient& c) override;
  void on_redis_down(reactor::RedisClient& c, std::string_view why) override;
  void on_redis_push(reactor::RedisClient& c, reactor::RespValue&& v) override;
  // SentinelWatchHandler
  void on_primary(const reactor::RedisAddress& primary) override;

  // Links and liveness (backplane.cc).
  void check_role();
  void load_scripts();
  void subscribe_all();
  void subscribe(const std::string& channel);
  void unsubscribe(const std::string& channel);
  void update_subscription(std::string_view room);
  void beat();
  void check_peers();
  void update_linked();
  void become_linked();
  void become_isolated(std::string_view why);
  void tell_spanning_rooms(std::string_view text);
  void reserve_guests();
  void run_script(Script& s, std::vector<std::string> keys, std::vector<std::string> args,
                  reactor::RedisClient::Reply on_reply);

  // Publishing (backplane_publish.cc).
  EnvelopeWriter envelope(const std::string& channel, std::string_view kind);
  void publish(const std::string& channel, const reactor::MessageRef& envelope);
  bool can_publish();
  void publish_said(const Room& r, const std::string& channel, const reactor::MessageRef& envelope,
                    const User& sender);
  void publish_state(const std::string& channel);
  void publish_user(const User& u);
  std::string user_record(const User& u) const;
  static std::string room_record(const Room& r);
  std::uint64_t uid_of(const User& u) const;

  // Receiving (backplane_receive.cc).
  void on_message(std::string_view channel, std::string_view bytes);
  bool in_sequence(std::string_view channel, const Envelope& e);
  void apply(std::string_view channel, const Envelope& e);
  Peer& peer(std::string_view id);
  RemoteUser* remote_user(std::string_view node, std::string_view uid);
  RemoteUser* apply_user_record(Peer& p, std::string_view record, bool with_rooms);
  void apply_state(Peer& p, std::string_view records);
  void apply_said(RemoteUser& from, const Envelope& e);
  void apply_private(RemoteUser& from, const Envelope& e);
  void apply_kick(RemoteUser& by, const Envelope& e);
  void apply_invite(RemoteUser& from, const Envelope& e);
  void apply_room_record(std::string_view record);
  void apply_kill(RemoteUser& by, const Envelope& e);
  void apply_ban(std::string_view record);
  void load_bans();
  // A user named by node id and uid: this node's own, or another's.
  User* user_at(std::string_view node, std::string_view uid);
  void apply_save(const Envelope& e);
  void drop_peer(const std::string& id, std::string_view reason);
  void drop_remote_user(Peer& p, std::uint64_t uid, std::string_view reason, bool server_reason);

  // Room history in Redis (backplane_history.cc).
  void start_history_load(const std::string& channel, HistoryLoad& load);
  void ask_history(const std::string& channel, HistoryLoad& load);
  // True if `bytes` arrived for a room whose history is being read: kept to
  // be applied after it.
  bool hold_while_loading(std::string_view channel, std::string_view bytes);
  void finish_history_load(const std::string& channel, std::uint64_t id,
                           const reactor::RespValue* reply);
  void restore_history(Room& r, const std::string& channel, const reactor::RespValue& entries);
  void check_history_loads();
  void forget_history(std::string_view room);

  // Nicks (nick_claims.cc).
  std::string nick_record(const User& u, std::uint64_t claim_ms) const;
  // Claims u's nick as it is now; if a live node's user holds it, u becomes a guest.
  void claim_current_nick(const User& u);
  void release_nick(const User& u, std::string_view nick);
  void reassert_nicks();
  void lose_nick(User& u, std::string_view lost);
  void reap(const std::string& id);

  reactor::Loop& loop_;
  Chat& chat_;
  BackplaneHost& host_;
  Settings settings_;
  ClusterNames names_;
  std::string node_id_;  // name#incarnation: a restarted node never inherits claims
  std::string control_channel_;
  std::string inbox_;
  reactor::RedisClient commands_;
  reactor::RedisClient subscriber_;
  std::unique_ptr<reactor::SentinelWatch> sentinel_;  // with Settings::sentinels
  bool links_started_ = false;
  bool moving_ = false;  // to the primary Sentinel reported
  Script claim_{}, reassert_{}, release_{}, drop_node_{}, beat_{}, say_{};
  bool scripts_loaded_ = false;
  bool subscribed_ = false;  // ctl and the inbox confirmed
  bool linked_ = false;
  bool told_isolated_ = false;  // users were told contact was lost
  bool name_in_use_ = false;    // another live node has our name
  bool shutting_down_ = false;
  bool guests_asked_ = false;
  std::vector<UserHandle> told_;              // local users told that contact was lost
  std::uint64_t last_own_beat_ms_ = 0;        // when our beat last came back
  std::uint64_t beats_sent_at_ms_ = 0;        // when the first unanswered beat went
  std::unordered_set<std::string> channels_;  // subscribed, or to be on reconnect
  std::unordered_map<std::string, std::uint64_t> next_seq_;  // by channel
  // Last sequence number seen, by channel then origin.
  std::unordered_map<std::string, std::unordered_map<std::string, std::uint64_t>> last_seq_;
  std::unordered_map<std::string, Peer> peers_;
  std::vector<std::string> dead_;  // nodes gone silent whose records are still to reap
  // Claim time of each local user's nick, for the older-claim-wins rule.
  std::unordered_map<std::uint64_t, std::uint64_t> claimed_at_;
  std::unordered_map<std::string, HistoryLoad> loads_;  // by room channel
  std::uint64_t next_load_id_ = 0;
  BackplaneStats stats_;
  reactor::Timer beat_timer_;
  reactor::Timer loads_timer_;  // runs while histories are being read
  std::unique_ptr<reactor::Timer> goodbye_timer_;
};

}  // namespace chatd::cluster
