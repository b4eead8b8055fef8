// Integration tests of server operators: [[oper]] logins over IRC (381, 464, 491) and plain
// (/oper), refused and rate-limited wrong passwords, operator powers in every room, KILL, and
// server bans (/kline, KLINE): applied to connected users at once and to new connections
// before a greeting, expiring, kept in --state-dir across a restart, and a broken state file
// refused with a clear error.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "reactor/password_hash.h"
#include "tests/support/irc_client.h"
#include "tests/support/line_client.h"
#include "tests/support/oper_login.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

constexpr char kPassword[] = "correct horse battery staple";

// A config file with one operator, ada, and the state directory beside it.
class OperSetup {
 public:
  OperSetup()
      : config_(dir_.write("chatd.toml", oper_table(kPassword))),
        state_((dir_.path() / "state").string()) {
    std::filesystem::create_directories(state_);
  }
  std::vector<std::string> args(std::vector<std::string> more = {}) const {
    std::vector<std::string> all = {"--listen", "127.0.0.1:0", "--listen",    "irc://127.0.0.1:0",
                                    "--config", config_,       "--state-dir", state_};
    all.insert(all.end(), more.begin(), more.end());
    return all;
  }
  const std::string& state_dir() const { return state_; }

 private:
  TempDir dir_{"oper"};
  std::string config_;
  std::string state_;
};

// A new connection from `address`: its first line.
std::optional<std::string> first_line_from(std::uint16_t port, const char* address) {
  ClientOptions o;
  o.source = address;
  LineClient c(port, o);
  return c.read_line();
}

TEST(Oper, HashPasswordPrintsAHashThatVerifies) {
  const ToolResult r =
      run_tool({"/bin/sh", "-c", "printf 'hunter2\\n' | " + chatd_binary() + " --hash-password"},
               within(20s));
  ASSERT_EQ(r.exit_code(), 0) << r.output;
  std::string hash = r.output;
  while (!hash.empty() && hash.back() == '\n')
    hash.pop_back();
  EXPECT_TRUE(hash.starts_with("$scrypt$ln=14,r=8,p=1$")) << hash;
  EXPECT_TRUE(reactor::verify_password("hunter2", hash));
  EXPECT_FALSE(reactor::verify_password("hunter3", hash));
  const ToolResult empty =
      run_tool({"/bin/sh", "-c", chatd_binary() + " --hash-password </dev/null"}, within(20s));
  EXPECT_NE(empty.exit_code(), 0) << empty.output;
}

// Every test client comes from 127.0.0.1: one address, three password checks, then one per 3 s.
TEST(Oper, IrcOperGets381AndWrongPasswordsAreRefusedLoggedAndSlowedDown) {
  OperSetup setup;
  ChatdProcess chatd(setup.args());
  const std::uint16_t irc = chatd.port_of("irc");
  IrcClient ada = connect_irc(irc, "ada");
  ASSERT_TRUE(ada.send(std::string("OPER ada :") + kPassword));
  ASSERT_TRUE(ada.expect(irc_command("381"))) << ada.diagnostics();
  ASSERT_TRUE(ada.expect(irc_command("MODE"))) << ada.diagnostics();
  ASSERT_TRUE(ada.send("WHOIS ada"));
  EXPECT_TRUE(ada.expect(irc_command("313"))) << ada.diagnostics();

  IrcClient guesser = connect_irc(irc, "guesser");
  ASSERT_TRUE(guesser.send("OPER nobody :x"));
  ASSERT_TRUE(guesser.expect(irc_command("491"))) << guesser.diagnostics();
  EXPECT_TRUE(chatd.wait_for_log("with an unknown name", default_deadline()));

  IrcClient mallory = connect_irc(irc, "mallory");
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(mallory.send("OPER ada :guess"));
    auto wrong = mallory.expect(irc_command("464"));
    ASSERT_TRUE(wrong) << mallory.diagnostics();
    EXPECT_NE(wrong->find("Password incorrect"), std::string::npos) << *wrong;
  }
  EXPECT_TRUE(chatd.wait_for_log("as 'ada': wrong password", default_deadline()));
  ASSERT_TRUE(mallory.send(std::string("OPER ada :") + kPassword));
  auto refused = mallory.expect(irc_command("464"));
  ASSERT_TRUE(refused) << "a fourth check from one address at once must wait: "
                       << mallory.diagnostics();
  EXPECT_NE(refused->find("Too many attempts"), std::string::npos) << *refused;
  EXPECT_TRUE(chatd.wait_for_log("refused: too many attempts", default_deadline()));
}

TEST(Oper, AServerOperatorIsOperatorOfEveryRoomAndListedAsSuch) {
  OperSetup setup;
  ChatdProcess chatd(setup.args());
  LineClient bob = connect_as(chatd.port(), "bob");
  ASSERT_TRUE(bob.send_line("/join #private"));
  ASSERT_TRUE(bob.expect_line(equals("*** bob joined #private"))) << bob.diagnostics();
  ASSERT_TRUE(bob.send_line("/mode +i"));
  ASSERT_TRUE(bob.expect_line(contains("+i"))) << bob.diagnostics();
  LineClient ada = connect_as(chatd.port(), "ada");
  ASSERT_TRUE(ada.send_line("/join #private"));
  ASSERT_TRUE(ada.expect_line(starts_with("! "))) << "invite-only for users: " << ada.diagnostics();
  become_oper(ada, kPassword);
  ASSERT_TRUE(ada.send_line("/join #private"));
  ASSERT_TRUE(ada.expect_line(equals("*** ada joined #private"))) << ada.diagnostics();
  ASSERT_TRUE(ada.send_line("/who"));
  auto who = ada.expect_line(starts_with("*** 2 users in #private:"));
  ASSERT_TRUE(who) << ada.diagnostics();
  EXPECT_NE(who->find("*ada"), std::string::npos) << *who;
  ASSERT_TRUE(ada.send_line("/kick bob out"));
  EXPECT_TRUE(bob.expect_line(starts_with("*** you were kicked from #private by ada")))
      << bob.diagnostics();
}

TEST(Oper, KillRemovesAUserWhoGetsOneLineWhileTheRoomSeesTheQuit) {
  OperSetup setup;
  ChatdProcess chatd(setup.args());
  LineClient ada = connect_as(chatd.port(), "ada");
  LineClient victim = connect_as(chatd.port(), "victim");
  LineClient watcher = connect_as(chatd.port(), "watcher");
  ASSERT_TRUE(watcher.send_line("/kill victim because"));
  EXPECT_TRUE(watcher.expect_line(starts_with("! only server operators"))) << watcher.diagnostics();
  become_oper(ada, kPassword);
  ASSERT_TRUE(ada.send_line("/kill victim spamming"));
  EXPECT_TRUE(
      victim.expect_line(equals("*** you were removed from the server: Killed by ada (spamming)")))
      << victim.diagnostics();
  EXPECT_TRUE(victim.read_until_closed()) << victim.diagnostics();
  EXPECT_TRUE(watcher.expect_line(equals("*** victim quit (Killed by ada (spamming))")))
      << watcher.diagnostics();
  IrcClient ian = connect_irc(chatd.port_of("irc"), "ian");
  ASSERT_TRUE(ada.send_line("/kill ian bye"));
  auto error = ian.expect(irc_command("ERROR"));
  ASSERT_TRUE(error) << ian.diagnostics();
  EXPECT_NE(error->find("Killed by ada (bye)"), std::string::npos) << *error;
}

TEST(Oper, OperatorPowersEndWithTheConnection) {
  OperSetup setup;
  ChatdProcess chatd(setup.args());
  {
    LineClient ada = connect_as(chatd.port(), "ada");
    become_oper(ada, kPassword);
  }
  LineClient again = connect_as(chatd.port(), "ada");
  ASSERT_TRUE(again.send_line("/klines"));
  EXPECT_TRUE(again.expect_line(starts_with("! only server operators"))) << again.diagnostics();
}

TEST(Oper, ABanOfOneAddressRemovesAndRefusesItWhileOthersAreServed) {
  OperSetup setup;
  ChatdProcess chatd(setup.args());
  LineClient ada = connect_from(chatd.port(), "127.0.0.1", "ada");
  LineClient there = connect_from(chatd.port(), "127.0.0.2", "there");
  become_oper(ada, kPassword);
  ASSERT_TRUE(ada.send_line("/kline 127.0.0.2 0 flooding"));
  EXPECT_TRUE(ada.expect_line(equals("*** banned 127.0.0.2/32 for good: 1 user removed")))
      << ada.diagnostics();
  EXPECT_TRUE(there.expect_line(equals("*** you were removed from the server: Banned (flooding)")))
      << there.diagnostics();
  EXPECT_TRUE(there.read_until_closed());
  EXPECT_EQ(first_line_from(chatd.port(), "127.0.0.2"),
            std::optional<std::string>("! banned from this server: flooding"));
  auto greeting = first_line_from(chatd.port(), "127.0.0.1");
  ASSERT_TRUE(greeting);
  EXPECT_TRUE(greeting->starts_with("*** welcome to chatd")) << *greeting;
  ASSERT_TRUE(ada.send_line("/klines"));
  EXPECT_TRUE(ada.expect_line(equals("*** 1 server ban:"))) << ada.diagnostics();
  EXPECT_TRUE(ada.expect_line(equals("***   127.0.0.2/32 by ada for good: flooding")))
      << ada.diagnostics();
  ASSERT_TRUE(ada.send_line("/unkline 127.0.0.2"));
  EXPECT_TRUE(ada.expect_line(equals("*** ban on 127.0.0.2/32 lifted"))) << ada.diagnostics();
  greeting = first_line_from(chatd.port(), "127.0.0.2");
  ASSERT_TRUE(greeting);
  EXPECT_TRUE(greeting->starts_with("*** welcome to chatd")) << *greeting;
}

TEST(Oper, IrcKlineBansARangeAndUnklineLiftsIt) {
  OperSetup setup;
  ChatdProcess chatd(setup.args());
  IrcClient ada = connect_irc(chatd.port_of("irc"), "ada");
  ASSERT_TRUE(ada.send(std::string("OPER ada :") + kPassword));
  ASSERT_TRUE(ada.expect(irc_command("381"))) << ada.diagnostics();
  ASSERT_TRUE(ada.send("KLINE 127.0.0.2/31 30m :range ban"));
  auto done = ada.expect(irc_command("NOTICE"));
  ASSERT_TRUE(done) << ada.diagnostics();
  EXPECT_NE(done->find("banned 127.0.0.2/31 for 1800 s"), std::string::npos) << *done;
  EXPECT_EQ(first_line_from(chatd.port(), "127.0.0.3"),
            std::optional<std::string>("! banned from this server: range ban"));
  ASSERT_TRUE(ada.send("UNKLINE 127.0.0.2/31"));
  auto lifted = ada.expect(irc_command("NOTICE"));
  ASSERT_TRUE(lifted) << ada.diagnostics();
  EXPECT_NE(lifted->find("lifted"), std::string::npos) << *lifted;
  IrcClient nobody = connect_irc(chatd.port_of("irc"), "nobody");
  ASSERT_TRUE(nobody.send("KLINE 127.0.0.9 0 :x"));
  EXPECT_TRUE(nobody.expect(irc_command("481"))) << nobody.diagnostics();
}

TEST(Oper, ABanExpires) {
  OperSetup setup;
  ChatdProcess chatd(setup.args());
  LineClient ada = connect_from(chatd.port(), "127.0.0.1", "ada");
  become_oper(ada, kPassword);
  ASSERT_TRUE(ada.send_line("/kline 127.0.0.2 2s short"));
  ASSERT_TRUE(ada.expect_line(starts_with("*** banned 127.0.0.2/32 for 2 s"))) << ada.diagnostics();
  EXPECT_EQ(first_line_from(chatd.port(), "127.0.0.2"),
            std::optional<std::string>("! banned from this server: short"));
  // The ban ends on the wall clock: try again every 200 ms, for 10 s at most.
  bool served = false;
  for (int i = 0; i < 50 && !served; ++i) {
    auto line = first_line_from(chatd.port(), "127.0.0.2");
    served = line && line->starts_with("*** welcome to chatd");
    if (!served) std::this_thread::sleep_for(200ms);
  }
  EXPECT_TRUE(served) << "still banned 10 s after a 2 s ban";
}

TEST(Oper, BansSurviveARestart) {
  OperSetup setup;
  {
    ChatdProcess chatd(setup.args());
    LineClient ada = connect_from(chatd.port(), "127.0.0.1", "ada");
    become_oper(ada, kPassword);
    ASSERT_TRUE(ada.send_line("/kline 127.0.0.2 7d kept"));
    ASSERT_TRUE(ada.expect_line(starts_with("*** banned 127.0.0.2/32"))) << ada.diagnostics();
    ASSERT_TRUE(chatd.send_signal(SIGTERM));
    ASSERT_TRUE(chatd.wait_exit(within(10s)));
  }
  ChatdProcess again(setup.args());
  EXPECT_EQ(first_line_from(again.port(), "127.0.0.2"),
            std::optional<std::string>("! banned from this server: kept"));
  LineClient ada = connect_from(again.port(), "127.0.0.1", "ada");
  become_oper(ada, kPassword);
  ASSERT_TRUE(ada.send_line("/klines"));
  EXPECT_TRUE(ada.expect_line(starts_with("***   127.0.0.2/32 by ada for "))) << ada.diagnostics();
}

TEST(Oper, ABrokenStateFileStopsChatdWithAClearError) {
  OperSetup setup;
  for (const char* text : {"this is not toml [",
                           "[[ban]]\nmask = \"999.1.1.1\"\nset_at = 1\n"
                           "expires_at = 0\n",
                           "[[ban]]\nmask = \"10.0.0.0/8\"\n", "[other]\nx = 1\n"}) {
    const std::string file = setup.state_dir() + "/bans.toml";
    std::FILE* f = std::fopen(file.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(text, f);
    std::fclose(f);
    const RunResult r = run_chatd(setup.args());
    EXPECT_NE(r.exit_code(), 0) << text;
    EXPECT_NE(r.err.find("bans.toml"), std::string::npos) << text << ": " << r.err;
    EXPECT_NE(r.err.find("fix it or move it away"), std::string::npos) << text << ": " << r.err;
  }
}

TEST(Oper, AnOperWithAMalformedHashIsAConfigError) {
  TempDir dir;
  const std::string config =
      dir.write("chatd.toml", "[[oper]]\nname = \"ada\"\npassword_hash = \"plaintext\"\n");
  const RunResult r = run_chatd({"--config", config, "--check-config"});
  EXPECT_NE(r.exit_code(), 0);
  EXPECT_NE(r.err.find("chatd --hash-password"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace chatd::test
