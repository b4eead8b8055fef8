// Specs for the exact bytes each chat event renders to: IRC variants and plain lines.
#include "daemon/irc/irc_render.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <iterator>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/chat/render_cache.h"
#include "daemon/plain/plain_render.h"

namespace chatd::irc {
namespace {

using Kind = Event::Kind;

constexpr std::int64_t kTimeMs = 1700000000123;  // 2023-11-14T22:13:20.123Z
constexpr std::string_view kSource = ":alice!~a@5f0c.ip";

Event event(Kind kind, std::string_view target = "#lobby", std::string_view text = {}) {
  Event e;
  e.kind = kind;
  e.nick = "alice";
  e.ident = "~a";
  e.host = "5f0c.ip";
  e.target = target;
  e.text = text;
  e.time_ms = kTimeMs;
  e.to_room = target.starts_with('#');
  return e;
}

std::string bytes(const reactor::MessageRef& m) {
  return m ? std::string(m.view()) : std::string();
}

std::string irc(const Event& e, IrcVariant v = {}) {
  return bytes(render_irc(e, v));
}

std::string line(std::string_view rest) {
  return std::string(kSource) + " " + std::string(rest) + "\r\n";
}

// The lines of a rendering, without their CRLF.
std::vector<std::string> lines_of(const std::string& rendered) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from < rendered.size()) {
    const std::size_t crlf = rendered.find("\r\n", from);
    EXPECT_NE(crlf, std::string::npos) << "rendering does not end in CRLF";
    if (crlf == std::string::npos) break;
    out.push_back(rendered.substr(from, crlf - from));
    from = crlf + 2;
  }
  return out;
}

// A line without its "@tags " part.
std::string_view body_of(std::string_view l) {
  if (!l.starts_with('@')) return l;
  return l.substr(l.find(' ') + 1);
}

std::string long_text(std::size_t bytes) {
  static constexpr std::string_view kWords[] = {"lorem ", "ipsum ", "caf\xC3\xA9 ",
                                                "\xE2\x82\xAC\xE2\x82\xAC ", "dolor-sit-amet "};
  std::string text;
  for (std::size_t i = 0; text.size() < bytes; ++i)
    text.append(kWords[i % std::size(kWords)]);
  text.resize(bytes);
  while ((static_cast<unsigned char>(text.back()) & 0xC0) == 0x80 ||
         static_cast<unsigned char>(text.back()) >= 0xC0) {
    text.pop_back();  // keep the text valid UTF-8
  }
  return text;
}

TEST(RenderIrc, WritesPrivmsgToARoom) {
  EXPECT_EQ(irc(event(Kind::kMessage, "#lobby", "hi there")), line("PRIVMSG #lobby :hi there"));
}

TEST(RenderIrc, WritesPrivmsgToAUser) {
  EXPECT_EQ(irc(event(Kind::kMessage, "bob", "psst")), line("PRIVMSG bob :psst"));
}

TEST(RenderIrc, FramesActionAsCtcp) {
  EXPECT_EQ(irc(event(Kind::kAction, "#lobby", "waves")), line("PRIVMSG #lobby :\x01"
                                                               "ACTION waves\x01"));
}

TEST(RenderIrc, WritesNotice) {
  EXPECT_EQ(irc(event(Kind::kNotice, "#lobby", "heads up")), line("NOTICE #lobby :heads up"));
}

TEST(RenderIrc, FramesCtcpRequestAsPrivmsgAndReplyAsNotice) {
  EXPECT_EQ(irc(event(Kind::kCtcp, "bob", "VERSION")), line("PRIVMSG bob :\x01"
                                                            "VERSION\x01"));
  EXPECT_EQ(irc(event(Kind::kCtcpReply, "bob", "VERSION chatd")), line("NOTICE bob :\x01"
                                                                       "VERSION chatd\x01"));
}

TEST(RenderIrc, WritesPlainJoin) {
  Event e = event(Kind::kJoin);
  e.arg = "Alice Liddell";
  EXPECT_EQ(irc(e), line("JOIN #lobby"));
}

TEST(RenderIrc, WritesExtendedJoinWithNoAccountAndRealname) {
  Event e = event(Kind::kJoin);
  e.arg = "Alice Liddell";
  IrcVariant v;
  v.extended_join = true;
  EXPECT_EQ(irc(e, v), line("JOIN #lobby * :Alice Liddell"));
}

TEST(RenderIrc, WritesPartWithoutReason) {
  EXPECT_EQ(irc(event(Kind::kPart)), line("PART #lobby"));
}

TEST(RenderIrc, WritesPartWithReason) {
  EXPECT_EQ(irc(event(Kind::kPart, "#lobby", "off to bed")), line("PART #lobby :off to bed"));
}

TEST(RenderIrc, PrefixesUserQuitReasonWithQuit) {
  EXPECT_EQ(irc(event(Kind::kQuit, {}, "gone fishing")), line("QUIT :Quit: gone fishing"));
}

TEST(RenderIrc, WritesServerQuitReasonAsItIs) {
  Event e = event(Kind::kQuit, {}, "too slow to receive");
  e.server_reason = true;
  EXPECT_EQ(irc(e), line("QUIT :too slow to receive"));
}

TEST(RenderIrc, WritesNickChangeFromTheOldNick) {
  EXPECT_EQ(irc(event(Kind::kNick, {}, "alice2")), line("NICK :alice2"));
}

TEST(RenderIrc, WritesKickWithReason) {
  Event e = event(Kind::kKick, "#lobby", "spamming");
  e.arg = "bob";
  EXPECT_EQ(irc(e), line("KICK #lobby bob :spamming"));
}

TEST(RenderIrc, UsesKickerNickForEmptyKickReason) {
  Event e = event(Kind::kKick);
  e.arg = "bob";
  EXPECT_EQ(irc(e), line("KICK #lobby bob :alice"));
}

TEST(RenderIrc, WritesModeChangeWithItsArguments) {
  Event e = event(Kind::kMode);
  e.arg = "+o-v bob carol";
  EXPECT_EQ(irc(e), line("MODE #lobby +o-v bob carol"));
}

TEST(RenderIrc, WritesTopicAndClearedTopic) {
  EXPECT_EQ(irc(event(Kind::kTopic, "#lobby", "release on friday")),
            line("TOPIC #lobby :release on friday"));
  EXPECT_EQ(irc(event(Kind::kTopic, "#lobby", "")), line("TOPIC #lobby :"));
}

TEST(RenderIrc, WritesInviteWithNickBeforeRoom) {
  Event e = event(Kind::kInvite);
  e.arg = "bob";
  EXPECT_EQ(irc(e), line("INVITE bob #lobby"));
}

TEST(RenderIrc, WritesAwayAndBack) {
  EXPECT_EQ(irc(event(Kind::kAway, {}, "at lunch")), line("AWAY :at lunch"));
  EXPECT_EQ(irc(event(Kind::kAway, {}, "")), line("AWAY"));
}

TEST(RenderIrc, WritesSetname) {
  EXPECT_EQ(irc(event(Kind::kSetname, {}, "Alice L.")), line("SETNAME :Alice L."));
}

TEST(RenderIrc, RendersTagmsgAsNothingWithoutClientTagsVariant) {
  Event e = event(Kind::kTagMsg);
  e.client_tags = "+typing=active";
  EXPECT_FALSE(render_irc(e, {}));
  IrcVariant with_time;
  with_time.server_time = true;
  EXPECT_FALSE(render_irc(e, with_time));
}

TEST(RenderIrc, WritesTagmsgWithItsClientTags) {
  Event e = event(Kind::kTagMsg);
  e.client_tags = "+typing=active";
  IrcVariant v;
  v.client_tags = true;
  EXPECT_EQ(irc(e, v), "@+typing=active " + line("TAGMSG #lobby"));
}

TEST(ServerTime, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(server_time(kTimeMs), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(server_time(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(server_time(5), "1970-01-01T00:00:00.005Z");
  EXPECT_EQ(server_time(1000L * 86400 * 366 + 42), "1971-01-02T00:00:00.042Z");
}

TEST(RenderIrc, PutsServerTimeTagBeforeTheLine) {
  IrcVariant v;
  v.server_time = true;
  EXPECT_EQ(irc(event(Kind::kMessage, "#lobby", "hi"), v),
            "@time=2023-11-14T22:13:20.123Z " + line("PRIVMSG #lobby :hi"));
  EXPECT_EQ(irc(event(Kind::kPart), v), "@time=2023-11-14T22:13:20.123Z " + line("PART #lobby"));
}

TEST(RenderIrc, AppendsClientTagsAfterTime) {
  Event e = event(Kind::kMessage, "#lobby", "hi");
  e.client_tags = "+draft/reply=abc;+example.com/x=y";
  IrcVariant v;
  v.server_time = true;
  v.client_tags = true;
  EXPECT_EQ(irc(e, v), "@time=2023-11-14T22:13:20.123Z;+draft/reply=abc;+example.com/x=y " +
                           line("PRIVMSG #lobby :hi"));
  v.server_time = false;
  EXPECT_EQ(irc(e, v), "@+draft/reply=abc;+example.com/x=y " + line("PRIVMSG #lobby :hi"));
}

TEST(RenderIrc, LeavesClientTagsOutOfOtherVariants) {
  Event e = event(Kind::kMessage, "#lobby", "hi");
  e.client_tags = "+typing=active";
  EXPECT_EQ(irc(e), line("PRIVMSG #lobby :hi"));
}

TEST(RenderIrc, KeepsTextThatFillsTheLineInOneLine) {
  // ":alice!~a@5f0c.ip PRIVMSG #lobby :" is 34 bytes, leaving 476 of the 510.
  const std::string fits(476, 'x');
  EXPECT_EQ(lines_of(irc(event(Kind::kMessage, "#lobby", fits))).size(), 1u);
  EXPECT_EQ(irc(event(Kind::kMessage, "#lobby", fits)).size(), 512u);
  const std::string over(477, 'x');
  EXPECT_EQ(lines_of(irc(event(Kind::kMessage, "#lobby", over))).size(), 2u);
}

TEST(RenderIrc, SplitsLongTextIntoLinesOfAtMost512Bytes) {
  const std::string text = long_text(4000);
  IrcVariant v;
  v.server_time = true;
  const std::vector<std::string> lines = lines_of(irc(event(Kind::kMessage, "#lobby", text), v));
  ASSERT_GT(lines.size(), 7u);
  const std::string head = std::string(kSource) + " PRIVMSG #lobby :";
  std::string rejoined;
  for (const std::string& l : lines) {
    EXPECT_TRUE(l.starts_with("@time=2023-11-14T22:13:20.123Z ")) << l;
    const std::string_view body = body_of(l);
    EXPECT_LE(body.size() + 2, 512u);
    ASSERT_TRUE(body.starts_with(head)) << l;
    rejoined.append(body.substr(head.size()));
  }
  EXPECT_EQ(rejoined, text);
}

TEST(RenderIrc, SplitsLongActionIntoFramedLines) {
  const std::string text = long_text(2000);
  const std::vector<std::string> lines = lines_of(irc(event(Kind::kAction, "#lobby", text)));
  ASSERT_GT(lines.size(), 3u);
  const std::string head = std::string(kSource) + " PRIVMSG #lobby :\x01" + "ACTION ";
  std::string rejoined;
  for (const std::string& l : lines) {
    EXPECT_LE(l.size() + 2, 512u);
    ASSERT_TRUE(l.starts_with(head)) << l;
    ASSERT_TRUE(l.ends_with('\x01')) << l;
    rejoined.append(l.substr(head.size(), l.size() - head.size() - 1));
  }
  EXPECT_EQ(rejoined, text);
}

TEST(RenderIrc, WritesEachLineOfAHeldRunAsItsOwnPrivmsg) {
  const std::vector<std::string_view> said = {"one", "two words"};
  Event e = event(Kind::kMessage);
  e.lines = said;
  EXPECT_EQ(irc(e), line("PRIVMSG #lobby :one") + line("PRIVMSG #lobby :two words"));
  IrcVariant v;
  v.server_time = true;
  const std::string time = "@time=2023-11-14T22:13:20.123Z ";
  EXPECT_EQ(irc(e, v),
            time + line("PRIVMSG #lobby :one") + time + line("PRIVMSG #lobby :two words"));
}

TEST(RenderIrc, FramesEachLineOfAHeldActionRun) {
  const std::vector<std::string_view> said = {"waves", "bows"};
  Event e = event(Kind::kAction);
  e.lines = said;
  EXPECT_EQ(irc(e), line("PRIVMSG #lobby :\x01"
                         "ACTION waves\x01") +
                        line("PRIVMSG #lobby :\x01"
                             "ACTION bows\x01"));
}

TEST(IrcVariant, GivesEachVariantItsOwnSlot) {
  std::set<std::size_t> slots;
  for (int bits = 0; bits < 8; ++bits) {
    IrcVariant v;
    v.server_time = (bits & 1) != 0;
    v.client_tags = (bits & 2) != 0;
    v.extended_join = (bits & 4) != 0;
    const std::size_t slot = slot_of(v);
    EXPECT_GE(slot, variant::kIrcFirst);
    EXPECT_LT(slot, variant::kIrcFirst + variant::kIrcCount);
    slots.insert(slot);
  }
  EXPECT_EQ(slots.size(), 8u);
}

TEST(IrcVariant, ReadsCapabilitiesIntoTheVariant) {
  Event e = event(Kind::kMessage, "#lobby", "hi");
  e.client_tags = "+typing=active";
  const IrcVariant v = variant_for(e, kServerTime | kMessageTags);
  EXPECT_TRUE(v.server_time);
  EXPECT_TRUE(v.client_tags);
  EXPECT_FALSE(v.extended_join);
  EXPECT_TRUE(variant_for(event(Kind::kJoin), kExtendedJoin).extended_join);
}

TEST(IrcVariant, SharesTheSlotOfNonJoinEventsWhateverExtendedJoin) {
  for (Kind k : {Kind::kMessage, Kind::kPart, Kind::kQuit, Kind::kNick, Kind::kMode}) {
    const Event e = event(k, "#lobby", "x");
    EXPECT_EQ(slot_of(variant_for(e, kExtendedJoin)), slot_of(variant_for(e, 0)));
    EXPECT_EQ(slot_of(variant_for(e, kExtendedJoin | kServerTime)),
              slot_of(variant_for(e, kServerTime)));
  }
  const Event join = event(Kind::kJoin);
  EXPECT_NE(slot_of(variant_for(join, kExtendedJoin)), slot_of(variant_for(join, 0)));
}

TEST(IrcVariant, SharesTheSlotOfEventsWithoutClientTagsWhateverMessageTags) {
  const Event e = event(Kind::kMessage, "#lobby", "hi");
  EXPECT_FALSE(variant_for(e, kMessageTags).client_tags);
  EXPECT_EQ(slot_of(variant_for(e, kMessageTags)), slot_of(variant_for(e, 0)));
}

TEST(IrcVariant, KeepsServerTimeAndPlainSlotsApart) {
  const Event e = event(Kind::kMessage, "#lobby", "hi");
  EXPECT_NE(slot_of(variant_for(e, kServerTime)), slot_of(variant_for(e, 0)));
  EXPECT_NE(slot_of(variant_for(e, 0)), variant::kPlain);
  EXPECT_NE(slot_of(variant_for(e, 0)), variant::kPlainSubject);
}

TEST(RenderPlain, WritesRoomMessageActionAndNotice) {
  EXPECT_EQ(bytes(render_plain(event(Kind::kMessage, "#lobby", "hi"))), "<alice> hi\r\n");
  EXPECT_EQ(bytes(render_plain(event(Kind::kAction, "#lobby", "waves"))), "* alice waves\r\n");
  EXPECT_EQ(bytes(render_plain(event(Kind::kNotice, "#lobby", "note"))), "-alice- note\r\n");
}

TEST(RenderPlain, WritesPrivateMessageAndAction) {
  EXPECT_EQ(bytes(render_plain(event(Kind::kMessage, "bob", "psst"))), "*alice* psst\r\n");
  EXPECT_EQ(bytes(render_plain(event(Kind::kAction, "bob", "winks"))), "*alice* * alice winks\r\n");
}

TEST(RenderPlain, WritesEveryLineOfAHeldRunInOneMessage) {
  const std::vector<std::string_view> said = {"one", "\x02two\x02"};
  Event e = event(Kind::kMessage);
  e.lines = said;
  EXPECT_EQ(bytes(render_plain(e)), "<alice> one\r\n<alice> two\r\n");
}

TEST(RenderPlain, StripsIrcFormatting) {
  EXPECT_EQ(bytes(render_plain(event(Kind::kMessage, "#lobby",
                                     "\x02"
                                     "bold\x02 and \x03"
                                     "4,12red\x0F"))),
            "<alice> bold and red\r\n");
  EXPECT_EQ(bytes(render_plain(event(Kind::kPart, "#lobby",
                                     "\x1D"
                                     "bye\x1D"))),
            "*** alice left #lobby (bye)\r\n");
}

TEST(RenderPlain, ShowsNothingForCtcpOrTagmsg) {
  EXPECT_FALSE(render_plain(event(Kind::kCtcp, "#lobby", "VERSION")));
  EXPECT_FALSE(render_plain(event(Kind::kCtcpReply, "bob", "VERSION chatd")));
  Event tags = event(Kind::kTagMsg);
  tags.client_tags = "+typing=active";
  EXPECT_FALSE(render_plain(tags));
}

TEST(RenderPlain, ShowsNothingForAwayOrRealname) {
  EXPECT_FALSE(render_plain(event(Kind::kAway, {}, "lunch")));
  EXPECT_FALSE(render_plain(event(Kind::kSetname, {}, "Alice L.")));
}

TEST(RenderPlain, WritesJoinPartAndQuit) {
  EXPECT_EQ(bytes(render_plain(event(Kind::kJoin))), "*** alice joined #lobby\r\n");
  EXPECT_EQ(bytes(render_plain(event(Kind::kPart))), "*** alice left #lobby\r\n");
  EXPECT_EQ(bytes(render_plain(event(Kind::kQuit, {}, "gone"))), "*** alice quit (gone)\r\n");
}

TEST(RenderPlain, WritesKickForTheRoom) {
  Event e = event(Kind::kKick);
  e.arg = "bob";
  EXPECT_EQ(bytes(render_plain(e)), "*** bob was kicked from #lobby by alice\r\n");
  e.text = "spam";
  EXPECT_EQ(bytes(render_plain(e)), "*** bob was kicked from #lobby by alice (spam)\r\n");
}

TEST(RenderPlain, WritesKickForItsSubject) {
  Event e = event(Kind::kKick);
  e.arg = "bob";
  EXPECT_EQ(bytes(render_plain_for_subject(e)),
            "*** you were kicked from #lobby by alice; /join a room to talk\r\n");
  e.text = "\x02spam\x02";
  EXPECT_EQ(bytes(render_plain_for_subject(e)),
            "*** you were kicked from #lobby by alice (spam); /join a room to talk\r\n");
}

TEST(RenderPlain, GivesSubjectOfOtherEventsTheRoomsLine) {
  const Event e = event(Kind::kMessage, "#lobby", "hi");
  EXPECT_EQ(bytes(render_plain_for_subject(e)), bytes(render_plain(e)));
}

}  // namespace
}  // namespace chatd::irc
