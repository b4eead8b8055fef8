// Specs for parse_message: one IRC line split into tags, source, command and parameters.
#include "daemon/irc/irc_message.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace chatd::irc {
namespace {

IrcMessage parsed(std::string_view line) {
  IrcMessage m;
  EXPECT_EQ(parse_message(line, m), ParseResult::kOk) << line;
  return m;
}

std::vector<std::string> params_of(const IrcMessage& m) {
  return {m.args().begin(), m.args().end()};
}

// "PRIVMSG #r :" padded with 'x' to exactly `n` bytes.
std::string body_of_size(std::size_t n) {
  std::string body = "PRIVMSG #r :";
  body.append(n - body.size(), 'x');
  return body;
}

TEST(IrcMessage, SplitsTheMessageTagsSpecExample) {
  const IrcMessage m =
      parsed("@aaa=bbb;ccc;example.com/ddd=eee :nick!ident@host.com PRIVMSG me :Hello");
  EXPECT_EQ(m.tags, "aaa=bbb;ccc;example.com/ddd=eee");
  EXPECT_EQ(m.source, "nick!ident@host.com");
  EXPECT_EQ(m.command, "PRIVMSG");
  EXPECT_EQ(params_of(m), (std::vector<std::string>{"me", "Hello"}));
}

TEST(IrcMessage, ReadsSourceAndTrailingWithSpacesFromRfc1459Example) {
  const IrcMessage m = parsed(":Angel PRIVMSG Wiz :Hello are you receiving this message ?");
  EXPECT_TRUE(m.tags.empty());
  EXPECT_EQ(m.source, "Angel");
  EXPECT_EQ(m.command, "PRIVMSG");
  EXPECT_EQ(params_of(m),
            (std::vector<std::string>{"Wiz", "Hello are you receiving this message ?"}));
}

TEST(IrcMessage, ReadsLineWithoutTagsOrSource) {
  const IrcMessage m = parsed("PRIVMSG Angel :yes I'm receiving it !");
  EXPECT_TRUE(m.tags.empty());
  EXPECT_TRUE(m.source.empty());
  EXPECT_EQ(m.command, "PRIVMSG");
  EXPECT_EQ(params_of(m), (std::vector<std::string>{"Angel", "yes I'm receiving it !"}));
}

TEST(IrcMessage, ReadsCommandWithNoParameters) {
  const IrcMessage m = parsed("QUIT");
  EXPECT_EQ(m.command, "QUIT");
  EXPECT_EQ(m.param_count, 0u);
  EXPECT_TRUE(m.args().empty());
}

TEST(IrcMessage, ReadsMiddleParametersBeforeTheTrailingOne) {
  const IrcMessage m = parsed("USER guest 0 * :Ronnie Reagan");
  EXPECT_EQ(m.command, "USER");
  EXPECT_EQ(params_of(m), (std::vector<std::string>{"guest", "0", "*", "Ronnie Reagan"}));
}

TEST(IrcMessage, ReadsMiddleParametersWithoutTrailing) {
  const IrcMessage m = parsed(":WiZ NICK Kilroy");
  EXPECT_EQ(m.source, "WiZ");
  EXPECT_EQ(m.command, "NICK");
  EXPECT_EQ(params_of(m), (std::vector<std::string>{"Kilroy"}));
}

TEST(IrcMessage, KeepsEmptyTrailingParameter) {
  const IrcMessage m = parsed("TOPIC #r :");
  EXPECT_EQ(params_of(m), (std::vector<std::string>{"#r", ""}));
}

TEST(IrcMessage, DropsOnlyTheFirstColonOfTrailing) {
  const IrcMessage m = parsed("PRIVMSG #r ::-) ok");
  EXPECT_EQ(params_of(m), (std::vector<std::string>{"#r", ":-) ok"}));
}

TEST(IrcMessage, KeepsColonInsideMiddleParameter) {
  const IrcMessage m = parsed("MODE #r +k a:b");
  EXPECT_EQ(params_of(m), (std::vector<std::string>{"#r", "+k", "a:b"}));
}

TEST(IrcMessage, TreatsRunsOfSpacesAsOneSeparator) {
  const IrcMessage m = parsed("PRIVMSG   #r    :hi   there  ");
  EXPECT_EQ(m.command, "PRIVMSG");
  EXPECT_EQ(params_of(m), (std::vector<std::string>{"#r", "hi   there  "}));
}

TEST(IrcMessage, IgnoresSpacesAfterTheLastMiddleParameter) {
  const IrcMessage m = parsed("JOIN #a   ");
  EXPECT_EQ(params_of(m), (std::vector<std::string>{"#a"}));
}

TEST(IrcMessage, SeparatesTagsSourceAndCommandBySpaceRuns) {
  const IrcMessage m = parsed("@a=b   :src   PING   x");
  EXPECT_EQ(m.tags, "a=b");
  EXPECT_EQ(m.source, "src");
  EXPECT_EQ(m.command, "PING");
  EXPECT_EQ(params_of(m), (std::vector<std::string>{"x"}));
}

TEST(IrcMessage, KeepsFifteenMiddleParameters) {
  const IrcMessage m = parsed("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15");
  ASSERT_EQ(m.param_count, kMaxParams);
  EXPECT_EQ(m.arg(0), "1");
  EXPECT_EQ(m.arg(13), "14");
  EXPECT_EQ(m.arg(14), "15");
}

TEST(IrcMessage, LetsTheFifteenthParameterTakeTheRestOfTheLine) {
  const IrcMessage m = parsed("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 :17 18");
  ASSERT_EQ(m.param_count, kMaxParams);
  EXPECT_EQ(m.arg(13), "14");
  EXPECT_EQ(m.arg(14), "15 16 :17 18");
}

TEST(IrcMessage, StripsTheColonOfATrailingFifteenthParameter) {
  const IrcMessage m = parsed("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 :last one");
  ASSERT_EQ(m.param_count, kMaxParams);
  EXPECT_EQ(m.arg(14), "last one");
}

TEST(IrcMessage, AcceptsBodyOf512Bytes) {
  EXPECT_EQ(kMaxBodyBytes, 512u);
  const std::string line = body_of_size(512);
  IrcMessage m;
  ASSERT_EQ(parse_message(line, m), ParseResult::kOk);
  EXPECT_EQ(m.arg(1).size(), 512u - std::string_view("PRIVMSG #r :").size());
}

TEST(IrcMessage, RejectsBodyOver512Bytes) {
  IrcMessage m;
  EXPECT_EQ(parse_message(body_of_size(513), m), ParseResult::kTooLong);
  EXPECT_EQ(parse_message(":nick!u@h " + body_of_size(503), m), ParseResult::kTooLong);
}

TEST(IrcMessage, DoesNotCountTagsAgainstTheBodyLimit) {
  const std::string tags = "+example.com/x=" + std::string(4000, 'v');
  const std::string line = "@" + tags + " " + body_of_size(512);
  IrcMessage m;
  ASSERT_EQ(parse_message(line, m), ParseResult::kOk);
  EXPECT_EQ(m.tags, tags);
  EXPECT_EQ(m.command, "PRIVMSG");
  EXPECT_EQ(parse_message("@" + tags + " " + body_of_size(513), m), ParseResult::kTooLong);
}

TEST(IrcMessage, AcceptsTagSectionOf8191BytesAndRejectsOneMore) {
  EXPECT_EQ(kMaxTagSectionBytes, 8191u);
  // The section is '@', the tags and the space after them.
  const std::string longest = "+x=" + std::string(8191 - 2 - 3, 'v');
  const std::string line = "@" + longest + " PING";  // the views point into it
  IrcMessage m;
  ASSERT_EQ(parse_message(line, m), ParseResult::kOk);
  EXPECT_EQ(m.tags.size(), 8189u);
  EXPECT_EQ(m.command, "PING");
  EXPECT_EQ(parse_message("@" + longest + "v PING", m), ParseResult::kTooLong);
}

TEST(IrcMessage, ReportsBlankLineAsEmpty) {
  IrcMessage m;
  EXPECT_EQ(parse_message("", m), ParseResult::kEmpty);
  EXPECT_EQ(parse_message("     ", m), ParseResult::kEmpty);
}

TEST(IrcMessage, ReportsTagsAloneAsEmpty) {
  IrcMessage m;
  EXPECT_EQ(parse_message("@a=b;+c", m), ParseResult::kEmpty);
  EXPECT_EQ(parse_message("@a=b   ", m), ParseResult::kEmpty);
}

TEST(IrcMessage, ReportsSourceWithoutCommandAsEmpty) {
  IrcMessage m;
  EXPECT_EQ(parse_message(":nick!u@h", m), ParseResult::kEmpty);
  EXPECT_EQ(parse_message("@t :nick ", m), ParseResult::kEmpty);
}

TEST(IrcMessage, ReturnsEmptyArgBeyondTheLastParameter) {
  const IrcMessage m = parsed("JOIN #a");
  EXPECT_EQ(m.arg(0), "#a");
  EXPECT_TRUE(m.arg(1).empty());
  EXPECT_TRUE(m.arg(kMaxParams).empty());
  EXPECT_TRUE(m.arg(1000).empty());
}

TEST(IrcMessage, KeepsNothingFromThePreviousLineWhenReused) {
  IrcMessage m;
  ASSERT_EQ(parse_message("@t=1 :src USER a b c :d", m), ParseResult::kOk);
  ASSERT_EQ(parse_message("PING", m), ParseResult::kOk);
  EXPECT_TRUE(m.tags.empty());
  EXPECT_TRUE(m.source.empty());
  EXPECT_EQ(m.command, "PING");
  EXPECT_EQ(m.param_count, 0u);
  EXPECT_TRUE(m.arg(0).empty());
}

TEST(IrcMessage, PointsEveryViewIntoTheLine) {
  const std::string line = "@k=v :s CMD a :b c";
  const IrcMessage m = parsed(line);
  const auto inside = [&](std::string_view v) {
    return v.data() >= line.data() && v.data() + v.size() <= line.data() + line.size();
  };
  EXPECT_TRUE(inside(m.tags));
  EXPECT_TRUE(inside(m.source));
  EXPECT_TRUE(inside(m.command));
  EXPECT_TRUE(inside(m.arg(0)));
  EXPECT_TRUE(inside(m.arg(1)));
}

TEST(IrcMessage, KeepsCommandCaseAsSent) {
  EXPECT_EQ(parsed("privMsg #a :x").command, "privMsg");
}

TEST(EqualsCommand, IgnoresAsciiCaseOfTheReceivedCommand) {
  EXPECT_TRUE(equals_command("PRIVMSG", "PRIVMSG"));
  EXPECT_TRUE(equals_command("privmsg", "PRIVMSG"));
  EXPECT_TRUE(equals_command("PrivMsg", "PRIVMSG"));
  EXPECT_TRUE(equals_command("001", "001"));
}

TEST(EqualsCommand, RejectsOtherCommandsAndPrefixes) {
  EXPECT_FALSE(equals_command("PRIVMS", "PRIVMSG"));
  EXPECT_FALSE(equals_command("PRIVMSGX", "PRIVMSG"));
  EXPECT_FALSE(equals_command("NOTICE", "PRIVMSG"));
  EXPECT_FALSE(equals_command("", "PING"));
}

}  // namespace
}  // namespace chatd::irc
