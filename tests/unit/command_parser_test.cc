// Specs for splitting a received line into text or a command.
#include "daemon/plain/command_parser.h"

#include <gtest/gtest.h>

namespace chatd {
namespace {

using Kind = ParsedLine::Kind;

TEST(ParseLine, TreatsLineWithoutSlashAsTextVerbatim) {
  const ParsedLine p = parse_line("  hello /world  ");
  EXPECT_EQ(p.kind, Kind::kText);
  EXPECT_EQ(p.text, "  hello /world  ");
}

TEST(ParseLine, TreatsEmptyLineAsEmptyText) {
  const ParsedLine p = parse_line("");
  EXPECT_EQ(p.kind, Kind::kText);
  EXPECT_EQ(p.text, "");
}

TEST(ParseLine, TurnsDoubleSlashIntoTextWithOneSlash) {
  const ParsedLine p = parse_line("//usr/bin is full");
  EXPECT_EQ(p.kind, Kind::kText);
  EXPECT_EQ(p.text, "/usr/bin is full");
}

TEST(ParseLine, TurnsBareDoubleSlashIntoSingleSlashText) {
  const ParsedLine p = parse_line("//");
  EXPECT_EQ(p.kind, Kind::kText);
  EXPECT_EQ(p.text, "/");
}

TEST(ParseLine, DropsOnlyTheFirstSlashOfTripleSlash) {
  const ParsedLine p = parse_line("///");
  EXPECT_EQ(p.kind, Kind::kText);
  EXPECT_EQ(p.text, "//");
}

TEST(ParseLine, TreatsBareSlashAsCommandWithEmptyName) {
  const ParsedLine p = parse_line("/");
  EXPECT_EQ(p.kind, Kind::kCommand);
  EXPECT_EQ(p.name, "");
  EXPECT_EQ(p.args, "");
}

TEST(ParseLine, TreatsSlashSpaceAsCommandWithEmptyNameAndArgs) {
  const ParsedLine p = parse_line("/ hi there");
  EXPECT_EQ(p.kind, Kind::kCommand);
  EXPECT_EQ(p.name, "");
  EXPECT_EQ(p.args, "hi there");
}

TEST(ParseLine, SplitsCommandWordFromArgs) {
  const ParsedLine p = parse_line("/join #dev");
  EXPECT_EQ(p.kind, Kind::kCommand);
  EXPECT_EQ(p.name, "join");
  EXPECT_EQ(p.args, "#dev");
}

TEST(ParseLine, KeepsCommandCaseAndTrimsArgs) {
  const ParsedLine p = parse_line("/NICK  bob  ");
  EXPECT_EQ(p.kind, Kind::kCommand);
  EXPECT_EQ(p.name, "NICK");
  EXPECT_EQ(p.args, "bob");
}

TEST(ParseLine, TreatsTabsLikeSpaces) {
  const ParsedLine p = parse_line("/msg\t\tbob\thi  there\t ");
  EXPECT_EQ(p.kind, Kind::kCommand);
  EXPECT_EQ(p.name, "msg");
  EXPECT_EQ(p.args, "bob\thi  there");
}

TEST(ParseLine, GivesEmptyArgsForCommandWithoutThem) {
  const ParsedLine p = parse_line("/who");
  EXPECT_EQ(p.kind, Kind::kCommand);
  EXPECT_EQ(p.name, "who");
  EXPECT_EQ(p.args, "");
  EXPECT_EQ(parse_line("/who   ").args, "");
}

TEST(ParseLine, KeepsInnerSpacingOfArgs) {
  EXPECT_EQ(parse_line("/me  waves   twice ").args, "waves   twice");
}

TEST(ParseLine, ReturnsViewsIntoTheLine) {
  const std::string_view line = "/quit bye";
  const ParsedLine p = parse_line(line);
  EXPECT_EQ(p.name.data(), line.data() + 1);
  EXPECT_EQ(p.args.data(), line.data() + 6);
}

TEST(ParseLine, TreatsSpaceBeforeSlashAsText) {
  const ParsedLine p = parse_line(" /nick bob");
  EXPECT_EQ(p.kind, Kind::kText);
  EXPECT_EQ(p.text, " /nick bob");
}

TEST(SplitWord, SplitsFirstWordFromTrimmedRest) {
  const auto [word, rest] = split_word("bob  hi there ");
  EXPECT_EQ(word, "bob");
  EXPECT_EQ(rest, "hi there");
}

TEST(SplitWord, SkipsLeadingBlanksAndTabs) {
  const auto [word, rest] = split_word(" \tbob\thi");
  EXPECT_EQ(word, "bob");
  EXPECT_EQ(rest, "hi");
}

TEST(SplitWord, GivesEmptyRestForSingleWord) {
  const auto [word, rest] = split_word("bob");
  EXPECT_EQ(word, "bob");
  EXPECT_EQ(rest, "");
}

TEST(SplitWord, GivesTwoEmptyViewsForBlankInput) {
  const auto [word, rest] = split_word(" \t ");
  EXPECT_EQ(word, "");
  EXPECT_EQ(rest, "");
  EXPECT_EQ(split_word("").first, "");
}

TEST(TrimBlanks, RemovesSpacesAndTabsOnlyAtBothEnds) {
  EXPECT_EQ(trim_blanks(" \t a b \t "), "a b");
  EXPECT_EQ(trim_blanks("   "), "");
  EXPECT_EQ(trim_blanks("\xC2\xA0x"), "\xC2\xA0x");  // only ASCII blanks
}

TEST(CommandId, RecognisesEveryCommand) {
  EXPECT_EQ(command_id("nick"), CommandId::kNick);
  EXPECT_EQ(command_id("join"), CommandId::kJoin);
  EXPECT_EQ(command_id("who"), CommandId::kWho);
  EXPECT_EQ(command_id("rooms"), CommandId::kRooms);
  EXPECT_EQ(command_id("msg"), CommandId::kMsg);
  EXPECT_EQ(command_id("me"), CommandId::kMe);
  EXPECT_EQ(command_id("quit"), CommandId::kQuit);
  EXPECT_EQ(command_id("help"), CommandId::kHelp);
}

TEST(CommandId, MatchesCaseInsensitively) {
  EXPECT_EQ(command_id("NICK"), CommandId::kNick);
  EXPECT_EQ(command_id("Join"), CommandId::kJoin);
  EXPECT_EQ(command_id("mE"), CommandId::kMe);
}

TEST(CommandId, ReturnsUnknownForOtherWords) {
  EXPECT_EQ(command_id(""), CommandId::kUnknown);
  EXPECT_EQ(command_id("foo"), CommandId::kUnknown);
  EXPECT_EQ(command_id("j"), CommandId::kUnknown);      // no abbreviations
  EXPECT_EQ(command_id("nicks"), CommandId::kUnknown);  // no prefixes
  EXPECT_EQ(command_id("nic"), CommandId::kUnknown);
  EXPECT_EQ(command_id("n\xC4\xB1"
                       "ck"),
            CommandId::kUnknown);  // dotless i is not i
}

TEST(CommandId, WorksOnParsedName) {
  EXPECT_EQ(command_id(parse_line("/QUIT gone fishing").name), CommandId::kQuit);
  EXPECT_EQ(command_id(parse_line("/").name), CommandId::kUnknown);
}

}  // namespace
}  // namespace chatd
