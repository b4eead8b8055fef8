// Specs for IRCv3 message-tags value escaping and the client-only tags chatd relays.
#include <gtest/gtest.h>

#include <string>

#include "daemon/irc/tags.h"

namespace chatd::irc {
namespace {

TEST(TagValue, UnescapesEachSequenceOfTheSpecTable) {
  EXPECT_EQ(unescape_tag_value("\\:"), ";");
  EXPECT_EQ(unescape_tag_value("\\s"), " ");
  EXPECT_EQ(unescape_tag_value("\\\\"), "\\");
  EXPECT_EQ(unescape_tag_value("\\r"), "\r");
  EXPECT_EQ(unescape_tag_value("\\n"), "\n");
}

TEST(TagValue, UnescapesTheParserTestVectors) {
  // ircdocs parser-tests, msg-split: "@a=b\\and\nk;c=72\s45;d=gh\:764 foo".
  EXPECT_EQ(unescape_tag_value("b\\\\and\\nk"), "b\\and\nk");
  EXPECT_EQ(unescape_tag_value("72\\s45"), "72 45");
  EXPECT_EQ(unescape_tag_value("gh\\:764"), "gh;764");
}

TEST(TagValue, KeepsTheCharacterOfAnUnknownEscape) {
  EXPECT_EQ(unescape_tag_value("\\b"), "b");  // the spec's own example
  EXPECT_EQ(unescape_tag_value("a\\qb"), "aqb");
  EXPECT_EQ(unescape_tag_value("\\;"), ";");
}

TEST(TagValue, DropsLoneTrailingBackslash) {
  EXPECT_EQ(unescape_tag_value("test\\"), "test");  // the spec's own example
  EXPECT_EQ(unescape_tag_value("\\"), "");
  EXPECT_EQ(unescape_tag_value("a\\\\\\"), "a\\");
}

TEST(TagValue, LeavesTextWithoutBackslashesAlone) {
  EXPECT_EQ(unescape_tag_value(""), "");
  EXPECT_EQ(unescape_tag_value("plain-value.1"), "plain-value.1");
  EXPECT_EQ(unescape_tag_value("caf\xC3\xA9"), "caf\xC3\xA9");
}

TEST(TagValue, EscapesSemicolonSpaceBackslashCrAndLf) {
  EXPECT_EQ(escape_tag_value(";"), "\\:");
  EXPECT_EQ(escape_tag_value(" "), "\\s");
  EXPECT_EQ(escape_tag_value("\\"), "\\\\");
  EXPECT_EQ(escape_tag_value("\r"), "\\r");
  EXPECT_EQ(escape_tag_value("\n"), "\\n");
  EXPECT_EQ(escape_tag_value("b\\and\nk"), "b\\\\and\\nk");
  EXPECT_EQ(escape_tag_value("72 45"), "72\\s45");
  EXPECT_EQ(escape_tag_value("gh;764"), "gh\\:764");
}

TEST(TagValue, EscapesNothingElse) {
  EXPECT_EQ(escape_tag_value(""), "");
  EXPECT_EQ(escape_tag_value("a=b,c:d/e\xC3\xA9"), "a=b,c:d/e\xC3\xA9");
}

TEST(TagValue, RoundTripsEveryByte) {
  std::string all;
  for (int c = 0; c < 256; ++c)
    all += static_cast<char>(c);
  EXPECT_EQ(unescape_tag_value(escape_tag_value(all)), all);
  EXPECT_EQ(unescape_tag_value(escape_tag_value("\\s; \\:\r\n\\")), "\\s; \\:\r\n\\");
}

TEST(TagValue, EscapedFormHasNoSpaceSemicolonCrOrLf) {
  const std::string escaped = escape_tag_value("a b;c\rd\ne\\");
  EXPECT_EQ(escaped.find_first_of(" ;\r\n"), std::string::npos);
}

TEST(ClientTags, KeepsOnlyTagsNamedWithPlus) {
  EXPECT_EQ(client_only_tags("a=b;+x=y;+z"), "+x=y;+z");  // the header's example
  EXPECT_EQ(client_only_tags("time=2024-01-01T00:00:00.000Z;msgid=abc"), "");
  EXPECT_EQ(client_only_tags("aaa=bbb;ccc;example.com/ddd=eee"), "");
}

TEST(ClientTags, ReturnsEmptyForNoTags) {
  EXPECT_EQ(client_only_tags(""), "");
  EXPECT_EQ(client_only_tags(";;"), "");
}

TEST(ClientTags, KeepsVendorPrefixedName) {
  EXPECT_EQ(client_only_tags("+example.com/foo=bar"), "+example.com/foo=bar");
  EXPECT_EQ(client_only_tags("+draft/reply=abc;+typing=active"), "+draft/reply=abc;+typing=active");
}

TEST(ClientTags, DropsBadNames) {
  EXPECT_EQ(client_only_tags("+"), "");
  EXPECT_EQ(client_only_tags("+=v"), "");
  EXPECT_EQ(client_only_tags("++x=v"), "");
  EXPECT_EQ(client_only_tags("+a_b=v"), "");
  EXPECT_EQ(client_only_tags("+/foo=v"), "");              // empty vendor
  EXPECT_EQ(client_only_tags("+example.com/=v"), "");      // empty name
  EXPECT_EQ(client_only_tags("+ex_ample.com/foo=v"), "");  // '_' in vendor
  EXPECT_EQ(client_only_tags("+a/b/c=v"), "");             // two slashes
  EXPECT_EQ(client_only_tags("+a\xC3\xA9=v"), "");         // non-ASCII name
  EXPECT_EQ(client_only_tags("+bad_name=1;+good=2"), "+good=2");
}

TEST(ClientTags, DropsValuesWithControlCharacters) {
  EXPECT_EQ(client_only_tags("+x=a\\nb"), "");  // LF once unescaped
  EXPECT_EQ(client_only_tags("+x=a\\rb"), "");
  EXPECT_EQ(client_only_tags("+x=a\x01"
                             "b"),
            "");
  EXPECT_EQ(client_only_tags("+x=\x1b[31m"), "");
  EXPECT_EQ(client_only_tags("+x=a\x7F"), "");
  EXPECT_EQ(client_only_tags("+x=a\\nb;+y=ok"), "+y=ok");
}

// The header promises a value "without control characters"; TAB is one (0x09).
TEST(ClientTags, DropsValueWithTab) {
  EXPECT_EQ(client_only_tags("+x=a\tb"), "");
}

TEST(ClientTags, DropsValuesThatAreNotUtf8) {
  EXPECT_EQ(client_only_tags("+x=\xFF"), "");
  EXPECT_EQ(client_only_tags("+x=caf\xC3"), "");
  EXPECT_EQ(client_only_tags("+x=\xED\xA0\x80"), "");  // a surrogate
}

TEST(ClientTags, KeepsUtf8Values) {
  EXPECT_EQ(client_only_tags("+x=caf\xC3\xA9\xE2\x82\xAC"), "+x=caf\xC3\xA9\xE2\x82\xAC");
}

TEST(ClientTags, KeepsTheLastValueOfATagNamedTwice) {
  EXPECT_EQ(client_only_tags("+x=1;+y=2;+x=3"), "+y=2;+x=3");
  EXPECT_EQ(client_only_tags("+x=1;+x"), "+x");
}

TEST(ClientTags, KeepsEarlierValueWhenTheLaterOneIsBad) {
  EXPECT_EQ(client_only_tags("+x=1;+x=a\\nb"), "+x=1");
}

TEST(ClientTags, RewritesValuesInCanonicalEscaping) {
  EXPECT_EQ(client_only_tags("+x=a\\sb\\qc"), "+x=a\\sbqc");  // unknown escape resolved
  EXPECT_EQ(client_only_tags("+x=a\\:b\\\\"), "+x=a\\:b\\\\");
  EXPECT_EQ(client_only_tags("+x=end\\"), "+x=end");  // lone backslash dropped
}

TEST(ClientTags, WritesEmptyValueAsBareName) {
  EXPECT_EQ(client_only_tags("+x="), "+x");
  EXPECT_EQ(client_only_tags("+x=\\"), "+x");
  EXPECT_EQ(client_only_tags("+x"), "+x");
}

TEST(ClientTags, IgnoresEmptyTagsBetweenSemicolons) {
  EXPECT_EQ(client_only_tags(";+x=1;;+y=2;"), "+x=1;+y=2");
}

TEST(ClientTagBytes, CountsClientTagsAsSentWithTheirSeparators) {
  EXPECT_EQ(client_tag_bytes("+a=b;c=d;+e"), 7u);  // the header's example: "+a=b;+e"
  EXPECT_EQ(client_tag_bytes("a;+x=1;b;+y"), 7u);
  EXPECT_EQ(client_tag_bytes("+x"), 2u);
}

TEST(ClientTagBytes, CountsNothingWithoutClientTags) {
  EXPECT_EQ(client_tag_bytes(""), 0u);
  EXPECT_EQ(client_tag_bytes("time=2024-01-01T00:00:00.000Z;msgid=abc"), 0u);
}

TEST(ClientTagBytes, CountsEscapedValuesAtTheirEscapedLength) {
  EXPECT_EQ(client_tag_bytes("+x=a\\sb"), 7u);
  EXPECT_EQ(client_tag_bytes("+example.com/foo=" + std::string(5000, 'v')), 17u + 5000u);
}

TEST(ClientTags, LimitIsTheSpecs4094Bytes) {
  EXPECT_EQ(kMaxClientTagBytes, 4094u);
}

}  // namespace
}  // namespace chatd::irc
