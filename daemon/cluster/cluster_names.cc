// Key and channel names.
#include "daemon/cluster/cluster_names.h"

#include "daemon/chat/names.h"

namespace chatd::cluster {

std::string ClusterNames::control(std::string_view what, std::string_view id) const {
  std::string key = prefix_;
  key += ":{c}:";
  key += what;
  key += id;
  return key;
}

std::string ClusterNames::nick(std::string_view nick) const {
  return control("nick:", fold_case(nick));
}

std::string ClusterNames::tagged_room(std::string_view kind, std::string_view room) const {
  std::string name = prefix_;
  name += kind;
  name += fold_case(room);
  name += '}';
  return name;
}

std::string ClusterNames::room(std::string_view room) const {
  return tagged_room(":r:{", room);
}

std::string ClusterNames::history(std::string_view room) const {
  return tagged_room(":h:{", room);
}

std::string_view ClusterNames::room_of(std::string_view channel) const {
  if (!channel.starts_with(prefix_)) return {};
  channel.remove_prefix(prefix_.size());
  if (!channel.starts_with(":r:{") || !channel.ends_with('}')) return {};
  return channel.substr(4, channel.size() - 5);
}

}  // namespace chatd::cluster
