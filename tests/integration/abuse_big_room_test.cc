// Integration tests of big rooms: /who and /rooms stop at 1000 names with `*** … and N more`,
// no reply gets its asker cut, big rooms stay quiet about joins, parts and quits, and shutdown
// sends each user one line.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/chatd_process.h"
#include "tests/support/fd_budget.h"
#include "tests/support/line_client.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kWanted = 1100;  // 100 over the 1000 names a list stops at
constexpr std::size_t kListed = 1000;
// `n` guests, each greeted; their nicks in connection order.
struct Guests {
  std::vector<LineClient> clients;
  std::vector<std::string> nicks;
};
Guests connect_guests(std::uint16_t port, std::size_t n) {
  Guests g;
  g.clients.reserve(n);
  const Deadline deadline = within(20s);
  for (std::size_t i = 0; i < n; ++i)
    g.clients.emplace_back(port, ClientOptions{}, deadline);
  for (LineClient& c : g.clients) {
    auto line = c.read_line(deadline);
    auto nick = line ? greeting_nick(*line) : std::nullopt;
    if (!nick) throw std::runtime_error("no greeting: " + c.diagnostics());
    g.nicks.push_back(*nick);
  }
  return g;
}

// A reply to /who or /rooms: the header, the names listed, the count in `… and N more`.
struct ListReply {
  std::string header;
  std::vector<std::string> items;
  std::size_t lines = 0;
  std::size_t more = 0;  // 0 when there was no `… and N more` line
};

// Reads the reply to a list command whose header starts with `header_prefix` (skipping what
// came before it), up to the last line of the list. Items are the words after "***" and the
// header's colon, without the '@' or '+' of an operator or voiced user; for /rooms,
// "#name (size)" counts as one item.
ListReply read_list(LineClient& c, const std::string& header_prefix, bool rooms) {
  ListReply r;
  auto header = c.expect_line(starts_with(header_prefix), within(10s), 100000);
  if (!header) {
    ADD_FAILURE() << "no list header: " << c.diagnostics();
    return r;
  }
  r.header = *header;
  std::string line = header->substr(header->find(':') + 1);
  const std::regex item(rooms ? R"(#[^ ]+ \([0-9]+\))" : R"([^ @+][^ ]*)");
  const std::regex more(R"(\*\*\* … and ([0-9]+) more)");
  for (;;) {
    ++r.lines;
    for (std::sregex_iterator it(line.begin(), line.end(), item), end; it != end; ++it)
      r.items.push_back(it->str());
    // Ask for the next line, but do not wait long for one that is not part of the list.
    auto next = c.read_line(within(2s));
    if (!next) break;
    std::smatch m;
    if (std::regex_match(*next, m, more)) {
      r.more = std::stoul(m[1].str());
      break;
    }
    if (!next->starts_with("*** ")) {
      ADD_FAILURE() << "unexpected line inside the list: " << *next;
      break;
    }
    line = next->substr(3);
  }
  return r;
}

TEST(AbuseBigRoom, WhoListsAThousandNamesThenHowManyMore) {
  const std::size_t n = affordable_clients(kWanted);
  ASSERT_GT(n, kListed) << "too few file descriptors for a room over 1000";
  ChatdProcess chatd({"--announce-limit", "10"});
  Guests g = connect_guests(chatd.port(), n);
  LineClient& asker = g.clients.back();
  ASSERT_TRUE(asker.send_line("/who"));
  const ListReply r = read_list(asker, "*** " + std::to_string(n) + " users in #lobby:", false);
  EXPECT_EQ(r.items.size(), kListed);
  EXPECT_EQ(r.more, n - kListed);
  EXPECT_GT(r.lines, 2u) << "1000 names should take several lines";
  const std::set<std::string> everyone(g.nicks.begin(), g.nicks.end());
  const std::set<std::string> listed(r.items.begin(), r.items.end());
  EXPECT_EQ(listed.size(), r.items.size()) << "a name listed twice";
  for (const auto& name : listed)
    EXPECT_TRUE(everyone.count(name)) << "not in the room: " << name;
}

TEST(AbuseBigRoom, JoinsBeyondTheAnnounceLimitAreNotAnnounced) {
  const std::size_t n = affordable_clients(kWanted);
  ChatdProcess chatd({"--announce-limit", "10"});
  Guests g = connect_guests(chatd.port(), n);
  LineClient& first = g.clients.front();
  ASSERT_TRUE(first.send_line("/who"));  // everything queued before the reply was the joins
  ASSERT_TRUE(
      first.expect_line(starts_with("*** " + std::to_string(n) + " users"), within(10s), 100000))
      << first.diagnostics();
  std::set<std::string> announced;
  for (const auto& line : first.skipped()) {
    std::smatch m;
    static const std::regex joined(R"(\*\*\* (.+) joined #lobby)");
    if (std::regex_match(line, m, joined)) announced.insert(m[1].str());
  }
  // Guests 2..10 joined a room of at most 10 and were announced; nobody after them was.
  const std::set<std::string> small_room(g.nicks.begin() + 1, g.nicks.begin() + 10);
  EXPECT_EQ(announced, small_room);
}

TEST(AbuseBigRoom, PartsAndQuitsBeyondTheAnnounceLimitAreNotAnnounced) {
  const std::size_t n = affordable_clients(kWanted);
  ChatdProcess chatd({"--announce-limit", "10"});
  Guests g = connect_guests(chatd.port(), n);
  LineClient& watcher = g.clients.front();
  LineClient& parting = g.clients[n - 1];
  ASSERT_TRUE(parting.send_line("/join #elsewhere"));
  ASSERT_TRUE(parting.expect_line(equals("*** " + g.nicks[n - 1] + " joined #elsewhere")))
      << parting.diagnostics();
  g.clients[n - 2].close();
  g.clients[n - 3].close_with_reset();
  // Round trips until chatd has seen both go.
  const std::string settled = "*** " + std::to_string(n - 3) + " users in #lobby:";
  std::vector<std::string> heard;
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    ASSERT_TRUE(watcher.send_line("/who"));
    auto line =
        watcher.expect_line(matches(R"(\*\*\* [0-9]+ users in #lobby:.*)"), within(10s), 100000);
    ASSERT_TRUE(line) << watcher.diagnostics();
    heard.insert(heard.end(), watcher.skipped().begin(), watcher.skipped().end());
    gone = line->starts_with(settled);
  }
  ASSERT_TRUE(gone) << watcher.diagnostics();
  for (const auto& line : heard) {
    EXPECT_EQ(line.find(" left #lobby"), std::string::npos) << line;
    EXPECT_EQ(line.find(" quit ("), std::string::npos) << line;
  }
}

TEST(AbuseBigRoom, RoomsListsAThousandRoomsThenHowManyMore) {
  const std::size_t n = affordable_clients(kWanted);
  ASSERT_GT(n, kListed) << "too few file descriptors for over 1000 rooms";
  ChatdProcess chatd({"--announce-limit", "10"});
  Guests g = connect_guests(chatd.port(), n);
  for (std::size_t i = 0; i < n; ++i)
    ASSERT_TRUE(g.clients[i].send_line("/join #room-" + std::to_string(i)));
  // Each one alone in its room: the lobby is gone, n rooms are left.
  auto not_joined = expect_line_on_all(g.clients, contains(" joined #room-"), within(20s), 100);
  ASSERT_TRUE(not_joined.empty()) << not_joined.size() << " did not get to their room";
  LineClient& asker = g.clients.front();
  ASSERT_TRUE(asker.send_line("/rooms"));
  const ListReply r = read_list(asker, "*** " + std::to_string(n) + " rooms:", true);
  EXPECT_EQ(r.items.size(), kListed);
  EXPECT_EQ(r.more, n - kListed);
  const std::set<std::string> listed(r.items.begin(), r.items.end());
  EXPECT_EQ(listed.size(), r.items.size()) << "a room listed twice";
}

TEST(AbuseBigRoom, WhoIsShortenedRatherThanGetTheAskerCutAtASmallOutputLimit) {
  // 600 names take about 6 KB: sent whole, they would put the asker over 4096 bytes at once.
  const std::size_t n = affordable_clients(600);
  ChatdProcess chatd(
      {"--output-limit", "4096", "--max-line-bytes", "1024", "--announce-limit", "10"});
  Guests g = connect_guests(chatd.port(), n);
  LineClient& asker = g.clients.back();
  ASSERT_TRUE(asker.send_line("/who"));
  const ListReply r = read_list(asker, "*** " + std::to_string(n) + " users in #lobby:", false);
  EXPECT_GT(r.more, 0u) << "the reply was not shortened";
  EXPECT_EQ(r.items.size() + r.more, n);
  // Still connected and served.
  ASSERT_TRUE(asker.send_line("/who"));
  EXPECT_TRUE(asker.expect_line(starts_with("*** " + std::to_string(n) + " users in #lobby:")))
      << asker.diagnostics();
  EXPECT_EQ(chatd.log_text().find("dropping slow consumer"), std::string::npos);
}

TEST(AbuseBigRoom, ShutdownSendsEachUserOneLastLineAndNothingAfterIt) {
  const std::size_t n = affordable_clients(kWanted);
  ChatdProcess chatd({"--announce-limit", "10"});
  Guests g = connect_guests(chatd.port(), n);
  // A small room too, where quits would be announced if anything came after the last line.
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(g.clients[i].send_line("/join #small"));
    ASSERT_TRUE(
        g.clients[i].expect_line(equals("*** " + g.nicks[i] + " joined #small"), within(10s)))
        << g.clients[i].diagnostics();
  }
  ASSERT_TRUE(chatd.send_signal(SIGTERM));
  const Deadline deadline = within(20s);
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < n; ++i) {
    LineClient& c = g.clients[i];
    ASSERT_TRUE(c.read_until_closed(deadline)) << "client " << i << ": " << c.diagnostics();
    const auto& lines = c.skipped();
    const auto count = std::count(lines.begin(), lines.end(), "*** server shutting down");
    if (count != 1 || lines.empty() || lines.back() != "*** server shutting down") {
      if (wrong++ < 5) ADD_FAILURE() << "client " << i << ": " << c.diagnostics();
    }
  }
  EXPECT_EQ(wrong, 0u) << "clients that did not get exactly one last line";
  g.clients.clear();
  auto status = chatd.wait_exit(within(10s));
  ASSERT_TRUE(status) << "chatd did not exit";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe_wait_status(*status);
}

}  // namespace
}  // namespace chatd::test
