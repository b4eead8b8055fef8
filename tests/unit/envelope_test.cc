// The messages chatd nodes send each other through Redis: envelopes, their
// escaping, and the names of the keys and channels they travel on.
#include "daemon/cluster/envelope.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "daemon/cluster/cluster_names.h"

namespace chatd::cluster {
namespace {

TEST(Envelope, RoundTripsFieldsAndPayload) {
  const reactor::MessageRef m = EnvelopeWriter("n1#18f", 42, "said")
                                    .field(7)
                                    .field("#lobby")
                                    .text("two words")
                                    .payload("line one\nline two")
                                    .finish();
  EXPECT_EQ(m.view(), "C1 n1#18f 42 said 7 #lobby two%20words\nline one\nline two");
  const auto e = parse_envelope(m.view());
  ASSERT_TRUE(e);
  EXPECT_EQ(e->origin, "n1#18f");
  EXPECT_EQ(e->seq, 42u);
  EXPECT_EQ(e->kind, "said");
  ASSERT_EQ(e->field_count, 3u);
  EXPECT_EQ(e->field(1), "#lobby");
  EXPECT_EQ(unescape_text(e->field(2)), "two words");
  EXPECT_EQ(e->field(3), "");
  EXPECT_EQ(e->payload, "line one\nline two");
}

TEST(Envelope, WithoutPayloadHasAnEmptyOne) {
  const auto e = parse_envelope("C1 a 1 beat 3");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, "beat");
  EXPECT_EQ(e->field(0), "3");
  EXPECT_TRUE(e->payload.empty());
}

TEST(Envelope, RefusesWhatIsNotAnEnvelope) {
  for (const char* bad : {"", "C1", "C1 a", "C1 a x beat", "C2 a 1 beat", "C1 a 1", "C1  1 beat",
                          "C1 a -1 beat", "C1 a 1 k 1 2 3 4 5 6 7 8 9 10 11 12 13"}) {
    EXPECT_FALSE(parse_envelope(bad)) << bad;
  }
}

TEST(Envelope, EscapesWhatWouldSplitAField) {
  EXPECT_EQ(escape_text(""), "%E");
  EXPECT_EQ(unescape_text("%E"), "");
  EXPECT_EQ(escape_text("100% a\tb\r\n"), "100%25%20a%09b%0D%0A");
  for (const std::string s : {"plain", "with space", "%E", "%%", "a%2", "\xff\x01 x"}) {
    const std::string escaped = escape_text(s);
    EXPECT_EQ(escaped.find_first_of(" \t\r\n"), std::string::npos) << s;
    EXPECT_EQ(unescape_text(escaped), s) << s;
  }
  EXPECT_EQ(unescape_text("50%"), "50%");  // a malformed escape stays as it is
  EXPECT_EQ(unescape_text("%zz1"), "%zz1");
}

TEST(EnvelopeFields, WordsNumbersAndSaidLines) {
  std::string_view record = "1700000000 alice ~a host";
  std::int64_t created = 0;
  EXPECT_TRUE(parse_number(take_word(record), created));
  EXPECT_EQ(created, 1700000000);
  EXPECT_EQ(take_word(record), "alice");
  EXPECT_EQ(record, "~a host");
  unsigned n = 0;
  EXPECT_FALSE(parse_number("12x", n));
  EXPECT_FALSE(parse_number("", n));
  EXPECT_EQ(said_kind("2"), Event::Kind::kAction);
  EXPECT_FALSE(said_kind("6"));  // kJoin is not a said kind
  std::vector<std::string_view> lines;
  split_said_lines("one\ntwo\n", lines);
  EXPECT_EQ(lines, (std::vector<std::string_view>{"one", "two", ""}));
  split_said_lines(std::string(600, '\n'), lines);
  EXPECT_EQ(lines.size(), 512u);  // a run is at most 512 lines
}

TEST(ClusterNames, ShareOneHashTagForControlAndOnePerRoom) {
  const ClusterNames n("chat1");
  EXPECT_EQ(n.lease("n1#18f"), "chat1:{c}:node:n1#18f");
  EXPECT_EQ(n.nick("Alice"), "chat1:{c}:nick:alice");
  EXPECT_EQ(n.control_channel(), "chat1:{c}:ctl");
  EXPECT_EQ(n.inbox("n2#1"), "chat1:{c}:to:n2#1");
  EXPECT_EQ(n.room("#Dev"), "chat1:r:{#dev}");
  EXPECT_EQ(n.history("#Dev"), "chat1:h:{#dev}");  // the room's tag: one slot with its channel
  EXPECT_EQ(n.room_of("chat1:r:{#dev}"), "#dev");
  EXPECT_EQ(n.room_of("chat1:{c}:ctl"), "");
  EXPECT_EQ(n.room_of("other:r:{#dev}"), "");
}

}  // namespace
}  // namespace chatd::cluster
