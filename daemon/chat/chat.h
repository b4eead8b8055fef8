// Chat: the protocol-neutral model of who is where: users and their nicks, rooms
// with their topics, modes and operators, and the events every change causes.
// Front ends (plain, IRC) call it and render what it broadcasts; they hold the
// protocol's words, the model holds the rules.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/chat/chat_observer.h"
#include "daemon/chat/event.h"
#include "daemon/chat/mode_change.h"
#include "daemon/chat/nick_registry.h"
#include "daemon/chat/room_registry.h"
#include "daemon/chat/user.h"
#include "reactor/histogram.h"

namespace chatd {

class Chat {
 public:
  struct Settings {
    std::size_t announce_limit = 200;  // plain users do not see joins/parts/quits in bigger rooms
    std::string default_room = "#lobby";
    std::size_t irc_max_rooms = 50;  // a plain user is in at most one
    HistoryStore::Limits history;
  };

  explicit Chat(Settings settings)
      : settings_(std::move(settings)), history_(settings_.history), rooms_(history_) {}
  void set_settings(Settings settings) {
    settings_ = std::move(settings);
    history_.set_limits(settings_.history);
  }
  const Settings& settings() const { return settings_; }

  // The cluster (daemon/cluster/), told of every change this node's users make;
  // null on a single node.
  void set_observer(ChatObserver* o) { observer_ = o; }

  // ---- users
  // kHeldRemotely: another node's user had it when this node last heard, which
  // only the cluster can confirm (a single node never answers it).
  enum class NickCheck { kFree, kInvalid, kTaken, kHeldRemotely };
  // Whether `nick` is valid and free (held by `asking` counts as free).
  NickCheck check_nick(std::string_view nick, const User* asking = nullptr) const;
  // A guest-N nick nobody holds.
  std::string guest_nick();
  // Guest numbers this node may hand out (NickRegistry::reserve_guests).
  void reserve_guests(std::uint64_t first, std::uint64_t count) {
    nicks_.reserve_guests(first, count);
  }
  std::uint64_t guests_left() const { return nicks_.guests_left(); }
  // `u` comes in under `nick`, which check_nick() said is free.
  void enter(User& u, std::string_view nick);
  // `u` goes: every user sharing a room with it hears one quit with `reason`
  // (unless !announce: shutdown), it leaves its rooms, its nick is free.
  void leave(User& u, std::string_view reason, bool server_reason, bool announce);
  bool contains(const User& u) const;

  User* find_user(std::string_view nick) const { return nicks_.find(nick); }
  std::size_t user_count() const { return nicks_.size(); }
  UserHandle handle_of(const User& u) const;
  User* resolve(UserHandle h) const;
  // f(User&) for every user; f must not add or remove users.
  template <class F>
  void for_each_user(F&& f) const;
  // f(User&) once for every other user sharing a room with `u`, however many
  // rooms they share (IRC's QUIT, NICK and AWAY reach each neighbour once). As
  // an announcement (a quit, a nick change), plain users in rooms above
  // announce_limit are skipped, and never even visited.
  enum class Reach { kEveryone, kAnnouncement };
  template <class F>
  void for_each_neighbour(User& u, F&& f, Reach reach = Reach::kEveryone);

  // ---- rooms
  enum class JoinResult {
    kJoined,
    kInvalidName,
    kAlreadyThere,
    kTooManyRooms,
    kBanned,
    kBadKey,
    kFull,
    kInviteOnly
  };
  // `u` joins `name` ("#dev"), creating it (with `u` as operator) if empty. A
  // plain user leaves its room first, once the new one has let it in. `joined`
  // receives the room on kJoined and kAlreadyThere.
  JoinResult join(User& u, std::string_view name, std::string_view key, Room** joined = nullptr);
  enum class PartResult { kParted, kNoSuchRoom, kNotInRoom };
  PartResult part(User& u, std::string_view name, std::string_view reason);
  Room* find_room(std::string_view name) const { return rooms_.find(name); }
  const RoomRegistry& rooms() const { return rooms_; }
  // Whether `asking` may see that `room` exists (+s rooms: members only).
  static bool is_visible(const Room& room, const User& asking);

  // ---- talk
  enum class SayResult { kSent, kNotInRoom, kModerated, kBanned };
  // `kind` is one of the said kinds; `text` is already sanitized.
  SayResult say(User& u, Room& r, Event::Kind kind, std::string_view text,
                std::string_view client_tags = {});
  // The same, but a line said right after others by the same user to the same
  // room joins them in one event, relayed at flush_said(): each member then gets
  // one reference to one block per variant for the whole run of lines. Front
  // ends call flush_said() when a read's lines are handled; every other change
  // to the chat flushes first, so nothing is ever seen out of order.
  SayResult say_later(User& u, Room& r, Event::Kind kind, std::string_view text);
  void flush_said();
  // A private message; the sender sees it too if its front end echoes.
  void tell(User& from, User& to, Event::Kind kind, std::string_view text,
            std::string_view client_tags = {});
  // Lines relayed to rooms since start (systemd STATUS= shows the rate).
  std::uint64_t messages_relayed() const { return messages_relayed_; }
  // Members of the room each relayed run went to.
  const reactor::Histogram& fanout() const { return fanout_; }

  // ---- history
  // How lines are rendered to be kept: by the front ends, which the model does
  // not know. Until set, nothing is kept.
  void set_history_renderers(HistoryRenderers r) { history_renderers_ = r; }
  const HistoryStore& history() const { return history_; }

  // ---- nick, away, realname
  enum class RenameResult { kRenamed, kUnchanged, kInvalid, kTaken, kTooFast, kHeldRemotely };
  // What rename() would answer now, changing nothing; kRenamed for a change
  // only the nick's case (the nick stays this user's), kHeldRemotely as for
  // check_nick().
  RenameResult check_rename(const User& u, std::string_view nick, std::uint64_t now_ms) const;
  // Everyone sharing a room with `u`, and `u` itself, hear the change once.
  // Changes are limited to a burst of 3, then one per 10 s.
  RenameResult rename(User& u, std::string_view nick, std::uint64_t now_ms);
  // The server renames `u` to `nick` (free, valid), whatever its rate: a nick
  // the cluster gave to an earlier claim.
  void rename_by_server(User& u, std::string_view nick);
  // Seconds until `u` may change nick again (for kTooFast).
  std::uint64_t seconds_until_rename(const User& u, std::uint64_t now_ms) const;
  // Empty `text`: back. Neighbours hear it (IRC away-notify).
  void set_away(User& u, std::string_view text);
  // `u` is a server operator now, as `name` of the [[oper]] tables.
  void make_oper(User& u, std::string_view name) {
    u.set_oper(std::string(name));
    if (ChatObserver* o = observer_for(u)) o->on_oper(u);
  }
  void set_realname(User& u, std::string_view realname);

  // ---- moderation
  enum class TopicResult { kSet, kNotInRoom, kNotOperator };
  TopicResult set_topic(User& u, Room& r, std::string_view text);
  enum class KickResult { kKicked, kNotInRoom, kNotOperator, kNoSuchNick, kTargetNotInRoom };
  KickResult kick(User& u, Room& r, std::string_view nick, std::string_view reason);
  enum class InviteResult { kInvited, kNotInRoom, kNotOperator, kAlreadyThere };
  InviteResult invite(User& u, Room& r, User& target);

  struct ModeError {
    enum Kind {
      kNotOperator,
      kUnknownMode,
      kNeedsArgument,
      kNoSuchNick,
      kTargetNotInRoom,
      kBadKey,
      kBadLimit,
      kBadMask,
      kBanListFull
    } kind;
    char letter;
    std::string_view arg;
  };
  struct ModeOutcome {
    std::vector<ModeError> errors;
    std::string applied;  // "+o-v alice bob", broadcast to the room; empty if nothing changed
  };
  // Applies the changes an operator may make; a non-operator gets one
  // kNotOperator. Bare 'b' (list bans) is the front end's and is skipped here.
  ModeOutcome change_modes(User& u, Room& r, std::span<const ModeChange> changes);

  // ---- other nodes' users (daemon/cluster/): what their nodes decided and
  // their members already saw, applied here without checks and shown to this
  // node's members. `u` is a Protocol::kRemote user.
  // Registers `u` as `nick` unless a user of this node holds it (a collision
  // the cluster resolves: u is then found by no nick until it renames).
  void enter_remote(User& u, std::string_view nick);
  void leave_remote(User& u, std::string_view reason, bool server_reason);
  // A room this node did not know is made with the origin's creation time.
  void join_remote(User& u, std::string_view room, std::uint8_t status, std::int64_t created_at);
  void part_remote(User& u, Room& r, std::string_view reason);
  void say_remote(User& u, Room& r, Event::Kind kind, std::span<const std::string_view> lines,
                  std::string_view client_tags, std::int64_t time_ms);
  void tell_remote(User& from, User& to, Event::Kind kind, std::string_view text,
                   std::string_view client_tags, std::int64_t time_ms);
  void rename_remote(User& u, std::string_view nick);
  void set_away_remote(User& u, std::string_view text);
  void set_topic_remote(User& u, Room& r, std::string_view text, std::int64_t set_at);
  // `applied` as ModeOutcome::applied: "+o-v alice bob".
  void change_modes_remote(User& u, Room& r, std::string_view applied);
  void kick_remote(User& u, Room& r, User& target, std::string_view reason);
  void invite_remote(User& from, Room& r, User& to);
  // Another node's copy of a room's settings: adopted when that room is older
  // (the first node to make a room sets its modes), its topic when newer.
  void merge_room_remote(Room& r, std::int64_t created_at, const RoomModes& modes,
                         const Topic& topic);
  // A line read back from the cluster's copy of r's history, said by
  // nick!ident@host (who may have left since): kept as if it had been said
  // here, oldest first, and shown to no one now.
  struct Speaker {
    std::string_view nick, ident, host;
  };
  void remember_said(Room& r, Event::Kind kind, const Speaker& by,
                     std::span<const std::string_view> lines, std::int64_t time_ms);

  // Wall-clock now, in milliseconds and in seconds.
  static std::int64_t wall_ms();
  static std::int64_t wall_seconds() { return wall_ms() / 1000; }

 private:
  struct UserSlot {
    User* user = nullptr;
    std::uint32_t generation = 0;
  };

  // Lines held by say_later(), with the text of each as [begin, end) in `text`.
  struct PendingSaid {
    User* user = nullptr;
    Room* room = nullptr;
    Event::Kind kind = Event::Kind::kMessage;
    std::string text;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> spans;
  };

  Event event_by(Event::Kind kind, const User& u) const;
  bool is_local(const User& u) const { return u.protocol() != Protocol::kRemote; }
  // The observer, when `u` is this node's user.
  ChatObserver* observer_for(const User& u) const { return is_local(u) ? observer_ : nullptr; }
  SayResult may_say(const User& u, const Room& r) const;
  void relay_said(User& u, Room& r, Event& e, std::size_t lines);
  void apply_rename(User& u, std::string_view nick);
  void apply_away(User& u, std::string_view text);
  ModeOutcome apply_modes(User& u, Room& r, std::span<const ModeChange> changes);
  void apply_topic(User& u, Room& r, std::string_view text, std::int64_t set_at);
  void apply_kick(User& u, Room& r, User& target, std::string_view reason);
  void apply_invite(User& u, Room& r, User& target);
  void announce_quit(User& u, std::string_view reason, bool server_reason);
  void drop_memberships(User& u);
  void forget_user(User& u);
  void keep_in_history(Room& r, RenderCache& cache, std::size_t lines);
  // Joins, parts and quits: shown to plain users only in rooms up to
  // announce_limit (a 10,000-user room would otherwise get 10^8 lines), and to
  // IRC users always (their clients build nick lists from them).
  void announce(const Room& r, RenderCache& cache) const;
  bool is_quiet_for_plain(const Room& r) const { return r.size() > settings_.announce_limit; }
  void add_member(User& u, Room& r);
  void remove_member(User& u, Room& r);
  JoinResult admit(const User& u, const Room& r, std::string_view key) const;
  Membership* membership_of(User& u, const Room& r);

  Settings settings_;
  ChatObserver* observer_ = nullptr;
  NickRegistry nicks_;
  HistoryStore history_;  // before rooms_, whose histories it holds together
  HistoryRenderers history_renderers_;
  RoomRegistry rooms_;
  std::vector<UserSlot> users_;
  std::vector<std::uint32_t> free_slots_;
  PendingSaid pending_;
  std::uint64_t neighbour_mark_ = 0;
  std::uint64_t messages_relayed_ = 0;
  static constexpr std::array<double, 16> kFanoutBounds = {1,   2,   5,   10,  20,  50,  100, 200,
                                                           500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5};
  reactor::Histogram fanout_{kFanoutBounds};
};

template <class F>
void Chat::for_each_user(F&& f) const {
  for (const UserSlot& s : users_) {
    if (s.user != nullptr) f(*s.user);
  }
}

template <class F>
void Chat::for_each_neighbour(User& u, F&& f, Reach reach) {
  const std::uint64_t mark = ++neighbour_mark_;
  u.neighbour_mark_ = mark;
  for (const Membership& m : u.memberships()) {
    for (const Protocol p : {Protocol::kPlain, Protocol::kIrc}) {
      if (p == Protocol::kPlain && reach == Reach::kAnnouncement && is_quiet_for_plain(*m.room)) {
        continue;
      }
      for (const Seat& s : m.room->seats(p)) {
        if (s.user->neighbour_mark_ == mark) continue;
        s.user->neighbour_mark_ = mark;
        f(*s.user);
      }
    }
  }
}

}  // namespace chatd
