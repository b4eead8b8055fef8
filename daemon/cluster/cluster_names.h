// The Redis keys and channels of one chat, all under --cluster-prefix P. The
// control plane shares the hash tag {c}, so each script touches one slot even on
// a Redis Cluster; each room's channel has its own tag, so a later move to
// sharded pub/sub (SPUBLISH) spreads rooms over shards without a format change.
//
//   P:{c}:node:<id>       string  a node's lease (PX 10 s, refreshed every 3 s)
//   P:{c}:name:<name>     string  which live node id uses a node name
//   P:{c}:nodes           zset    node id -> last beat (ms)
//   P:{c}:nick:<folded>   string  "<node id> <uid> <claim ms> <nick>"
//   P:{c}:nodenicks:<id>  set     the nick keys a node holds
//   P:{c}:guestseq        counter guest numbers, reserved 1,000 at a time
//   P:{c}:bans            hash    server bans: mask -> "<set at> <expires> <by> <reason>"
//   channel P:{c}:ctl     users and nodes: who came, went, joined, renamed
//   channel P:{c}:to:<id> a node's inbox: private messages, state on request
//   P:h:{<room>}          stream  a room's recent lines (the said envelopes,
//                                 capped near --history-lines), same tag as its channel
//   channel P:r:{<room>}  what is said in a room (folded name)
#pragma once

#include <string>
#include <string_view>

namespace chatd::cluster {

class ClusterNames {
 public:
  explicit ClusterNames(std::string prefix) : prefix_(std::move(prefix)) {}

  std::string lease(std::string_view node_id) const { return control("node:", node_id); }
  std::string lease_prefix() const { return control("node:", ""); }
  std::string name(std::string_view node_name) const { return control("name:", node_name); }
  std::string nodes() const { return control("nodes", ""); }
  std::string nick(std::string_view nick) const;
  std::string node_nicks(std::string_view node_id) const { return control("nodenicks:", node_id); }
  std::string guest_sequence() const { return control("guestseq", ""); }
  std::string bans() const { return control("bans", ""); }
  std::string control_channel() const { return control("ctl", ""); }
  std::string inbox(std::string_view node_id) const { return control("to:", node_id); }
  std::string room(std::string_view room) const;
  std::string history(std::string_view room) const;
  // The room whose channel this is, or empty.
  std::string_view room_of(std::string_view channel) const;

 private:
  std::string control(std::string_view what, std::string_view id) const;
  std::string tagged_room(std::string_view kind, std::string_view room) const;
  std::string prefix_;
};

}  // namespace chatd::cluster
