// Integration tests of IRC commands and their numerics against the real chatd: JOIN, PART,
// NAMES, WHO, WHOIS, TOPIC, LIST, AWAY, ISON, USERHOST, MODE queries, INVITE, LUSERS, MOTD,
// VERSION, TIME, and NICK changes.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/support/irc_client.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

std::set<std::string> words(const std::string& s) {
  std::set<std::string> out;
  std::size_t at = 0;
  while (at < s.size()) {
    const std::size_t sp = std::min(s.find(' ', at), s.size());
    if (sp > at) out.insert(s.substr(at, sp - at));
    at = sp + 1;
  }
  return out;
}

TEST(IrcJoin, JoinEchoesThenNamesWithTheCreatorAsOperator) {
  MixedChatd chatd;
  IrcClient alice = connect_irc(chatd.irc_port(), "alice");
  ASSERT_TRUE(alice.send("JOIN #new"));
  auto join = alice.expect(irc_command("JOIN"), default_deadline(), 0);
  ASSERT_TRUE(join) << alice.diagnostics();
  EXPECT_EQ(parse_irc_line(*join).nick(), "alice");
  EXPECT_EQ(parse_irc_line(*join).param(0), "#new");
  auto names = alice.expect(irc_command("353"), default_deadline(), 0);
  ASSERT_TRUE(names) << alice.diagnostics();
  const IrcLine n = parse_irc_line(*names);
  EXPECT_EQ(n.param(1), "=");
  EXPECT_EQ(n.param(2), "#new");
  EXPECT_EQ(n.param(3), "@alice");
  EXPECT_TRUE(alice.expect(irc_command_param("366", 1, "#new"), default_deadline(), 0));
}

TEST(IrcJoin, SeveralRoomsWithKeysAndJoinZeroLeavesThemAll) {
  MixedChatd chatd;
  IrcClient op = connect_irc(chatd.irc_port(), "op");
  op.join("#locked");
  ASSERT_TRUE(op.send("MODE #locked +k sesame"));
  ASSERT_TRUE(op.expect(irc_command("MODE"))) << op.diagnostics();
  IrcClient alice = connect_irc(chatd.irc_port(), "alice");
  ASSERT_TRUE(alice.send("JOIN #a,#locked,#b wrong"));
  EXPECT_TRUE(alice.expect(irc_command_param("366", 1, "#a"))) << alice.diagnostics();
  EXPECT_TRUE(alice.expect(irc_command_param("475", 1, "#locked"))) << alice.diagnostics();
  EXPECT_TRUE(alice.expect(irc_command_param("366", 1, "#b"))) << alice.diagnostics();
  ASSERT_TRUE(alice.send("JOIN #b,#locked x,sesame"));
  EXPECT_TRUE(alice.expect(irc_command_param("366", 1, "#locked"))) << alice.diagnostics();
  ASSERT_TRUE(alice.send("JOIN 0"));
  std::set<std::string> parted;
  for (int i = 0; i < 3; ++i) {
    auto part = alice.expect(irc_command("PART"));
    ASSERT_TRUE(part) << alice.diagnostics();
    parted.insert(parse_irc_line(*part).param(0));
  }
  EXPECT_EQ(parted, (std::set<std::string>{"#a", "#b", "#locked"}));
}

TEST(IrcJoin, BadNamesAndTheRoomLimit) {
  MixedChatd chatd({"--irc-max-rooms", "2"});
  IrcClient alice = connect_irc(chatd.irc_port(), "alice");
  ASSERT_TRUE(alice.send("JOIN lobby"));
  EXPECT_TRUE(alice.expect(irc_command_param("403", 1, "lobby"))) << "CHANTYPES=# is strict";
  ASSERT_TRUE(alice.send("JOIN #bad*name"));
  EXPECT_TRUE(alice.expect(irc_command_param("479", 1, "#bad*name"))) << alice.diagnostics();
  ASSERT_TRUE(alice.send("JOIN #one,#two,#three"));
  EXPECT_TRUE(alice.expect(irc_command_param("405", 1, "#three"))) << alice.diagnostics();
}

TEST(IrcPart, PartErrorsAndReason) {
  MixedChatd chatd;
  IrcClient alice = connect_irc(chatd.irc_port(), "alice");
  IrcClient bob = connect_irc(chatd.irc_port(), "bob");
  alice.join("#a");
  bob.join("#a");
  ASSERT_TRUE(bob.send("PART #nowhere"));
  EXPECT_TRUE(bob.expect(irc_command_param("403", 1, "#nowhere"))) << bob.diagnostics();
  ASSERT_TRUE(bob.send("PART #a :see you"));
  auto part = alice.expect(irc_command("PART"));
  ASSERT_TRUE(part) << alice.diagnostics();
  EXPECT_EQ(parse_irc_line(*part).param(1), "see you");
  ASSERT_TRUE(bob.send("PART #a"));
  EXPECT_TRUE(bob.expect(irc_command_param("442", 1, "#a"))) << bob.diagnostics();
}

TEST(IrcNames, LongMemberListsAreSplitIntoLinesThatFit512) {
  MixedChatd chatd;
  std::vector<LineClient> plain;
  std::set<std::string> expected = {"alice"};
  for (int i = 0; i < 60; ++i) {
    const std::string nick = "member-with-a-long-nick-" + std::to_string(i);
    plain.push_back(connect_as(chatd.plain_port(), nick));
    expected.insert(nick);
  }
  IrcClient alice = connect_irc(chatd.irc_port(), "alice");
  alice.join("#lobby");
  ASSERT_TRUE(alice.send("NAMES #lobby"));
  std::set<std::string> seen;
  int lines = 0;
  for (;;) {
    auto raw = alice.lines().read_raw_line();
    ASSERT_TRUE(raw) << alice.diagnostics();
    EXPECT_LE(raw->size(), 512u);
    const IrcLine l = parse_irc_line(raw->substr(0, raw->size() - 2));
    if (l.command == "366") break;
    ASSERT_EQ(l.command, "353") << *raw;
    ++lines;
    for (const std::string& name : words(l.param(3)))
      seen.insert(name.starts_with('@') ? name.substr(1) : name);
  }
  EXPECT_EQ(seen, expected);
  EXPECT_GE(lines, 4);
}

TEST(IrcWho, WhoOfARoomListsEveryMemberWithFlags) {
  MixedChatd chatd({"--server-name", "irc.test"});
  LineClient carol = connect_as(chatd.plain_port(), "carol");
  IrcClient alice = connect_irc(chatd.irc_port(), "alice");
  alice.join("#lobby");
  ASSERT_TRUE(alice.send("AWAY :lunch"));
  ASSERT_TRUE(alice.expect(irc_command("306"))) << alice.diagnostics();
  ASSERT_TRUE(alice.send("WHO #lobby"));
  std::map<std::string, IrcLine> rows;
  for (;;) {
    auto line = alice.lines().read_line();
    ASSERT_TRUE(line) << alice.diagnostics();
    const IrcLine l = parse_irc_line(*line);
    if (l.command == "315") {
      EXPECT_EQ(l.param(1), "#lobby");
      break;
    }
    ASSERT_EQ(l.command, "352") << *line;
    rows[l.param(5)] = l;
  }
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows["carol"].param(1), "#lobby");
  EXPECT_EQ(rows["carol"].param(2), "~nc");
  EXPECT_EQ(rows["carol"].param(4), "irc.test");
  EXPECT_EQ(rows["carol"].param(6), "H@");
  EXPECT_EQ(rows["carol"].param(7), "0 plain client");
  EXPECT_EQ(rows["alice"].param(2), "~alice");
  EXPECT_EQ(rows["alice"].param(6), "G");
}

TEST(IrcWho, WhoOfANickAndOfAMask) {
  MixedChatd chatd;
  LineClient carol = connect_as(chatd.plain_port(), "carol");
  LineClient carl = connect_as(chatd.plain_port(), "carl");
  IrcClient alice = connect_irc(chatd.irc_port(), "alice");
  ASSERT_TRUE(alice.send("WHO carol"));
  auto one = alice.expect(irc_command("352"));
  ASSERT_TRUE(one) << alice.diagnostics();
  EXPECT_EQ(parse_irc_line(*one).param(5), "carol");
  ASSERT_TRUE(alice.expect(irc_command_param("315", 1, "carol"), default_deadline(), 0));
  ASSERT_TRUE(alice.send("WHO car*"));
  std::set<std::string> found;
  for (;;) {
    auto line = alice.lines().read_line();
    ASSERT_TRUE(line) << alice.diagnostics();
    const IrcLine l = parse_irc_line(*line);
    if (l.command == "315") break;
    found.insert(l.param(5));
  }
  EXPECT_EQ(found, (std::set<std::string>{"carol", "carl"}));
}

TEST(IrcWhois, ShowsIdentityRoomsServerIdleAndEnd) {
  MixedChatd chatd({"--server-name", "irc.test"});
  LineClient carol = connect_as(chatd.plain_port(), "carol");
  IrcClient alice = connect_irc(chatd.irc_port(), "alice");
  ASSERT_TRUE(alice.send("WHOIS carol"));
  auto user = alice.expect(irc_command("311"));
  ASSERT_TRUE(user) << alice.diagnostics();
  const IrcLine u = parse_irc_line(*user);
  EXPECT_EQ(u.param(1), "carol");
  EXPECT_EQ(u.param(2), "~nc");
  EXPECT_NE(u.param(3), "carol");
  EXPECT_EQ(u.param(5), "plain client");
  auto rooms = alice.expect(irc_command("319"), default_deadline(), 0);
  ASSERT_TRUE(rooms) << alice.diagnostics();
  EXPECT_EQ(parse_irc_line(*rooms).param(2), "@#lobby");
  auto server = alice.expect(irc_command("312"), default_deadline(), 0);
  ASSERT_TRUE(server) << alice.diagnostics();
  EXPECT_EQ(parse_irc_line(*server).param(2), "irc.test");
  ASSERT_TRUE(alice.expect(irc_command("317"), default_deadline(), 0)) << alice.diagnostics();
  ASSERT_TRUE(alice.expect(irc_command("318"), default_deadline(), 0)) << alice.diagnostics();
  ASSERT_TRUE(alice.send("WHOIS nobody"));
  EXPECT_TRUE(alice.expect(irc_command_param("401", 1, "nobody"))) << alice.diagnostics();
  EXPECT_TRUE(alice.expect(irc_command_param("318", 1, "nobody"), default_deadline(), 0));
}

TEST(IrcWhois, HostsAreCloakedByDefaultAndShownWhenAsked) {
  {
    MixedChatd chatd;
    IrcClient a = connect_irc(chatd.irc_port(), "a");
    ASSERT_TRUE(a.send("WHOIS a"));
    auto user = a.expect(irc_command("311"));
    ASSERT_TRUE(user) << a.diagnostics();
    EXPECT_NE(parse_irc_line(*user).param(3), "127.0.0.1");
    EXPECT_TRUE(parse_irc_line(*user).param(3).ends_with(".ip")) << *user;
  }
  MixedChatd chatd({"--cloak-hosts", "false"});
  IrcClient a = connect_irc(chatd.irc_port(), "a");
  ASSERT_TRUE(a.send("WHOIS a"));
  auto user = a.expect(irc_command("311"));
  ASSERT_TRUE(user) << a.diagnostics();
  EXPECT_EQ(parse_irc_line(*user).param(3), "127.0.0.1");
}

TEST(IrcWhois, CloaksAreStableForOneKey) {
  std::string first;
  for (int run = 0; run < 2; ++run) {
    MixedChatd chatd({"--cloak-key", "a fixed secret"});
    IrcClient a = connect_irc(chatd.irc_port(), "a");
    ASSERT_TRUE(a.send("WHOIS a"));
    auto user = a.expect(irc_command("311"));
    ASSERT_TRUE(user) << a.diagnostics();
    const std::string host = parse_irc_line(*user).param(3);
    if (run == 0) first = host;
    EXPECT_EQ(host, first) << "same address, same key, same cloak";
  }
}

TEST(IrcTopic, QueryNoTopicThenSetThenQuery) {
  MixedChatd chatd;
  IrcClient alice = connect_irc(chatd.irc_port(), "alice");
  alice.join("#a");
  ASSERT_TRUE(alice.send("TOPIC #a"));
  EXPECT_TRUE(alice.expect(irc_command_param("331", 1, "#a"))) << alice.diagnostics();
  ASSERT_TRUE(alice.send("TOPIC #a :hello world"));
  auto t = alice.expect(irc_command("TOPIC"));
  ASSERT_TRUE(t) << alice.diagnostics();
  EXPECT_EQ(parse_irc_line(*t).param(1), "hello world");
  ASSERT_TRUE(alice.send("TOPIC #a"));
  auto rpl = alice.expect(irc_command("332"));
  ASSERT_TRUE(rpl) << alice.diagnostics();
  EXPECT_EQ(parse_irc_line(*rpl).param(2), "hello world");
  auto who = alice.expect(irc_command("333"), default_deadline(), 0);
  ASSERT_TRUE(who) << alice.diagnostics();
  EXPECT_EQ(parse_irc_line(*who).param(2), "alice");
  ASSERT_TRUE(alice.send("TOPIC #nope"));
  EXPECT_TRUE(alice.expect(irc_command("403"))) << alice.diagnostics();
}

TEST(IrcList, ListsRoomsWithSizesAndTopicsButNotSecretOnes) {
  MixedChatd chatd;
  IrcClient alice = connect_irc(chatd.irc_port(), "alice");
  IrcClient bob = connect_irc(chatd.irc_port(), "bob");
  alice.join("#open");
  alice.join("#hidden");
  ASSERT_TRUE(alice.send("MODE #hidden +s") && alice.send("TOPIC #open :come in"));
  ASSERT_TRUE(alice.expect(irc_command("TOPIC"))) << alice.diagnostics();
  ASSERT_TRUE(bob.send("LIST"));
  ASSERT_TRUE(bob.expect(irc_command("321"))) << bob.diagnostics();
  std::map<std::string, IrcLine> listed;
  for (;;) {
    auto line = bob.lines().read_line();
    ASSERT_TRUE(line) << bob.diagnostics();
    const IrcLine l = parse_irc_line(*line);
    if (l.command == "323") break;
    ASSERT_EQ(l.command, "322") << *line;
    listed[l.param(1)] = l;
  }
  ASSERT_EQ(listed.count("#hidden"), 0u) << "+s rooms are hidden from non-members";
  ASSERT_EQ(listed.count("#open"), 1u);
  EXPECT_EQ(listed["#open"].param(2), "1");
  EXPECT_EQ(listed["#open"].param(3), "come in");
}

TEST(IrcAway, AwayRepliesAndWhoisAndPrivmsgSee301) {
  MixedChatd chatd;
  IrcClient alice = connect_irc(chatd.irc_port(), "alice");
  IrcClient bob = connect_irc(chatd.irc_port(), "bob");
  ASSERT_TRUE(alice.send("AWAY :gone fishing"));
  EXPECT_TRUE(alice.expect(irc_command("306"))) << alice.diagnostics();
  ASSERT_TRUE(bob.send("PRIVMSG alice :hello?"));
  auto away = bob.expect(irc_command("301"));
  ASSERT_TRUE(away) << bob.diagnostics();
  EXPECT_EQ(parse_irc_line(*away).param(1), "alice");
  EXPECT_EQ(parse_irc_line(*away).param(2), "gone fishing");
  ASSERT_TRUE(alice.send("AWAY"));
  EXPECT_TRUE(alice.expect(irc_command("305"))) << alice.diagnostics();
}

TEST(IrcQueries, IsonUserhostLusersMotdVersionTime) {
  MixedChatd chatd({"--server-name", "irc.test"});
  LineClient carol = connect_as(chatd.plain_port(), "carol");
  IrcClient alice = connect_irc(chatd.irc_port(), "alice");
  ASSERT_TRUE(alice.send("ISON carol nobody alice"));
  auto ison = alice.expect(irc_command("303"));
  ASSERT_TRUE(ison) << alice.diagnostics();
  EXPECT_EQ(words(parse_irc_line(*ison).param(1)), (std::set<std::string>{"carol", "alice"}));
  ASSERT_TRUE(alice.send("USERHOST carol"));
  auto uh = alice.expect(irc_command("302"));
  ASSERT_TRUE(uh) << alice.diagnostics();
  EXPECT_TRUE(parse_irc_line(*uh).param(1).starts_with("carol=+~nc@")) << *uh;
  ASSERT_TRUE(alice.send("LUSERS"));
  auto lusers = alice.expect(irc_command("251"));
  ASSERT_TRUE(lusers) << alice.diagnostics();
  EXPECT_NE(lusers->find("There are 2 users"), std::string::npos) << *lusers;
  ASSERT_TRUE(alice.send("MOTD"));
  EXPECT_TRUE(alice.expect(irc_command("422"))) << alice.diagnostics();
  ASSERT_TRUE(alice.send("VERSION"));
  auto version = alice.expect(irc_command("351"));
  ASSERT_TRUE(version) << alice.diagnostics();
  EXPECT_TRUE(parse_irc_line(*version).param(1).starts_with("chatd-")) << *version;
  ASSERT_TRUE(alice.send("TIME"));
  auto time = alice.expect(irc_command("391"));
  ASSERT_TRUE(time) << alice.diagnostics();
  EXPECT_EQ(parse_irc_line(*time).param(1), "irc.test");
}

TEST(IrcMode, UserModeInvisibleIsEchoedAndOthersModesRefused) {
  MixedChatd chatd;
  IrcClient alice = connect_irc(chatd.irc_port(), "alice");
  IrcClient bob = connect_irc(chatd.irc_port(), "bob");
  ASSERT_TRUE(alice.send("MODE alice +i"));
  auto echoed = alice.expect(irc_command("MODE"));
  ASSERT_TRUE(echoed) << alice.diagnostics();
  EXPECT_EQ(*echoed, ":alice MODE alice :+i");
  ASSERT_TRUE(alice.send("MODE alice"));
  auto is = alice.expect(irc_command("221"));
  ASSERT_TRUE(is) << alice.diagnostics();
  EXPECT_EQ(parse_irc_line(*is).param(1), "+i");
  ASSERT_TRUE(alice.send("MODE bob +i"));
  EXPECT_TRUE(alice.expect(irc_command("502"))) << alice.diagnostics();
}

// What irssi sends after every join before it calls the room synced.
TEST(IrcMode, RoomModeQueryAndBanListAnswerAsClientsExpect) {
  MixedChatd chatd;
  IrcClient alice = connect_irc(chatd.irc_port(), "alice");
  alice.join("#a");
  ASSERT_TRUE(alice.send("MODE #a"));
  auto modes = alice.expect(irc_command("324"));
  ASSERT_TRUE(modes) << alice.diagnostics();
  EXPECT_EQ(parse_irc_line(*modes).param(2), "+nt");
  auto created = alice.expect(irc_command("329"), default_deadline(), 0);
  ASSERT_TRUE(created) << alice.diagnostics();
  EXPECT_GT(std::stoll(parse_irc_line(*created).param(2)), 1700000000);
  ASSERT_TRUE(alice.send("MODE #a b"));
  EXPECT_TRUE(alice.expect(irc_command_param("368", 1, "#a"), default_deadline(), 0));
  ASSERT_TRUE(alice.send("MODE #nope"));
  EXPECT_TRUE(alice.expect(irc_command("403"))) << alice.diagnostics();
}

TEST(IrcNick, ChangesSilentNoOpCaseChangeAndCollision) {
  MixedChatd chatd;
  IrcClient alice = connect_irc(chatd.irc_port(), "alice");
  IrcClient bob = connect_irc(chatd.irc_port(), "bob");
  ASSERT_TRUE(alice.send("NICK alice"));  // the same nick: nothing at all
  ASSERT_TRUE(alice.send("NICK Alice"));  // case change: allowed
  auto own = alice.expect(irc_command("NICK"), default_deadline(), 0);
  ASSERT_TRUE(own) << alice.diagnostics();
  EXPECT_EQ(parse_irc_line(*own).param(0), "Alice");
  ASSERT_TRUE(alice.send("NICK BOB"));
  EXPECT_TRUE(alice.expect(irc_command_param("433", 1, "BOB"))) << alice.diagnostics();
  ASSERT_TRUE(alice.send("NICK -bad"));
  EXPECT_TRUE(alice.expect(irc_command_param("432", 1, "-bad"))) << alice.diagnostics();
}

TEST(IrcNick, NickChangesAreRateLimited) {
  MixedChatd chatd;
  IrcClient alice = connect_irc(chatd.irc_port(), "alice");
  for (const char* n : {"a1", "a2", "a3"}) {
    ASSERT_TRUE(alice.send(std::string("NICK ") + n));
    ASSERT_TRUE(alice.expect(irc_command("NICK"))) << alice.diagnostics();
  }
  ASSERT_TRUE(alice.send("NICK a4"));
  EXPECT_TRUE(alice.expect(irc_command_param("438", 1, "a4"))) << alice.diagnostics();
}

TEST(IrcInvite, InviteReachesThePlainOrIrcTarget) {
  MixedChatd chatd;
  IrcClient alice = connect_irc(chatd.irc_port(), "alice");
  alice.join("#club");
  LineClient carol = connect_as(chatd.plain_port(), "carol");
  ASSERT_TRUE(alice.send("INVITE carol #club"));
  auto inviting = alice.expect(irc_command("341"));
  ASSERT_TRUE(inviting) << alice.diagnostics();
  EXPECT_EQ(parse_irc_line(*inviting).param(1), "carol");
  EXPECT_EQ(parse_irc_line(*inviting).param(2), "#club");
  EXPECT_TRUE(carol.expect_line(equals("*** alice invites you to #club (/join #club)")))
      << carol.diagnostics();
  IrcClient bob = connect_irc(chatd.irc_port(), "bob");
  ASSERT_TRUE(alice.send("INVITE bob #club"));
  auto invite = bob.expect(irc_command("INVITE"));
  ASSERT_TRUE(invite) << bob.diagnostics();
  EXPECT_EQ(parse_irc_line(*invite).param(0), "bob");
  EXPECT_EQ(parse_irc_line(*invite).param(1), "#club");
  ASSERT_TRUE(alice.send("INVITE alice #club"));
  EXPECT_TRUE(alice.expect(irc_command("443"))) << alice.diagnostics();
  ASSERT_TRUE(alice.send("INVITE nobody #club"));
  EXPECT_TRUE(alice.expect(irc_command("401"))) << alice.diagnostics();
}

TEST(IrcMessages, ErrorsForPrivmsgButNeverForNotice) {
  MixedChatd chatd;
  IrcClient alice = connect_irc(chatd.irc_port(), "alice");
  IrcClient bob = connect_irc(chatd.irc_port(), "bob");
  bob.join("#bobs");
  ASSERT_TRUE(alice.send("PRIVMSG nobody :hi"));
  EXPECT_TRUE(alice.expect(irc_command_param("401", 1, "nobody"))) << alice.diagnostics();
  ASSERT_TRUE(alice.send("PRIVMSG #nowhere :hi"));
  EXPECT_TRUE(alice.expect(irc_command_param("403", 1, "#nowhere"))) << alice.diagnostics();
  ASSERT_TRUE(alice.send("PRIVMSG #bobs :hi"));  // +n: members only
  EXPECT_TRUE(alice.expect(irc_command_param("404", 1, "#bobs"))) << alice.diagnostics();
  ASSERT_TRUE(alice.send("PRIVMSG bob"));
  EXPECT_TRUE(alice.expect(irc_command("412"))) << alice.diagnostics();
  ASSERT_TRUE(alice.send("PRIVMSG"));
  EXPECT_TRUE(alice.expect(irc_command("411"))) << alice.diagnostics();
  ASSERT_TRUE(alice.send("PRIVMSG a,b,c,d,e :hi"));
  EXPECT_TRUE(alice.expect(irc_command("407"))) << alice.diagnostics();
  for (const char* line :
       {"NOTICE nobody :hi", "NOTICE #nowhere :hi", "NOTICE #bobs :hi", "NOTICE bob", "NOTICE"}) {
    ASSERT_TRUE(alice.send(line));
  }
  ASSERT_TRUE(alice.send("PING :end"));
  ASSERT_TRUE(alice.expect(irc_command("PONG"), default_deadline(), 0))
      << "NOTICE drew a reply: " << alice.diagnostics();
}

TEST(IrcMessages, PrivmsgToSeveralTargets) {
  MixedChatd chatd;
  IrcClient alice = connect_irc(chatd.irc_port(), "alice");
  IrcClient bob = connect_irc(chatd.irc_port(), "bob");
  LineClient carol = connect_as(chatd.plain_port(), "carol");
  alice.join("#lobby");
  ASSERT_TRUE(alice.send("PRIVMSG bob,#lobby :to both"));
  auto to_bob = bob.expect(irc_command("PRIVMSG"));
  ASSERT_TRUE(to_bob) << bob.diagnostics();
  EXPECT_EQ(parse_irc_line(*to_bob).param(0), "bob");
  EXPECT_TRUE(carol.expect_line(equals("<alice> to both"))) << carol.diagnostics();
}

}  // namespace
}  // namespace chatd::test
