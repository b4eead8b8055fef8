// The paged replies: NAMES, WHO and LIST, each from a snapshot taken when asked
// (handles, so users who leave meanwhile are skipped, never dangling).
#include "daemon/irc/paged_reply.h"

#include <fmt/format.h>

#include <algorithm>

#include "daemon/chat/room.h"
#include "daemon/irc/irc_lines.h"
#include "daemon/irc/irc_service.h"
#include "daemon/irc/irc_session.h"
#include "daemon/irc/numerics.h"
#include "daemon/irc/prefixes.h"

namespace chatd::irc {
namespace {

std::vector<UserHandle> members_of(const Chat& chat, const Room& room) {
  std::vector<UserHandle> handles;
  handles.reserve(room.size());
  room.for_each_seat([&](const Seat& seat) { handles.push_back(chat.handle_of(*seat.user)); });
  return handles;
}

// 353 lines, as many names in each as fit; then 366.
class NamesReply final : public PagedReply {
 public:
  NamesReply(std::string room, char symbol, std::vector<UserHandle> members)
      : room_(std::move(room)), symbol_(symbol), members_(std::move(members)) {}

  bool produce(IrcSession& s, std::size_t budget) override {
    const Room* room = s.chat().find_room(room_);
    const std::string head = fmt::format(":{} {} {} {} {}", s.irc().server_name(), num::kNamReply,
                                         s.target(), symbol_, room_);
    const std::size_t room_for_names = IrcLines::room_after(head);
    IrcLines lines;
    std::string names;
    while (next_ < members_.size() && lines.size() < budget) {
      const User* u = s.chat().resolve(members_[next_++]);
      if (u == nullptr || room == nullptr || !u->in_room(*room)) continue;
      if (u->invisible() && !s.in_room(*room)) continue;
      std::string entry = prefixes(u->status_in(*room), s.has(kMultiPrefix));
      entry += u->nick();
      if (s.has(kUserhostInNames)) entry += fmt::format("!{}@{}", u->ident(), u->host());
      if (!names.empty() && names.size() + 1 + entry.size() > room_for_names) {
        lines.add(head, names);
        names.clear();
      }
      if (!names.empty()) names += ' ';
      names += entry;
    }
    if (!names.empty()) lines.add(head, names);
    const bool done = next_ == members_.size();
    if (done) {
      lines.add(
          fmt::format(":{} {} {} {}", s.irc().server_name(), num::kEndOfNames, s.target(), room_),
          "End of /NAMES list");
    }
    if (!lines.empty()) s.send(lines.message());
    return done;
  }

 private:
  std::string room_;
  char symbol_;
  std::vector<UserHandle> members_;
  std::size_t next_ = 0;
};

// One 352 line per user; `room` is the channel field ("*" for a mask).
class WhoReply final : public PagedReply {
 public:
  WhoReply(std::string room, std::string mask, std::vector<UserHandle> users)
      : room_(std::move(room)), mask_(std::move(mask)), users_(std::move(users)) {}

  bool produce(IrcSession& s, std::size_t budget) override {
    const Room* room = room_ == "*" ? nullptr : s.chat().find_room(room_);
    const std::string& srv = s.irc().server_name();
    IrcLines lines;
    while (next_ < users_.size() && lines.size() < budget) {
      const User* u = s.chat().resolve(users_[next_++]);
      if (u == nullptr || (room_ != "*" && (room == nullptr || !u->in_room(*room)))) continue;
      std::string flags = u->away().empty() ? "H" : "G";
      if (u->is_oper()) flags += '*';
      if (room != nullptr) flags += prefixes(u->status_in(*room), s.has(kMultiPrefix));
      lines.add(fmt::format(":{} {} {} {} {} {} {} {} {}", srv, num::kWhoReply, s.target(), room_,
                            u->ident(), u->host(), srv, u->nick(), flags),
                fmt::format("0 {}", u->realname()));
    }
    const bool done = next_ == users_.size();
    if (done) {
      lines.add(fmt::format(":{} {} {} {}", srv, num::kEndOfWho, s.target(), mask_),
                "End of /WHO list");
    }
    if (!lines.empty()) s.send(lines.message());
    return done;
  }

 private:
  std::string room_;
  std::string mask_;
  std::vector<UserHandle> users_;
  std::size_t next_ = 0;
};

class ListReply final : public PagedReply {
 public:
  explicit ListReply(std::vector<std::string> rooms) : rooms_(std::move(rooms)) {}

  bool produce(IrcSession& s, std::size_t budget) override {
    const std::string& srv = s.irc().server_name();
    IrcLines lines;
    if (!started_) {
      started_ = true;
      lines.add(fmt::format(":{} {} {} Channel", srv, num::kListStart, s.target()), "Users  Name");
    }
    while (next_ < rooms_.size() && lines.size() < budget) {
      const Room* room = s.chat().find_room(rooms_[next_++]);
      if (room == nullptr || !Chat::is_visible(*room, s)) continue;
      lines.add(
          fmt::format(":{} {} {} {} {}", srv, num::kList, s.target(), room->name(), room->size()),
          room->topic().text);
    }
    const bool done = next_ == rooms_.size();
    if (done) lines.add(fmt::format(":{} {} {}", srv, num::kListEnd, s.target()), "End of /LIST");
    s.send(lines.message());
    return done;
  }

 private:
  std::vector<std::string> rooms_;
  std::size_t next_ = 0;
  bool started_ = false;
};

}  // namespace

std::unique_ptr<PagedReply> names_reply(IrcSession& s, const Room& room) {
  const char symbol = room.modes().has(RoomModes::kSecret) ? '@' : '=';
  return std::make_unique<NamesReply>(room.name(), symbol, members_of(s.chat(), room));
}

std::unique_ptr<PagedReply> end_of_names(std::string room_name) {
  return std::make_unique<NamesReply>(std::move(room_name), '=', std::vector<UserHandle>());
}

std::unique_ptr<PagedReply> who_room_reply(IrcSession& s, const Room& room, std::string mask) {
  return std::make_unique<WhoReply>(room.name(), std::move(mask), members_of(s.chat(), room));
}

std::unique_ptr<PagedReply> who_users_reply(std::vector<UserHandle> users, std::string mask) {
  return std::make_unique<WhoReply>("*", std::move(mask), std::move(users));
}

std::unique_ptr<PagedReply> list_reply(IrcSession& s, const std::vector<std::string>& wanted) {
  std::vector<std::string> rooms;
  if (wanted.empty()) {
    for (const Room* r : s.chat().rooms().by_size()) {
      if (Chat::is_visible(*r, s)) rooms.push_back(r->name());
    }
  } else {
    rooms = wanted;
  }
  return std::make_unique<ListReply>(std::move(rooms));
}

}  // namespace chatd::irc
