// Specs for the chat model: joins, parts and quits, nicks, speech and moderation rules,
// and which events each user is delivered, with users that only record what they get.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/chat/chat.h"
#include "daemon/chat/mask.h"
#include "daemon/chat/render_cache.h"

namespace chatd {
namespace {

using Kind = Event::Kind;

// What one delivered event said, copied out of the event.
struct Delivered {
  Kind kind = Kind::kMessage;
  std::string nick;
  std::string target;
  std::string text;
  std::string arg;
  bool server_reason = false;
  std::vector<std::string> said;  // the lines of a said kind, one unless held by say_later
};

// A user that renders nothing and remembers every event it is shown.
struct FakeUser final : User {
  explicit FakeUser(Protocol protocol) : User(protocol, "~u", "host.test", "Real Name", 0) {}

  void deliver(RenderCache& cache) override {
    const Event& e = cache.event();
    Delivered& d = got.emplace_back();
    d.kind = e.kind;
    d.nick = e.nick;
    d.target = e.target;
    d.text = e.text;
    d.arg = e.arg;
    d.server_reason = e.server_reason;
    if (is_said(e.kind)) {
      for_each_said_line(e, [&](std::string_view line) { d.said.emplace_back(line); });
    }
  }

  std::size_t count(Kind k) const {
    return static_cast<std::size_t>(
        std::count_if(got.begin(), got.end(), [k](const Delivered& d) { return d.kind == k; }));
  }
  std::vector<Kind> kinds() const {
    std::vector<Kind> out;
    for (const Delivered& d : got)
      out.push_back(d.kind);
    return out;
  }

  std::vector<Delivered> got;
};

class ChatModel : public testing::Test {
 protected:
  FakeUser& add(std::string_view nick, Protocol protocol = Protocol::kIrc) {
    users_.push_back(std::make_unique<FakeUser>(protocol));
    chat.enter(*users_.back(), nick);
    return *users_.back();
  }

  // `u` joins `name`, which must let it in; the room it is now in. A refusal ends
  // the test (GoogleTest reports the exception) rather than handing back no room.
  Room& joined(FakeUser& u, std::string_view name, std::string_view key = {}) {
    Room* room = nullptr;
    if (chat.join(u, name, key, &room) != Chat::JoinResult::kJoined || room == nullptr) {
      throw std::runtime_error(u.nick() + " could not join " + std::string(name));
    }
    return *room;
  }

  Chat::ModeOutcome modes(User& u, Room& r, std::string_view letters,
                          std::vector<std::string_view> args = {}) {
    const std::vector<ModeChange> changes = parse_mode_changes(letters, args);
    return chat.change_modes(u, r, changes);
  }

  void forget_deliveries() {
    for (auto& u : users_)
      u->got.clear();
  }

  Chat chat{Chat::Settings{}};

 private:
  std::vector<std::unique_ptr<FakeUser>> users_;
};

using ChatJoin = ChatModel;
using ChatLeave = ChatModel;
using ChatRename = ChatModel;
using ChatSay = ChatModel;
using ChatKick = ChatModel;
using ChatTopic = ChatModel;
using ChatModes = ChatModel;
using ChatUsers = ChatModel;

TEST_F(ChatJoin, MakesTheFirstJoinerOperator) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  Room& room = joined(alice, "#dev");
  joined(bob, "#dev");
  EXPECT_EQ(alice.status_in(room), kOperator);
  EXPECT_EQ(bob.status_in(room), 0);
}

TEST_F(ChatJoin, CreatesTheRoomAndAnnouncesTheJoinToEveryMember) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  EXPECT_EQ(chat.find_room("#dev"), nullptr);
  Room& room = joined(alice, "#dev");
  EXPECT_EQ(chat.find_room("#DEV"), &room);
  EXPECT_EQ(room.name(), "#dev");
  forget_deliveries();
  joined(bob, "#dev");
  ASSERT_EQ(alice.got.size(), 1u);
  EXPECT_EQ(alice.got[0].kind, Kind::kJoin);
  EXPECT_EQ(alice.got[0].nick, "bob");
  EXPECT_EQ(alice.got[0].target, "#dev");
  EXPECT_EQ(alice.got[0].arg, "Real Name");
  EXPECT_EQ(bob.kinds(), std::vector<Kind>{Kind::kJoin});
}

TEST_F(ChatJoin, ReportsRoomItIsAlreadyIn) {
  FakeUser& alice = add("alice");
  Room& room = joined(alice, "#dev");
  Room* again = nullptr;
  EXPECT_EQ(chat.join(alice, "#Dev", {}, &again), Chat::JoinResult::kAlreadyThere);
  EXPECT_EQ(again, &room);
  EXPECT_EQ(room.size(), 1u);
}

TEST_F(ChatJoin, RejectsInvalidRoomNames) {
  FakeUser& alice = add("alice");
  EXPECT_EQ(chat.join(alice, "dev", {}), Chat::JoinResult::kInvalidName);
  EXPECT_EQ(chat.join(alice, "#", {}), Chat::JoinResult::kInvalidName);
  EXPECT_EQ(chat.join(alice, "#a b", {}), Chat::JoinResult::kInvalidName);
  EXPECT_EQ(chat.rooms().size(), 0u);
}

TEST_F(ChatJoin, MovesPlainUserFromItsRoomPartingFirst) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  FakeUser& carol = add("carol", Protocol::kPlain);
  Room& a = joined(alice, "#a");
  Room& b = joined(bob, "#b");
  joined(carol, "#a");
  forget_deliveries();

  joined(carol, "#b");
  ASSERT_EQ(carol.memberships().size(), 1u);
  EXPECT_TRUE(carol.in_room(b));
  EXPECT_FALSE(carol.in_room(a));
  ASSERT_EQ(alice.got.size(), 1u);
  EXPECT_EQ(alice.got[0].kind, Kind::kPart);
  EXPECT_EQ(alice.got[0].nick, "carol");
  EXPECT_EQ(alice.got[0].target, "#a");
  ASSERT_EQ(bob.got.size(), 1u);
  EXPECT_EQ(bob.got[0].kind, Kind::kJoin);
  EXPECT_EQ(bob.got[0].target, "#b");
  EXPECT_EQ(carol.kinds(), (std::vector<Kind>{Kind::kPart, Kind::kJoin}));
}

TEST_F(ChatJoin, KeepsPlainUserInItsRoomWhenTheNewOneRefuses) {
  FakeUser& alice = add("alice");
  FakeUser& carol = add("carol", Protocol::kPlain);
  Room& a = joined(carol, "#a");
  Room& locked = joined(alice, "#locked");
  EXPECT_EQ(modes(alice, locked, "+k", {"secret"}).applied, "+k secret");
  forget_deliveries();
  EXPECT_EQ(chat.join(carol, "#locked", "wrong"), Chat::JoinResult::kBadKey);
  EXPECT_TRUE(carol.in_room(a));
  EXPECT_TRUE(carol.got.empty());
}

TEST_F(ChatJoin, LetsIrcUserBeInSeveralRoomsUpToTheLimit) {
  Chat::Settings settings;
  settings.irc_max_rooms = 3;
  chat.set_settings(settings);
  FakeUser& alice = add("alice");
  joined(alice, "#r1");
  joined(alice, "#r2");
  joined(alice, "#r3");
  EXPECT_EQ(alice.memberships().size(), 3u);
  EXPECT_EQ(chat.join(alice, "#r4", {}), Chat::JoinResult::kTooManyRooms);
  EXPECT_EQ(alice.memberships().size(), 3u);
  EXPECT_EQ(chat.find_room("#r4"), nullptr);
}

TEST_F(ChatJoin, RefusesBannedUser) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  FakeUser& carol = add("carol");
  Room& room = joined(alice, "#dev");
  EXPECT_EQ(modes(alice, room, "+b", {"bob"}).applied, "+b bob!*@*");
  EXPECT_EQ(chat.join(bob, "#dev", {}), Chat::JoinResult::kBanned);
  EXPECT_FALSE(bob.in_room(room));
  joined(carol, "#dev");
}

TEST_F(ChatJoin, NeedsTheKeyOfAKeyedRoom) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  Room& room = joined(alice, "#dev");
  modes(alice, room, "+k", {"secret"});
  EXPECT_EQ(chat.join(bob, "#dev", {}), Chat::JoinResult::kBadKey);
  EXPECT_EQ(chat.join(bob, "#dev", "Secret"), Chat::JoinResult::kBadKey);
  EXPECT_EQ(chat.join(bob, "#dev", "secret"), Chat::JoinResult::kJoined);
}

TEST_F(ChatJoin, RefusesJoinWhenTheRoomIsFull) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  FakeUser& carol = add("carol");
  Room& room = joined(alice, "#dev");
  EXPECT_EQ(modes(alice, room, "+l", {"2"}).applied, "+l 2");
  joined(bob, "#dev");
  EXPECT_EQ(chat.join(carol, "#dev", {}), Chat::JoinResult::kFull);
  EXPECT_EQ(room.size(), 2u);
}

TEST_F(ChatJoin, NeedsAnInvitationToAnInviteOnlyRoomAndUsesItUp) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  Room& room = joined(alice, "#dev");
  modes(alice, room, "+i");
  EXPECT_EQ(chat.join(bob, "#dev", {}), Chat::JoinResult::kInviteOnly);

  EXPECT_EQ(chat.invite(alice, room, bob), Chat::InviteResult::kInvited);
  ASSERT_EQ(bob.got.size(), 1u);
  EXPECT_EQ(bob.got[0].kind, Kind::kInvite);
  EXPECT_EQ(bob.got[0].nick, "alice");
  EXPECT_EQ(bob.got[0].target, "#dev");
  EXPECT_EQ(bob.got[0].arg, "bob");
  EXPECT_EQ(chat.join(bob, "#dev", {}), Chat::JoinResult::kJoined);

  EXPECT_EQ(chat.part(bob, "#dev", {}), Chat::PartResult::kParted);
  EXPECT_EQ(chat.join(bob, "#dev", {}), Chat::JoinResult::kInviteOnly);
}

TEST_F(ChatJoin, LetsOnlyOperatorsInviteToAnInviteOnlyRoom) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  FakeUser& carol = add("carol");
  Room& room = joined(alice, "#dev");
  joined(bob, "#dev");
  modes(alice, room, "+i");
  EXPECT_EQ(chat.invite(bob, room, carol), Chat::InviteResult::kNotOperator);
  EXPECT_EQ(chat.invite(carol, room, bob), Chat::InviteResult::kNotInRoom);
  EXPECT_EQ(chat.invite(alice, room, bob), Chat::InviteResult::kAlreadyThere);
  EXPECT_TRUE(carol.got.empty());
}

TEST_F(ChatJoin, PartAnnouncesToTheRoomAndTheUserWithReason) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  Room& room = joined(alice, "#dev");
  joined(bob, "#dev");
  forget_deliveries();
  EXPECT_EQ(chat.part(bob, "#DEV", "bye"), Chat::PartResult::kParted);
  EXPECT_FALSE(bob.in_room(room));
  ASSERT_EQ(alice.got.size(), 1u);
  EXPECT_EQ(alice.got[0].kind, Kind::kPart);
  EXPECT_EQ(alice.got[0].text, "bye");
  EXPECT_EQ(bob.kinds(), std::vector<Kind>{Kind::kPart});
  EXPECT_EQ(chat.part(bob, "#dev", {}), Chat::PartResult::kNotInRoom);
  EXPECT_EQ(chat.part(bob, "#nowhere", {}), Chat::PartResult::kNoSuchRoom);
}

TEST_F(ChatJoin, RemovesRoomWhenItsLastMemberParts) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  joined(alice, "#dev");
  joined(bob, "#dev");
  joined(alice, "#other");
  EXPECT_EQ(chat.rooms().size(), 2u);
  chat.part(alice, "#dev", {});
  EXPECT_NE(chat.find_room("#dev"), nullptr);
  chat.part(bob, "#dev", {});
  EXPECT_EQ(chat.find_room("#dev"), nullptr);
  EXPECT_EQ(chat.rooms().size(), 1u);
}

TEST_F(ChatJoin, RemovesTheRoomAPlainUserMovesOutOfAlone) {
  FakeUser& carol = add("carol", Protocol::kPlain);
  joined(carol, "#a");
  joined(carol, "#b");
  EXPECT_EQ(chat.find_room("#a"), nullptr);
  EXPECT_EQ(chat.rooms().size(), 1u);
}

TEST_F(ChatLeave, DeliversExactlyOneQuitToANeighbourSharingFiveRooms) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  for (std::string_view name : {"#r1", "#r2", "#r3", "#r4", "#r5"}) {
    joined(alice, name);
    joined(bob, name);
  }
  forget_deliveries();
  chat.leave(alice, "gone fishing", false, true);
  ASSERT_EQ(bob.got.size(), 1u);
  EXPECT_EQ(bob.got[0].kind, Kind::kQuit);
  EXPECT_EQ(bob.got[0].nick, "alice");
  EXPECT_EQ(bob.got[0].text, "gone fishing");
  EXPECT_FALSE(bob.got[0].server_reason);
  EXPECT_TRUE(alice.got.empty());
  EXPECT_EQ(bob.memberships().size(), 5u);
  ASSERT_NE(chat.find_room("#r1"), nullptr);
  EXPECT_EQ(chat.find_room("#r1")->size(), 1u);
}

TEST_F(ChatLeave, MarksServerReason) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  joined(alice, "#dev");
  joined(bob, "#dev");
  forget_deliveries();
  chat.leave(alice, "too slow to receive", true, true);
  ASSERT_EQ(bob.got.size(), 1u);
  EXPECT_TRUE(bob.got[0].server_reason);
}

TEST_F(ChatLeave, AnnouncesNothingWhenAskedNotTo) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  Room& room = joined(alice, "#dev");
  joined(bob, "#dev");
  forget_deliveries();
  chat.leave(alice, "shutdown", true, false);
  EXPECT_TRUE(bob.got.empty());
  EXPECT_EQ(room.size(), 1u);
}

TEST_F(ChatLeave, FreesTheNickAndTheRoomsLeftEmpty) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  joined(alice, "#alone");
  joined(alice, "#shared");
  joined(bob, "#shared");
  ASSERT_EQ(chat.user_count(), 2u);
  chat.leave(alice, "bye", false, true);
  EXPECT_FALSE(chat.contains(alice));
  EXPECT_EQ(chat.user_count(), 1u);
  EXPECT_EQ(chat.find_user("alice"), nullptr);
  EXPECT_EQ(chat.check_nick("ALICE"), Chat::NickCheck::kFree);
  EXPECT_TRUE(alice.memberships().empty());
  EXPECT_EQ(chat.find_room("#alone"), nullptr);
  EXPECT_NE(chat.find_room("#shared"), nullptr);
}

TEST_F(ChatUsers, ChecksNicks) {
  FakeUser& alice = add("alice");
  EXPECT_EQ(chat.check_nick("bob"), Chat::NickCheck::kFree);
  EXPECT_EQ(chat.check_nick("ALICE"), Chat::NickCheck::kTaken);
  EXPECT_EQ(chat.check_nick("Alice", &alice), Chat::NickCheck::kFree);
  EXPECT_EQ(chat.check_nick("9lives"), Chat::NickCheck::kInvalid);
  EXPECT_EQ(chat.find_user("ALICE"), &alice);
}

TEST_F(ChatUsers, WritesFullMaskAsNickIdentHost) {
  FakeUser& alice = add("alice");
  EXPECT_EQ(full_mask(alice), "alice!~u@host.test");
}

TEST_F(ChatUsers, ResolvesHandleUntilTheUserLeaves) {
  FakeUser& alice = add("alice");
  const UserHandle h = chat.handle_of(alice);
  EXPECT_EQ(chat.resolve(h), &alice);
  chat.leave(alice, "bye", false, true);
  EXPECT_EQ(chat.resolve(h), nullptr);
}

TEST_F(ChatUsers, DoesNotResolveOldHandleToTheUserReusingItsSlot) {
  FakeUser& alice = add("alice");
  const UserHandle old = chat.handle_of(alice);
  chat.leave(alice, "bye", false, true);
  FakeUser& bob = add("bob");
  EXPECT_EQ(chat.resolve(old), nullptr);
  EXPECT_EQ(chat.resolve(chat.handle_of(bob)), &bob);
}

TEST_F(ChatUsers, VisitsEachNeighbourOnceAndNeverTheUserItself) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  FakeUser& carol = add("carol");
  FakeUser& dave = add("dave");
  for (std::string_view name : {"#r1", "#r2", "#r3"}) {
    joined(alice, name);
    joined(bob, name);
  }
  joined(carol, "#r2");
  joined(dave, "#elsewhere");
  for (int round = 0; round < 2; ++round) {
    std::vector<const User*> visited;
    chat.for_each_neighbour(alice, [&](User& n) { visited.push_back(&n); });
    std::sort(visited.begin(), visited.end());
    std::vector<const User*> expected = {&bob, &carol};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(visited, expected) << "round " << round;
  }
}

TEST_F(ChatRename, DeliversOneNickToTheUserAndEachNeighbour) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  FakeUser& carol = add("carol");
  FakeUser& dave = add("dave");
  for (std::string_view name : {"#r1", "#r2", "#r3"}) {
    joined(alice, name);
    joined(bob, name);
  }
  joined(carol, "#r1");
  joined(dave, "#elsewhere");
  forget_deliveries();

  EXPECT_EQ(chat.rename(alice, "alicia", 1000), Chat::RenameResult::kRenamed);
  EXPECT_EQ(alice.count(Kind::kNick), 1u);
  EXPECT_EQ(bob.count(Kind::kNick), 1u);
  EXPECT_EQ(carol.count(Kind::kNick), 1u);
  EXPECT_TRUE(dave.got.empty());
  ASSERT_EQ(bob.got.size(), 1u);
  EXPECT_EQ(bob.got[0].nick, "alice");
  EXPECT_EQ(bob.got[0].text, "alicia");
  EXPECT_EQ(alice.nick(), "alicia");
  EXPECT_EQ(chat.find_user("alicia"), &alice);
  EXPECT_EQ(chat.find_user("alice"), nullptr);
}

TEST_F(ChatRename, TellsAUserInNoRoomAlone) {
  FakeUser& alice = add("alice");
  EXPECT_EQ(chat.rename(alice, "alicia", 1000), Chat::RenameResult::kRenamed);
  EXPECT_EQ(alice.kinds(), std::vector<Kind>{Kind::kNick});
}

TEST_F(ChatRename, AllowsChangingOnlyTheCase) {
  FakeUser& alice = add("alice");
  EXPECT_EQ(chat.rename(alice, "Alice", 1000), Chat::RenameResult::kRenamed);
  EXPECT_EQ(alice.nick(), "Alice");
  EXPECT_EQ(chat.find_user("alice"), &alice);
  EXPECT_EQ(alice.count(Kind::kNick), 1u);
}

TEST_F(ChatRename, RefusesNickHeldByAnotherUser) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  EXPECT_EQ(chat.rename(alice, "BOB", 1000), Chat::RenameResult::kTaken);
  EXPECT_EQ(alice.nick(), "alice");
  EXPECT_EQ(chat.find_user("bob"), &bob);
  EXPECT_TRUE(alice.got.empty());
}

TEST_F(ChatRename, RefusesInvalidNick) {
  FakeUser& alice = add("alice");
  EXPECT_EQ(chat.rename(alice, "9lives", 1000), Chat::RenameResult::kInvalid);
  EXPECT_EQ(chat.rename(alice, "", 1000), Chat::RenameResult::kInvalid);
  EXPECT_EQ(alice.nick(), "alice");
}

TEST_F(ChatRename, ReportsTheSameNickAsUnchanged) {
  FakeUser& alice = add("alice");
  EXPECT_EQ(chat.rename(alice, "alice", 1000), Chat::RenameResult::kUnchanged);
  EXPECT_TRUE(alice.got.empty());
}

TEST_F(ChatRename, AllowsABurstOfThreeThenOnePerTenSeconds) {
  FakeUser& alice = add("alice");
  EXPECT_EQ(chat.rename(alice, "a1", 1000), Chat::RenameResult::kRenamed);
  EXPECT_EQ(chat.rename(alice, "a2", 1000), Chat::RenameResult::kRenamed);
  EXPECT_EQ(chat.rename(alice, "a3", 1000), Chat::RenameResult::kRenamed);
  EXPECT_EQ(chat.rename(alice, "a4", 1000), Chat::RenameResult::kTooFast);
  EXPECT_EQ(alice.nick(), "a3");
  EXPECT_EQ(chat.seconds_until_rename(alice, 1000), 10u);
  EXPECT_EQ(chat.rename(alice, "a4", 11000), Chat::RenameResult::kRenamed);
  EXPECT_EQ(alice.count(Kind::kNick), 4u);
}

TEST_F(ChatSay, DeliversTextToTheRoom) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  Room& room = joined(alice, "#dev");
  joined(bob, "#dev");
  forget_deliveries();
  EXPECT_EQ(chat.say(alice, room, Kind::kMessage, "hi all"), Chat::SayResult::kSent);
  ASSERT_EQ(bob.got.size(), 1u);
  EXPECT_EQ(bob.got[0].kind, Kind::kMessage);
  EXPECT_EQ(bob.got[0].nick, "alice");
  EXPECT_EQ(bob.got[0].target, "#dev");
  EXPECT_EQ(bob.got[0].text, "hi all");
  EXPECT_EQ(chat.messages_relayed(), 1u);
}

TEST_F(ChatSay, BlocksNonVoicedUserInModeratedRoom) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  Room& room = joined(alice, "#dev");
  joined(bob, "#dev");
  EXPECT_EQ(modes(alice, room, "+m").applied, "+m");
  forget_deliveries();
  EXPECT_EQ(chat.say(bob, room, Kind::kMessage, "hello?"), Chat::SayResult::kModerated);
  EXPECT_TRUE(alice.got.empty());
  EXPECT_EQ(chat.say(alice, room, Kind::kMessage, "ops may"), Chat::SayResult::kSent);
}

TEST_F(ChatSay, LetsVoicedUserSpeakInModeratedRoom) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  Room& room = joined(alice, "#dev");
  joined(bob, "#dev");
  modes(alice, room, "+m");
  EXPECT_EQ(modes(alice, room, "+v", {"bob"}).applied, "+v bob");
  forget_deliveries();
  EXPECT_EQ(chat.say(bob, room, Kind::kMessage, "thanks"), Chat::SayResult::kSent);
  EXPECT_EQ(alice.count(Kind::kMessage), 1u);
}

TEST_F(ChatSay, BlocksNonMembersUnderNoExternalMessages) {
  FakeUser& alice = add("alice");
  FakeUser& carol = add("carol");
  Room& room = joined(alice, "#dev");
  ASSERT_TRUE(room.modes().has(RoomModes::kNoExternal));
  forget_deliveries();
  EXPECT_EQ(chat.say(carol, room, Kind::kMessage, "from outside"), Chat::SayResult::kNotInRoom);
  EXPECT_TRUE(alice.got.empty());
}

TEST_F(ChatSay, LetsNonMembersSpeakWithoutNoExternalAndEchoesToThem) {
  FakeUser& alice = add("alice");
  FakeUser& carol = add("carol");
  Room& room = joined(alice, "#dev");
  modes(alice, room, "-n");
  forget_deliveries();
  EXPECT_EQ(chat.say(carol, room, Kind::kMessage, "from outside"), Chat::SayResult::kSent);
  EXPECT_EQ(alice.count(Kind::kMessage), 1u);
  EXPECT_EQ(carol.count(Kind::kMessage), 1u);
}

TEST_F(ChatSay, BlocksBannedMember) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  Room& room = joined(alice, "#dev");
  joined(bob, "#dev");
  modes(alice, room, "+b", {"bob!*@*"});
  forget_deliveries();
  EXPECT_EQ(chat.say(bob, room, Kind::kMessage, "hi"), Chat::SayResult::kBanned);
  EXPECT_TRUE(alice.got.empty());
}

TEST_F(ChatSay, HoldsLinesSaidLaterUntilFlushedAsOneEvent) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  Room& room = joined(alice, "#dev");
  joined(bob, "#dev");
  forget_deliveries();
  EXPECT_EQ(chat.say_later(bob, room, Kind::kMessage, "one"), Chat::SayResult::kSent);
  EXPECT_EQ(chat.say_later(bob, room, Kind::kMessage, "two"), Chat::SayResult::kSent);
  EXPECT_TRUE(alice.got.empty());
  chat.flush_said();
  ASSERT_EQ(alice.got.size(), 1u);
  EXPECT_EQ(alice.got[0].kind, Kind::kMessage);
  EXPECT_EQ(alice.got[0].nick, "bob");
  EXPECT_EQ(alice.got[0].target, "#dev");
  EXPECT_EQ(alice.got[0].said, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(chat.messages_relayed(), 2u);
  chat.flush_said();
  EXPECT_EQ(alice.got.size(), 1u);
}

TEST_F(ChatSay, StartsANewEventForAnotherRoomKindOrSpeaker) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  FakeUser& carol = add("carol");
  Room& a = joined(carol, "#a");
  Room& b = joined(carol, "#b");
  for (FakeUser* u : {&alice, &bob}) {
    joined(*u, "#a");
    joined(*u, "#b");
  }
  forget_deliveries();
  chat.say_later(bob, a, Kind::kMessage, "1");
  chat.say_later(bob, b, Kind::kMessage, "2");
  chat.say_later(bob, b, Kind::kAction, "3");
  chat.say_later(alice, b, Kind::kAction, "4");
  ASSERT_EQ(carol.got.size(), 3u);  // the last run is still held
  chat.flush_said();
  ASSERT_EQ(carol.got.size(), 4u);
  EXPECT_EQ(carol.got[0].target, "#a");
  EXPECT_EQ(carol.got[0].said, std::vector<std::string>{"1"});
  EXPECT_EQ(carol.got[1].target, "#b");
  EXPECT_EQ(carol.got[1].said, std::vector<std::string>{"2"});
  EXPECT_EQ(carol.got[2].kind, Kind::kAction);
  EXPECT_EQ(carol.got[2].nick, "bob");
  EXPECT_EQ(carol.got[3].kind, Kind::kAction);
  EXPECT_EQ(carol.got[3].nick, "alice");
  EXPECT_EQ(carol.got[3].said, std::vector<std::string>{"4"});
}

TEST_F(ChatSay, RelaysHeldLinesBeforeAnyOtherChange) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  FakeUser& carol = add("carol");
  Room& room = joined(alice, "#dev");
  joined(bob, "#dev");
  forget_deliveries();
  chat.say_later(bob, room, Kind::kMessage, "held");
  joined(carol, "#dev");
  chat.say_later(bob, room, Kind::kMessage, "held again");
  chat.say(bob, room, Kind::kMessage, "said now");
  chat.say_later(bob, room, Kind::kMessage, "last");
  modes(alice, room, "+m");
  ASSERT_EQ(alice.kinds(), (std::vector<Kind>{Kind::kMessage, Kind::kJoin, Kind::kMessage,
                                              Kind::kMessage, Kind::kMessage, Kind::kMode}));
  EXPECT_EQ(alice.got[0].said, std::vector<std::string>{"held"});
  EXPECT_EQ(alice.got[2].said, std::vector<std::string>{"held again"});
  EXPECT_EQ(alice.got[3].said, std::vector<std::string>{"said now"});
  EXPECT_EQ(alice.got[4].said, std::vector<std::string>{"last"});
}

TEST_F(ChatSay, RefusesLinesSaidLaterAsSayWould) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  FakeUser& carol = add("carol");
  Room& room = joined(alice, "#dev");
  joined(bob, "#dev");
  modes(alice, room, "+m");
  forget_deliveries();
  EXPECT_EQ(chat.say_later(bob, room, Kind::kMessage, "hi"), Chat::SayResult::kModerated);
  EXPECT_EQ(chat.say_later(carol, room, Kind::kMessage, "hi"), Chat::SayResult::kNotInRoom);
  chat.flush_said();
  EXPECT_TRUE(alice.got.empty());
  EXPECT_EQ(chat.messages_relayed(), 0u);
}

TEST_F(ChatSay, TellsOneUserAndEchoesToTheSender) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  FakeUser& carol = add("carol");
  chat.tell(alice, bob, Kind::kMessage, "psst");
  ASSERT_EQ(bob.got.size(), 1u);
  EXPECT_EQ(bob.got[0].target, "bob");
  EXPECT_EQ(bob.got[0].text, "psst");
  EXPECT_EQ(alice.count(Kind::kMessage), 1u);
  EXPECT_TRUE(carol.got.empty());
}

TEST_F(ChatKick, RemovesTheTargetAndTellsTheRoomAndTheTarget) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  FakeUser& carol = add("carol");
  Room& room = joined(alice, "#dev");
  joined(bob, "#dev");
  joined(carol, "#dev");
  forget_deliveries();
  EXPECT_EQ(chat.kick(alice, room, "BOB", "spam"), Chat::KickResult::kKicked);
  EXPECT_FALSE(bob.in_room(room));
  EXPECT_EQ(room.size(), 2u);
  for (const FakeUser* u : {&alice, &bob, &carol}) {
    ASSERT_EQ(u->got.size(), 1u) << u->nick();
    EXPECT_EQ(u->got[0].kind, Kind::kKick);
    EXPECT_EQ(u->got[0].nick, "alice");
    EXPECT_EQ(u->got[0].arg, "bob");
    EXPECT_EQ(u->got[0].text, "spam");
  }
}

TEST_F(ChatKick, RefusesWhatOnlyAnOperatorInTheRoomMayDo) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  FakeUser& carol = add("carol");
  add("dave");
  Room& room = joined(alice, "#dev");
  joined(bob, "#dev");
  EXPECT_EQ(chat.kick(bob, room, "alice", {}), Chat::KickResult::kNotOperator);
  EXPECT_EQ(chat.kick(carol, room, "alice", {}), Chat::KickResult::kNotInRoom);
  EXPECT_EQ(chat.kick(alice, room, "nobody", {}), Chat::KickResult::kNoSuchNick);
  EXPECT_EQ(chat.kick(alice, room, "dave", {}), Chat::KickResult::kTargetNotInRoom);
  EXPECT_EQ(room.size(), 2u);
}

TEST_F(ChatTopic, NeedsOperatorUnderTopicLock) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  Room& room = joined(alice, "#dev");
  joined(bob, "#dev");
  ASSERT_TRUE(room.modes().has(RoomModes::kTopicLock));
  forget_deliveries();
  EXPECT_EQ(chat.set_topic(bob, room, "mine"), Chat::TopicResult::kNotOperator);
  EXPECT_TRUE(room.topic().text.empty());
  EXPECT_TRUE(alice.got.empty());

  EXPECT_EQ(chat.set_topic(alice, room, "release friday"), Chat::TopicResult::kSet);
  EXPECT_EQ(room.topic().text, "release friday");
  EXPECT_EQ(room.topic().set_by, "alice");
  ASSERT_EQ(bob.got.size(), 1u);
  EXPECT_EQ(bob.got[0].kind, Kind::kTopic);
  EXPECT_EQ(bob.got[0].text, "release friday");
}

TEST_F(ChatTopic, LetsAnyMemberSetItWithoutTopicLock) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  FakeUser& carol = add("carol");
  Room& room = joined(alice, "#dev");
  joined(bob, "#dev");
  modes(alice, room, "-t");
  EXPECT_EQ(chat.set_topic(bob, room, "bob's"), Chat::TopicResult::kSet);
  EXPECT_EQ(room.topic().set_by, "bob");
  EXPECT_EQ(chat.set_topic(carol, room, "outsider"), Chat::TopicResult::kNotInRoom);
}

TEST_F(ChatModes, GivesNonOperatorExactlyOneNotOperatorError) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  Room& room = joined(alice, "#dev");
  joined(bob, "#dev");
  forget_deliveries();
  const Chat::ModeOutcome out = modes(bob, room, "+mi-t+o", {"bob"});
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].kind, Chat::ModeError::kNotOperator);
  EXPECT_TRUE(out.applied.empty());
  EXPECT_FALSE(room.modes().has(RoomModes::kModerated));
  EXPECT_TRUE(room.modes().has(RoomModes::kTopicLock));
  EXPECT_EQ(bob.status_in(room), 0);
  EXPECT_TRUE(alice.got.empty());
}

TEST_F(ChatModes, LetsNonOperatorListBansWithoutError) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  Room& room = joined(alice, "#dev");
  joined(bob, "#dev");
  const Chat::ModeOutcome out = modes(bob, room, "b");
  EXPECT_TRUE(out.errors.empty());
  EXPECT_TRUE(out.applied.empty());
}

TEST_F(ChatModes, ReportsUnknownLetter) {
  FakeUser& alice = add("alice");
  Room& room = joined(alice, "#dev");
  const Chat::ModeOutcome out = modes(alice, room, "+mx");
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].kind, Chat::ModeError::kUnknownMode);
  EXPECT_EQ(out.errors[0].letter, 'x');
  EXPECT_EQ(out.applied, "+m");
}

TEST_F(ChatModes, ReportsStatusChangeOfUserNotInTheRoom) {
  FakeUser& alice = add("alice");
  add("dave");
  Room& room = joined(alice, "#dev");
  Chat::ModeOutcome out = modes(alice, room, "+o", {"dave"});
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].kind, Chat::ModeError::kTargetNotInRoom);
  EXPECT_EQ(out.errors[0].arg, "dave");
  out = modes(alice, room, "+v", {"nobody"});
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].kind, Chat::ModeError::kNoSuchNick);
  out = modes(alice, room, "+o");
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].kind, Chat::ModeError::kNeedsArgument);
  EXPECT_TRUE(out.applied.empty());
}

TEST_F(ChatModes, RejectsBadLimits) {
  FakeUser& alice = add("alice");
  Room& room = joined(alice, "#dev");
  for (std::string_view bad : {"abc", "0", "-1", "10x", "99999999999"}) {
    const Chat::ModeOutcome out = modes(alice, room, "+l", {bad});
    ASSERT_EQ(out.errors.size(), 1u) << bad;
    EXPECT_EQ(out.errors[0].kind, Chat::ModeError::kBadLimit) << bad;
  }
  const Chat::ModeOutcome missing = modes(alice, room, "+l");
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_EQ(missing.errors[0].kind, Chat::ModeError::kNeedsArgument);
  EXPECT_EQ(room.modes().limit(), 0u);
}

TEST_F(ChatModes, RejectsBadKeys) {
  FakeUser& alice = add("alice");
  Room& room = joined(alice, "#dev");
  const std::string too_long(RoomModes::kMaxKeyLength + 1, 'k');
  for (std::string_view bad : {std::string_view("a b"), std::string_view(":key"),
                               std::string_view("a,b"), std::string_view(too_long)}) {
    const Chat::ModeOutcome out = modes(alice, room, "+k", {bad});
    ASSERT_EQ(out.errors.size(), 1u) << bad;
    EXPECT_EQ(out.errors[0].kind, Chat::ModeError::kBadKey) << bad;
  }
  const Chat::ModeOutcome missing = modes(alice, room, "+k");
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_EQ(missing.errors[0].kind, Chat::ModeError::kNeedsArgument);
  EXPECT_TRUE(room.modes().key().empty());
}

TEST_F(ChatModes, WritesAppliedChangesAsSignRunsThenArguments) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  FakeUser& carol = add("carol");
  Room& room = joined(alice, "#dev");
  joined(bob, "#dev");
  joined(carol, "#dev");
  modes(alice, room, "+v", {"carol"});
  forget_deliveries();
  const Chat::ModeOutcome out = modes(alice, room, "+o-v", {"bob", "carol"});
  EXPECT_TRUE(out.errors.empty());
  EXPECT_EQ(out.applied, "+o-v bob carol");
  EXPECT_EQ(bob.status_in(room), kOperator);
  EXPECT_EQ(carol.status_in(room), 0);
  for (const FakeUser* u : {&alice, &bob, &carol}) {
    ASSERT_EQ(u->got.size(), 1u) << u->nick();
    EXPECT_EQ(u->got[0].kind, Kind::kMode);
    EXPECT_EQ(u->got[0].arg, "+o-v bob carol");
  }
}

TEST_F(ChatModes, WritesTheNickAsTheTargetSpellsIt) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("Bob");
  Room& room = joined(alice, "#dev");
  joined(bob, "#dev");
  EXPECT_EQ(modes(alice, room, "+v", {"bob"}).applied, "+v Bob");
}

TEST_F(ChatModes, AppliesFlagsKeyAndLimit) {
  FakeUser& alice = add("alice");
  Room& room = joined(alice, "#dev");
  EXPECT_EQ(modes(alice, room, "-t+ms").applied, "-t+ms");
  EXPECT_FALSE(room.modes().has(RoomModes::kTopicLock));
  EXPECT_TRUE(room.modes().has(RoomModes::kModerated));
  EXPECT_TRUE(room.modes().has(RoomModes::kSecret));
  EXPECT_EQ(modes(alice, room, "+kl", {"secret", "10"}).applied, "+kl secret 10");
  EXPECT_EQ(room.modes().key(), "secret");
  EXPECT_EQ(room.modes().limit(), 10u);
  EXPECT_EQ(modes(alice, room, "-kl", {"secret"}).applied, "-kl *");
  EXPECT_TRUE(room.modes().key().empty());
  EXPECT_EQ(room.modes().limit(), 0u);
}

TEST_F(ChatModes, AppliesNothingAndAnnouncesNothingForNoOps) {
  FakeUser& alice = add("alice");
  FakeUser& bob = add("bob");
  Room& room = joined(alice, "#dev");
  joined(bob, "#dev");
  forget_deliveries();
  const Chat::ModeOutcome out = modes(alice, room, "+tn-v+o", {"bob", "alice"});
  EXPECT_TRUE(out.errors.empty());
  EXPECT_TRUE(out.applied.empty());
  EXPECT_TRUE(alice.got.empty());
  EXPECT_TRUE(bob.got.empty());
}

TEST_F(ChatModes, AddsAndRemovesNormalizedBans) {
  FakeUser& alice = add("alice");
  Room& room = joined(alice, "#dev");
  EXPECT_EQ(modes(alice, room, "+b", {"*@evil.example"}).applied, "+b *!*@evil.example");
  ASSERT_EQ(room.modes().bans().size(), 1u);
  EXPECT_EQ(room.modes().bans()[0].mask, "*!*@evil.example");
  EXPECT_EQ(room.modes().bans()[0].set_by, "alice");
  const Chat::ModeOutcome bad = modes(alice, room, "+b", {"a@b!c"});
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_EQ(bad.errors[0].kind, Chat::ModeError::kBadMask);
  EXPECT_EQ(modes(alice, room, "-b", {"*@EVIL.example"}).applied, "-b *!*@EVIL.example");
  EXPECT_TRUE(room.modes().bans().empty());
}

TEST_F(ChatModes, StopsTakingChangesOnceTheAnnouncementWouldNotFitALine) {
  FakeUser& alice = add("alice");
  Room& room = joined(alice, "#dev");
  std::vector<std::string> masks;
  for (char c : std::string_view("wxyz"))
    masks.push_back(std::string(kMaxMaskLength, c));
  const std::vector<std::string_view> args(masks.begin(), masks.end());
  const Chat::ModeOutcome out = modes(alice, room, "+bbbb", args);
  ASSERT_FALSE(out.applied.empty());
  // Source (nick, ident, host) and " MODE #room " take well under 200 of the 510.
  EXPECT_LE(out.applied.size() + 200, 510u);
  const std::size_t listed = room.modes().bans().size();
  EXPECT_GE(listed, 1u);
  EXPECT_LT(listed, 4u);
  EXPECT_EQ(static_cast<std::size_t>(std::count(out.applied.begin(), out.applied.end(), '!')),
            listed);
}

}  // namespace
}  // namespace chatd
