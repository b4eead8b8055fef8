// chatd's log format: sd-daemon "<N>" priority prefixes and no timestamp when
// stderr is the journal (JOURNAL_STREAM names it); timestamps otherwise.
#include <gtest/gtest.h>
#include <signal.h>

#include <regex>
#include <string>

#include "tests/support/chatd_process.h"
#include "tests/support/subprocess.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

bool any_line(const std::vector<std::string>& lines, const std::string& ecma) {
  const std::regex re(ecma);
  for (const auto& l : lines) {
    if (std::regex_match(l, re)) return true;
  }
  return false;
}

// chatd with its stderr as a fake journal stream; a foreign LISTEN_PID makes it warn.
Subprocess journal_chatd(std::vector<std::string> args) {
  args.insert(args.begin(), chatd_binary());
  return Subprocess({args, {"LISTEN_FDS=1", "LISTEN_PID=1"}, true});
}

TEST(SystemdJournal, LinesCarryPriorityPrefixesAndNoTimestamp) {
  Subprocess chatd = journal_chatd({"--listen", "127.0.0.1:0"});
  ASSERT_TRUE(chatd.wait_for_output("listening on", within(10s))) << chatd.output();
  ASSERT_TRUE(chatd.send_signal(SIGTERM));
  ASSERT_TRUE(chatd.wait_exit(within(10s))) << chatd.output();
  const auto& lines = chatd.lines();
  ASSERT_FALSE(lines.empty());
  for (const auto& l : lines)
    EXPECT_TRUE(std::regex_match(l, std::regex("<[0-7]>[^<].*"))) << "unprefixed: " << l;
  EXPECT_TRUE(any_line(lines, "<6>listening on plain://127\\.0\\.0\\.1:[0-9]+")) << chatd.output();
  EXPECT_TRUE(any_line(lines, "<4>ignoring LISTEN_FDS=1: .*")) << chatd.output();
  EXPECT_FALSE(any_line(lines, ".*[0-9]{4}-[0-9]{2}-[0-9]{2} .*")) << chatd.output();
}

TEST(SystemdJournal, StartupErrorsArePriorityErr) {
  Subprocess chatd = journal_chatd({"--max-clients", "lots"});
  const auto status = chatd.wait_exit(within(10s));
  ASSERT_TRUE(status);
  EXPECT_TRUE(any_line(chatd.lines(), "<3>chatd: .*max-clients.*")) << chatd.output();
}

TEST(SystemdJournal, TimestampedWhenStderrIsNotTheJournal) {
  ChatdOptions o;
  // Inherited from a service but redirected elsewhere: not the journal any more.
  o.env = {"JOURNAL_STREAM=1:1"};
  ChatdProcess chatd(o);
  const auto lines = chatd.log_lines();
  EXPECT_TRUE(any_line(lines, "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]{12} \\[info\\] listening on .*"))
      << chatd.log_text();
  EXPECT_FALSE(any_line(lines, "<[0-7]>.*")) << chatd.log_text();
}

}  // namespace
}  // namespace chatd::test
