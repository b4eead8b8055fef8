// Backplane: the two links, heartbeats and leases, subscriptions, and whether
// this node is linked to the cluster or isolated from it.
#include "daemon/cluster/backplane.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>

#include "daemon/chat/chat.h"
#include "daemon/cluster/cluster_scripts.h"
#include "reactor/loop.h"
#include "reactor/redis/resp_command.h"

namespace chatd::cluster {
namespace {
constexpr std::uint64_t kBeatIntervalMs = 3000;
constexpr std::uint64_t kLeaseMs = 10000;
// A peer silent this long is gone: more than two beats, less than its lease,
// so its nicks are never taken over while it still runs.
constexpr std::uint64_t kPeerSilenceMs = 7000;
// Our own beat must come back through the subscriber link within two intervals.
constexpr std::uint64_t kOwnBeatDeadlineMs = 2 * kBeatIntervalMs + 500;
constexpr std::size_t kSubscribeBatch = 512;
constexpr std::uint64_t kGuestBlock = 1000;
constexpr std::uint64_t kGuestRefillBelow = 500;

reactor::RedisClientOptions subscriber_options() {
  reactor::RedisClientOptions o;
  o.push_mode = true;
  return o;
}

std::string incarnation_id(std::string_view name) {
  return fmt::format("{}#{:x}", name, static_cast<std::uint64_t>(Chat::wall_ms()));
}

}  // namespace

Backplane::Backplane(reactor::Loop& loop, Chat& chat, BackplaneHost& host, Settings settings)
    : loop_(loop),
      chat_(chat),
      host_(host),
      settings_(std::move(settings)),
      names_(settings_.prefix),
      node_id_(incarnation_id(settings_.node_name)),
      control_channel_(names_.control_channel()),
      inbox_(names_.inbox(node_id_)),
      commands_(loop, settings_.redis, {}, *this),
      subscriber_(loop, settings_.redis, subscriber_options(), *this),
      claim_{scripts::kClaim, {}},
      reassert_{scripts::kReassert, {}},
      release_{scripts::kRelease, {}},
      drop_node_{scripts::kDropNode, {}},
      beat_{scripts::kBeat, {}},
      say_{scripts::kSay, {}},
      beat_timer_(loop, [this] { beat(); }),
      loads_timer_(loop, [this] { check_history_loads(); }) {
  if (!settings_.sentinels.empty()) {
    reactor::SentinelWatchHandler& handler = *this;
    sentinel_ = std::make_unique<reactor::SentinelWatch>(loop, settings_.sentinels,
                                                         settings_.master, handler);
  }
}

Backplane::~Backplane() {
  chat_.set_observer(nullptr);
  for (auto& [id, p] : peers_) {
    for (auto& [uid, u] : p.users)
      chat_.leave_remote(*u, {}, false);
  }
}

void Backplane::start() {
  chat_.set_observer(this);
  channels_.insert(control_channel_);
  channels_.insert(inbox_);
  beat_timer_.start(kBeatIntervalMs, kBeatIntervalMs);
  if (sentinel_) {
    spdlog::info("cluster: node {} (id {}) asking {} sentinels for the primary {}, prefix {}",
                 settings_.node_name, node_id_, settings_.sentinels.size(), settings_.master,
                 settings_.prefix);
    return sentinel_->start();
  }
  spdlog::info("cluster: node {} (id {}) joining through {}, prefix {}", settings_.node_name,
               node_id_, settings_.redis.to_string(), settings_.prefix);
  links_started_ = true;
  commands_.start();
  subscriber_.start();
}

// A failover moves both links to the new primary at once, without waiting out
// the backoff the dead one earned; the rest is what a Redis restart does.
void Backplane::on_primary(const reactor::RedisAddress& primary) {
  spdlog::info("cluster: Sentinel reports the primary {} at {}", settings_.master,
               primary.to_string());
  moving_ = true;
  commands_.move_to(primary);
  subscriber_.move_to(primary);
  moving_ = false;
  if (links_started_) return;
  links_started_ = true;
  commands_.start();
  subscriber_.start();
}

// Under Sentinel the address may be stale (a demoted primary comes back as a
// replica): a link to anything but a primary is dropped and Sentinel asked again.
void Backplane::check_role() {
  commands_.command(reactor::resp_command({"ROLE"}), [this](reactor::RespValue&& v) {
    if (!v.is_array() || v.text_at(0) == "master" || !commands_.is_up()) return;
    spdlog::warn("cluster: {} is a {}, not the primary; asking Sentinel again",
                 commands_.address().to_string(), v.text_at(0));
    commands_.restart("not the primary");
    subscriber_.restart("not the primary");
    sentinel_->ask_again("the reported primary is a replica");
  });
}

void Backplane::on_redis_up(reactor::RedisClient& c) {
  const bool commands = &c == &commands_;
  spdlog::info("cluster: {} link to {} is up", commands ? "command" : "subscriber",
               c.address().to_string());
  c.command(reactor::resp_command(
      {"CLIENT", "SETNAME", fmt::format("chatd-{}-{}", commands ? "cmd" : "sub", node_id_)}));
  if (commands) {
    if (sentinel_) check_role();
    // Before the scripts, whose answers make the node linked: a user who
    // arrives once it is linked gets a guest number of the node's own block.
    reserve_guests();
    load_scripts();
  } else {
    subscribe_all();
  }
}

void Backplane::on_redis_down(reactor::RedisClient& c, std::string_view why) {
  const bool commands = &c == &commands_;
  spdlog::warn("cluster: {} link to {} is down: {}", commands ? "command" : "subscriber",
               c.address().to_string(), why);
  ++stats_.link_downs;
  // The sentinel link may have missed a +switch-master: ask it afresh.
  if (commands && sentinel_ && !moving_) sentinel_->ask_again("the primary's link went down");
  if (commands) {
    scripts_loaded_ = false;
  } else {
    subscribed_ = false;
  }
  update_linked();
}

void Backplane::on_redis_push(reactor::RedisClient&, reactor::RespValue&& v) {
  if (!v.is_array()) return;
  const std::string_view type = v.text_at(0);
  if (type == "message") return on_message(v.text_at(1), v.text_at(2));
  if (type != "subscribe") return;
  const std::string channel(v.text_at(1));
  if (channel == inbox_) {
    subscribed_ = true;
    last_own_beat_ms_ = loop_.now_ms();
    update_linked();
  } else if (const auto load = loads_.find(channel); load != loads_.end() && !load->second.asked) {
    ask_history(channel, load->second);
  }
}

void Backplane::load_scripts() {
  auto left = std::make_shared<int>(6);
  for (Script* s : {&claim_, &reassert_, &release_, &drop_node_, &beat_, &say_}) {
    commands_.command(reactor::resp_command({"SCRIPT", "LOAD", s->source}),
                      [this, s, left](reactor::RespValue&& v) {
                        if (v.is_error() || !commands_.is_up()) return;
                        s->sha = v.str;
                        if (--*left != 0) return;
                        scripts_loaded_ = true;
                        last_own_beat_ms_ = loop_.now_ms();
                        reserve_guests();
                        beat();
                        update_linked();
                      });
  }
}

void Backplane::run_script(Script& s, std::vector<std::string> keys, std::vector<std::string> args,
                           reactor::RedisClient::Reply on_reply) {
  std::vector<std::string_view> argv;
  const std::string key_count = std::to_string(keys.size());
  argv.reserve(3 + keys.size() + args.size());
  argv.insert(argv.end(),
              {s.sha.empty() ? "EVAL" : "EVALSHA",
               s.sha.empty() ? std::string_view(s.source) : std::string_view(s.sha), key_count});
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  reactor::MessageRef command = reactor::resp_command(argv);
  // A Redis restarted between SCRIPT LOAD and now has no scripts: send the body.
  commands_.command(command, [this, &s, keys = std::move(keys), args = std::move(args),
                              on_reply = std::move(on_reply)](reactor::RespValue&& v) mutable {
    if (v.is_error() && v.str.starts_with("NOSCRIPT") && !s.sha.empty()) {
      s.sha.clear();
      return run_script(s, std::move(keys), std::move(args), std::move(on_reply));
    }
    if (on_reply) on_reply(std::move(v));
  });
}

void Backplane::subscribe_all() {
  std::vector<std::string> order{inbox_, control_channel_};
  for (const std::string& c : channels_) {
    if (c != inbox_ && c != control_channel_) order.push_back(c);
  }
  // ctl first and the inbox last in the first batch: the inbox's confirmation
  // says the node hears the cluster.
  std::swap(order[0], order[std::min(order.size(), kSubscribeBatch) - 1]);
  for (std::size_t i = 0; i < order.size(); i += kSubscribeBatch) {
    std::vector<std::string_view> argv{"SUBSCRIBE"};
    for (std::size_t j = i; j < std::min(order.size(), i + kSubscribeBatch); ++j)
      argv.emplace_back(order[j]);
    subscriber_.command(reactor::resp_command(argv));
  }
}

void Backplane::subscribe(const std::string& channel) {
  if (!channels_.insert(channel).second) return;
  if (subscriber_.is_up()) subscriber_.command(reactor::resp_command({"SUBSCRIBE", channel}));
}

void Backplane::unsubscribe(const std::string& channel) {
  if (channels_.erase(channel) == 0) return;
  last_seq_.erase(channel);
  if (subscriber_.is_up()) subscriber_.command(reactor::resp_command({"UNSUBSCRIBE", channel}));
}

void Backplane::update_subscription(std::string_view room) {
  const Room* r = chat_.find_room(room);
  const std::string channel = names_.room(room);
  if (r != nullptr && r->local_size() > 0) {
    subscribe(channel);
    return;
  }
  unsubscribe(channel);
  // Unheard from now on, the lines it has would be stale when someone here
  // joins again (and the stream cannot be read).
  if (r != nullptr) r->history().trim_to(0);
}

void Backplane::beat() {
  const std::uint64_t now = loop_.now_ms();
  if (commands_.is_up() && scripts_loaded_ && !shutting_down_) {
    run_script(
        beat_, {names_.name(settings_.node_name), names_.lease(node_id_), names_.nodes()},
        {node_id_, settings_.node_name, std::to_string(kLeaseMs), std::to_string(Chat::wall_ms())},
        [this](reactor::RespValue&& v) {
          if (v.type != reactor::RespValue::Type::kInteger) return;
          const bool in_use = v.integer == 0;
          if (in_use && !name_in_use_) {
            spdlog::error(
                "cluster: node name {} is in use by another live node; this "
                "node stays out of the cluster until it is free",
                settings_.node_name);
          }
          name_in_use_ = in_use;
          update_linked();
        });
    publish(control_channel_,
            envelope(control_channel_, "beat").field(chat_.user_count()).finish());
    if (subscribed_ && now - last_own_beat_ms_ > kOwnBeatDeadlineMs) {
      subscribed_ = false;
      subscriber_.restart("this node's heartbeat did not come back within two intervals");
      update_linked();
    }
    for (const std::string& id : std::vector<std::string>(dead_))
      reap(id);
  }
  // The sentinel in use may be silent, or have missed a +switch-master.
  if (sentinel_ && links_started_ && !commands_.is_up()) {
    sentinel_->ask_again("the primary is still unreachable");
  }
  check_peers();
  if (linked_) reserve_guests();
}

void Backplane::check_peers() {
  const std::uint64_t now = loop_.now_ms();
  std::vector<std::string> silent;
  for (const auto& [id, p] : peers_) {
    if (now - p.last_heard_ms > kPeerSilenceMs) silent.push_back(id);
  }
  for (const std::string& id : silent) {
    spdlog::warn("cluster: node {} has been silent for {} s; its users are gone", id,
                 kPeerSilenceMs / 1000);
    drop_peer(id, "server went away");
    dead_.push_back(id);
  }
}

void Backplane::update_linked() {
  const bool now_linked = commands_.is_up() && scripts_loaded_ && subscriber_.is_up() &&
                          subscribed_ && !name_in_use_ && !shutting_down_;
  if (now_linked == linked_) return;
  if (now_linked) return become_linked();
  become_isolated(!commands_.is_up() || !subscriber_.is_up() ? "a link to Redis is down"
                  : name_in_use_                             ? "the node name is in use"
                                                             : "waiting for Redis");
}

void Backplane::become_linked() {
  linked_ = true;
  spdlog::info("cluster: linked; {} other nodes known", peers_.size());
  publish(control_channel_, envelope(control_channel_, "hello").finish());
  publish_state(control_channel_);
  reassert_nicks();
  load_bans();
  if (told_isolated_) {
    told_isolated_ = false;
    for (const UserHandle h : told_) {
      if (User* u = chat_.resolve(h))
        host_.notify(*u, "contact with the other chatd servers is back");
    }
    told_.clear();
  }
}

void Backplane::become_isolated(std::string_view why) {
  linked_ = false;
  if (shutting_down_) return;
  spdlog::warn("cluster: isolated ({}); local chat goes on", why);
  if (told_isolated_) return;
  told_isolated_ = true;
  chat_.for_each_user([&](User& u) {
    if (u.protocol() == Protocol::kRemote) return;
    for (const Membership& m : u.memberships()) {
      if (m.room->size() > m.room->local_size()) {
        host_.notify(u,
                     "lost contact with other chatd servers; only people on this server can "
                     "hear you");
        told_.push_back(chat_.handle_of(u));
        return;
      }
    }
  });
}

void Backplane::reserve_guests() {
  if (guests_asked_ || !commands_.is_up()) return;
  // Until its first block a node numbers guests on its own (guests_left() is
  // then unbounded).
  const std::uint64_t left = chat_.guests_left();
  if (left >= kGuestRefillBelow && left != std::numeric_limits<std::uint64_t>::max()) return;
  guests_asked_ = true;
  commands_.command(
      reactor::resp_command({"INCRBY", names_.guest_sequence(), std::to_string(kGuestBlock)}),
      [this](reactor::RespValue&& v) {
        guests_asked_ = false;
        if (v.type != reactor::RespValue::Type::kInteger || v.integer < 1) return;
        const auto end = static_cast<std::uint64_t>(v.integer);
        chat_.reserve_guests(end - kGuestBlock + 1, kGuestBlock);
      });
}

bool Backplane::can_reach(const User& u) const {
  return u.protocol() != Protocol::kRemote || linked_;
}

std::string Backplane::describe() const {
  const std::string via = sentinel_ ? fmt::format(" ({})", sentinel_->describe()) : "";
  if (linked_) return fmt::format("cluster linked, {} other nodes{}", peers_.size(), via);
  if (!commands_.is_up() || !subscriber_.is_up()) {
    return fmt::format("cluster isolated: Redis unreachable{}", via);
  }
  return name_in_use_ ? "cluster isolated: node name in use" : "cluster joining";
}

void Backplane::shut_down(std::function<void()> done) {
  shutting_down_ = true;
  chat_.set_observer(nullptr);
  auto finish = std::make_shared<std::function<void()>>([this, done = std::move(done)] {
    beat_timer_.stop();
    if (goodbye_timer_) goodbye_timer_->stop();
    if (sentinel_) sentinel_->stop();
    commands_.stop();
    subscriber_.stop();
    if (done) done();
  });
  if (!commands_.is_up()) return (*finish)();
  publish(control_channel_, envelope(control_channel_, "bye").finish());
  auto once = [finish] {
    if (*finish) std::exchange(*finish, nullptr)();
  };
  run_script(drop_node_,
             {names_.node_nicks(node_id_), names_.lease(node_id_), names_.nodes(),
              names_.name(settings_.node_name)},
             {node_id_, "1"}, [once](reactor::RespValue&&) { once(); });
  goodbye_timer_ = std::make_unique<reactor::Timer>(loop_, once);
  goodbye_timer_->start(1000);
}

}  // namespace chatd::cluster
