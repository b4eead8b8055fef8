// Real IRC clients from Debian against the real chatd, in a room with a plain (nc-like)
// user: irssi under a private tmux server, weechat-headless driven through its FIFO, and a
// ZNC bouncer that a client attaches to and re-attaches to. Each waits on what the client
// writes to its log, with a deadline; each is skipped, saying so, only when the client is
// not installed (scripts/setup.sh installs them all).
#include "tests/support/real_clients.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <set>
#include <string>

#include "tests/support/free_port.h"
#include "tests/support/irc_client.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

TEST(RealClients, IrssiJoinsSyncsAndTalksWithAPlainUser) {
  REQUIRE_PROGRAM("irssi");
  REQUIRE_PROGRAM("tmux");
  MixedChatd chatd;
  LineClient carol = connect_as(chatd.plain_port(), "carol");
  TempDir home("irssi");
  const std::string log = "logs/chatd/#lobby.log";
  home.write("config",
             irssi_config(home.path(), R"({ address = "127.0.0.1"; chatnet = "chatd"; port = ")" +
                                           std::to_string(chatd.irc_port()) +
                                           R"("; autoconnect = "yes"; })"));
  PrivateTmux tmux("irssi --home=" + home.path().string());
  ASSERT_TRUE(carol.expect_line(equals("*** alice joined #lobby"), within(20s)))
      << carol.diagnostics();
  // irssi's own pacing (5 commands, then one per 2.2 s) makes the MODE/WHO/MODE b take seconds.
  EXPECT_TRUE(eventually_matches([&] { return home.read(log); },
                                 "Join to #lobby was synced in [0-9]+ secs", within(30s)))
      << home.read(log);
  ASSERT_TRUE(carol.send_line("hello irssi") && carol.send_line("/me bows"));
  EXPECT_TRUE(
      eventually_matches([&] { return home.read(log); }, "< ?@?carol> hello irssi", within(10s)))
      << home.read(log);
  EXPECT_TRUE(eventually_matches([&] { return home.read(log); }, "\\* carol bows", within(10s)))
      << home.read(log);
  tmux.type("/window goto #lobby");  // autojoin leaves the status window in front
  tmux.type("hi from irssi");
  EXPECT_TRUE(carol.expect_line(equals("<alice> hi from irssi"), within(10s)))
      << carol.diagnostics();
  tmux.type("/me waves");
  EXPECT_TRUE(carol.expect_line(equals("* alice waves"), within(10s))) << carol.diagnostics();
}

TEST(RealClients, WeechatJoinsSeesTheRoomAndTalksWithAPlainUser) {
  REQUIRE_PROGRAM("weechat-headless");
  MixedChatd chatd;
  LineClient carol = connect_as(chatd.plain_port(), "carol");  // carol made #lobby: operator
  HeadlessWeechat weechat(weechat_lobby_commands("127.0.0.1/" + std::to_string(chatd.irc_port())));
  ASSERT_TRUE(carol.expect_line(equals("*** bob joined #lobby"), within(20s)))
      << carol.diagnostics();
  auto log = [&] { return weechat.log("irc.chatd.#lobby"); };
  // 329 answers the MODE WeeChat sends after NAMES: the room is fully known to it.
  EXPECT_TRUE(eventually_matches(log, "Channel created on", within(10s))) << log();
  ASSERT_TRUE(carol.send_line("hello weechat"));
  EXPECT_TRUE(eventually_matches(log, "\t@carol\thello weechat", within(10s))) << log();
  ASSERT_TRUE(weechat.type("irc.chatd.#lobby", "hello from weechat", within(10s)))
      << "no FIFO in " << weechat.dir().path();
  EXPECT_TRUE(carol.expect_line(equals("<bob> hello from weechat"), within(10s)))
      << carol.diagnostics();
  ASSERT_TRUE(weechat.type("irc.chatd.#lobby", "/quit leaving", within(10s)));
  EXPECT_TRUE(carol.expect_line(equals("*** bob quit (leaving)"), within(10s)))
      << carol.diagnostics();
  EXPECT_TRUE(weechat.process().wait_exit(within(10s))) << weechat.process().output();
}

// ZNC as root waits 30 s before it starts; as nobody it starts at once.
std::vector<std::string> as_unprivileged(std::vector<std::string> argv) {
  if (geteuid() != 0) return argv;
  std::vector<std::string> wrapped = {"setpriv", "--reuid=nobody", "--regid=nogroup",
                                      "--clear-groups"};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return wrapped;
}

std::string znc_config(std::uint16_t listen_port, std::uint16_t chatd_port) {
  return "Version = 1.8.2\n<Listener l>\n    Port = " + std::to_string(listen_port) +
         "\n    IPv4 = true\n    IPv6 = false\n    SSL = false\n</Listener>\n"
         "<User zed>\n    <Pass password>\n        Method = plain\n        Hash = secret\n"
         "    </Pass>\n    Nick = zed\n    AltNick = zed_\n    Ident = zed\n"
         "    RealName = Zed Bouncer\n    <Network chatd>\n        Server = 127.0.0.1 " +
         std::to_string(chatd_port) +
         "\n        <Chan #lobby>\n        </Chan>\n        <Chan #dev>\n        </Chan>\n"
         "    </Network>\n</User>\n";
}

// Logs in to ZNC as its user zed on network chatd, and reads until it has replayed both rooms.
IrcClient attach_to_znc(std::uint16_t port, std::set<std::string>& rooms, std::string& names) {
  IrcClient c(port, within(10s));
  if (!c.send("PASS :secret") || !c.send("NICK zed") || !c.send("USER zed/chatd x x :x")) {
    throw std::runtime_error("cannot log in to ZNC: " + c.diagnostics());
  }
  while (rooms.size() < 2) {
    auto line = c.lines().read_line(within(10s));
    if (!line) throw std::runtime_error("ZNC did not replay the rooms: " + c.diagnostics());
    const IrcLine l = parse_irc_line(*line);
    if (l.command == "353" && l.param(2) == "#lobby") names += l.param(3) + " ";
    if (l.command == "366") rooms.insert(l.param(1));
  }
  return c;
}

TEST(RealClients, ZncJoinsForItsUserAndReattachesAClientToItsRooms) {
  REQUIRE_PROGRAM("znc");
  MixedChatd chatd;
  LineClient carol = connect_as(chatd.plain_port(), "carol");
  TempDir dir("znc");
  const std::uint16_t port = free_port();
  dir.write("configs/znc.conf", znc_config(port, chatd.irc_port()));
  if (geteuid() == 0) {  // ZNC runs as nobody and must own its data directory
    ASSERT_EQ(chown(dir.path().c_str(), 65534, 65534), 0);
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) {
      ASSERT_EQ(chown(entry.path().c_str(), 65534, 65534), 0);
    }
  }
  Subprocess znc(
      {as_unprivileged({"znc", "--datadir=" + dir.path().string(), "--foreground"}), {}, false});
  ASSERT_TRUE(carol.expect_line(equals("*** zed joined #lobby"), within(20s)))
      << carol.diagnostics() << znc.output();
  ASSERT_TRUE(znc.wait_for_output("Staying open", within(10s))) << znc.output();

  std::set<std::string> rooms;
  std::string names;
  {
    IrcClient first = attach_to_znc(port, rooms, names);
    EXPECT_EQ(rooms, (std::set<std::string>{"#lobby", "#dev"}));
    EXPECT_NE(names.find("carol"), std::string::npos) << names;
    ASSERT_TRUE(first.send("PRIVMSG #lobby :via the bouncer"));
    EXPECT_TRUE(carol.expect_line(equals("<zed> via the bouncer"), within(10s)))
        << carol.diagnostics();
  }
  // zed stays in the rooms while no client is attached; what is said meanwhile is kept.
  ASSERT_TRUE(carol.send_line("while you were away"));
  rooms.clear();
  names.clear();
  IrcClient second = attach_to_znc(port, rooms, names);
  EXPECT_EQ(rooms, (std::set<std::string>{"#lobby", "#dev"}));
  EXPECT_TRUE(second.expect(contains("while you were away"), within(10s))) << second.diagnostics();
  for (const auto& line : carol.skipped())
    EXPECT_EQ(line.find("zed quit"), std::string::npos) << "ZNC left chatd: " << line;
  znc.send_signal(SIGTERM);
  EXPECT_TRUE(znc.wait_exit(within(10s))) << znc.output();
}

}  // namespace
}  // namespace chatd::test
