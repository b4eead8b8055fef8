// Specs for room history: what is kept (room lines, by reference to their broadcast's
// renderings; not private lines or CTCP), the per-room and total bounds, replays made once
// and shared, and a room's history going with the room.
#include "daemon/chat/history.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/chat/chat.h"
#include "daemon/chat/render_cache.h"
#include "reactor/message.h"

namespace chatd {
namespace {

using reactor::make_line;
using reactor::MessageRef;

// Renderings that say which event they are: "plain:TEXT" and "irc:TEXT".
MessageRef plain_of(RenderCache& cache) {
  return cache.get(variant::kPlain,
                   [](const Event& e) { return make_line("plain:" + std::string(e.text)); });
}
MessageRef irc_of(RenderCache& cache) {
  return cache.get(variant::kIrcFirst,
                   [](const Event& e) { return make_line("irc:" + std::string(e.text)); });
}

struct SilentUser final : User {
  explicit SilentUser(Protocol p) : User(p, "~u", "host.test", "Real Name", 0) {}
  void deliver(RenderCache& cache) override {
    if (cache.event().to_room) seen = plain_of(cache);  // as a plain front end would
  }
  MessageRef seen;
};

std::vector<std::string> kept(RoomHistory& h) {
  std::vector<std::string> out;
  h.for_each([&out](HistoryLine& l) { out.emplace_back(l.plain.view()); });
  return out;
}

class History : public testing::Test {
 protected:
  explicit History(HistoryStore::Limits limits = {}) : chat(settings(limits)) {
    chat.set_history_renderers({&plain_of, &irc_of});
  }

  static Chat::Settings settings(HistoryStore::Limits limits) {
    Chat::Settings s;
    s.history = limits;
    return s;
  }

  SilentUser& add(std::string_view nick, Protocol p = Protocol::kPlain) {
    users_.push_back(std::make_unique<SilentUser>(p));
    chat.enter(*users_.back(), nick);
    return *users_.back();
  }

  Room& joined(User& u, std::string_view name) {
    Room* room = nullptr;
    chat.join(u, name, {}, &room);
    return *room;
  }

  Chat chat;
  std::vector<std::unique_ptr<SilentUser>> users_;
};

TEST_F(History, KeepsRoomLinesAsTheVeryBlocksTheirBroadcastSent) {
  SilentUser& alice = add("alice");
  SilentUser& bob = add("bob");
  Room& room = joined(alice, "#dev");
  joined(bob, "#dev");
  chat.say(alice, room, Event::Kind::kMessage, "hi");
  ASSERT_EQ(room.history().size(), 1u);
  room.history().for_each([&bob](HistoryLine& l) {
    EXPECT_EQ(l.plain.get(), bob.seen.get()) << "a copy instead of a reference";
    EXPECT_EQ(l.irc.view(), "irc:hi\r\n");
  });
}

TEST_F(History, KeepsMessagesActionsAndNoticesButNotCtcpOrPrivateLines) {
  SilentUser& alice = add("alice");
  SilentUser& bob = add("bob");
  Room& room = joined(alice, "#dev");
  chat.say(alice, room, Event::Kind::kMessage, "one");
  chat.say(alice, room, Event::Kind::kAction, "two");
  chat.say(alice, room, Event::Kind::kNotice, "three");
  chat.say(alice, room, Event::Kind::kCtcp, "VERSION");
  chat.tell(alice, bob, Event::Kind::kMessage, "private");
  EXPECT_EQ(kept(room.history()),
            (std::vector<std::string>{"plain:one\r\n", "plain:two\r\n", "plain:three\r\n"}));
  EXPECT_EQ(chat.history().lines(), 3u);
}

TEST_F(History, ARunOfLinesSaidAtOnceIsKeptAsItsOneBlock) {
  SilentUser& alice = add("alice");
  Room& room = joined(alice, "#dev");
  chat.say_later(alice, room, Event::Kind::kMessage, "a");
  chat.say_later(alice, room, Event::Kind::kMessage, "b");
  chat.flush_said();
  EXPECT_EQ(room.history().size(), 1u);
  EXPECT_EQ(room.history().line_count(), 2u);
  EXPECT_EQ(chat.messages_relayed(), 2u);
}

TEST_F(History, ReplaysAreMadeOnceAndSharedByLaterJoiners) {
  SilentUser& alice = add("alice");
  Room& room = joined(alice, "#dev");
  chat.say(alice, room, Event::Kind::kMessage, "hi");
  int made = 0;
  auto make = [&made](const HistoryLine& l) {
    ++made;
    return prefix_each_line(l.plain.view(), "[00:00] ");
  };
  std::vector<const reactor::Message*> replays;
  for (int joiner = 0; joiner < 3; ++joiner) {
    room.history().for_each([&](HistoryLine& l) {
      replays.push_back(room.history().replay(l, replay::kPlain, make).get());
    });
  }
  EXPECT_EQ(made, 1);
  ASSERT_EQ(replays.size(), 3u);
  EXPECT_EQ(replays[0], replays[2]);
  room.history().for_each(
      [](HistoryLine& l) { EXPECT_EQ(l.replays[replay::kPlain].view(), "[00:00] plain:hi\r\n"); });
}

TEST_F(History, ARoomsHistoryGoesWithTheRoom) {
  SilentUser& alice = add("alice");
  Room& room = joined(alice, "#secret");
  chat.say(alice, room, Event::Kind::kMessage, "the password is swordfish");
  EXPECT_EQ(chat.history().lines(), 1u);
  chat.part(alice, "#secret", {});
  EXPECT_EQ(chat.find_room("#secret"), nullptr);
  EXPECT_EQ(chat.history().lines(), 0u);
  EXPECT_EQ(chat.history().bytes(), 0u);
  EXPECT_EQ(joined(alice, "#secret").history().size(), 0u);
}

class HistoryOfTwoLines : public History {
 protected:
  HistoryOfTwoLines() : History({2, std::size_t{1} << 20}) {}
};

TEST_F(HistoryOfTwoLines, KeepsTheLastLinesOfEachRoomOnly) {
  SilentUser& alice = add("alice");
  Room& room = joined(alice, "#dev");
  for (const char* text : {"1", "2", "3", "4"})
    chat.say(alice, room, Event::Kind::kMessage, text);
  EXPECT_EQ(kept(room.history()), (std::vector<std::string>{"plain:3\r\n", "plain:4\r\n"}));
}

TEST_F(HistoryOfTwoLines, ARunIsKeptOrDroppedWholeAndTheNewestRunAlwaysStays) {
  SilentUser& alice = add("alice");
  Room& room = joined(alice, "#dev");
  chat.say(alice, room, Event::Kind::kMessage, "alone");
  for (const char* text : {"a", "b", "c"})
    chat.say_later(alice, room, Event::Kind::kMessage, text);
  chat.flush_said();
  EXPECT_EQ(room.history().size(), 1u) << "the run of three stays, the older line goes";
  EXPECT_EQ(room.history().line_count(), 3u);
  chat.say(alice, room, Event::Kind::kMessage, "after");
  EXPECT_EQ(kept(room.history()), (std::vector<std::string>{"plain:after\r\n"}))
      << "keeping the run too would make four lines";
}

TEST_F(HistoryOfTwoLines, LoweredLimitsApplyAtOnceAndZeroKeepsNothing) {
  SilentUser& alice = add("alice");
  Room& room = joined(alice, "#dev");
  chat.say(alice, room, Event::Kind::kMessage, "1");
  chat.say(alice, room, Event::Kind::kMessage, "2");
  Chat::Settings s = chat.settings();
  s.history.lines_per_room = 1;
  chat.set_settings(s);
  EXPECT_EQ(kept(room.history()), (std::vector<std::string>{"plain:2\r\n"}));
  s.history.lines_per_room = 0;
  chat.set_settings(s);
  chat.say(alice, room, Event::Kind::kMessage, "3");
  EXPECT_EQ(room.history().size(), 0u);
  EXPECT_EQ(chat.history().bytes(), 0u);
}

class HistoryOfFewBytes : public History {
 protected:
  static constexpr std::size_t kMaxBytes = 64 * 1024;
  HistoryOfFewBytes() : History({20, kMaxBytes}) {}
};

// 2,000 rooms of 20 lines would take far more than the total allows: the oldest lines go,
// whichever room they are in, and the newest rooms keep theirs.
TEST_F(HistoryOfFewBytes, ManyRoomsStayWithinTheTotalOldestLinesFirst) {
  SilentUser& alice = add("alice", Protocol::kIrc);  // a plain user is in one room at a time
  Chat::Settings s = chat.settings();
  s.irc_max_rooms = 5000;
  chat.set_settings(s);
  std::vector<Room*> rooms;
  for (int r = 0; r < 2000; ++r) {
    Room& room = joined(alice, "#room" + std::to_string(r));
    rooms.push_back(&room);
    for (int i = 0; i < 20; ++i) {
      chat.say(alice, room, Event::Kind::kMessage, std::string(40, 'x'));
      ASSERT_LE(chat.history().bytes(), kMaxBytes);
    }
  }
  EXPECT_GT(chat.history().bytes(), kMaxBytes / 2);
  EXPECT_EQ(rooms.front()->history().size(), 0u);
  EXPECT_EQ(rooms.back()->history().size(), 20u);
  std::size_t lines = 0;
  for (Room* r : rooms)
    lines += r->history().size();
  EXPECT_EQ(lines, chat.history().lines());
}

TEST(PrefixEachLine, PrefixesEveryCrlfEndedLineOfABlock) {
  EXPECT_EQ(prefix_each_line("a\r\n", "> ").view(), "> a\r\n");
  EXPECT_EQ(prefix_each_line("a\r\nbc\r\n", "[1] ").view(), "[1] a\r\n[1] bc\r\n");
  EXPECT_EQ(prefix_each_line("", "> ").view(), "");
}

}  // namespace
}  // namespace chatd
