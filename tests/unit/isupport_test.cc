// Specs for the ISUPPORT (005) tokens: they advertise exactly the rules chatd enforces.
#include "daemon/irc/isupport.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/chat/mode_change.h"
#include "daemon/chat/names.h"
#include "daemon/chat/text_limits.h"

namespace chatd::irc {
namespace {

bool has(const std::vector<std::string>& tokens, const std::string& token) {
  return std::find(tokens.begin(), tokens.end(), token) != tokens.end();
}

// The value of the token called `name` ("NICKLEN" -> "30"), or "<none>".
std::string value_of(const std::vector<std::string>& tokens, std::string_view name) {
  for (const std::string& t : tokens) {
    if (t.starts_with(name) && t.size() > name.size() && t[name.size()] == '=') {
      return t.substr(name.size() + 1);
    }
  }
  return "<none>";
}

TEST(Isupport, AdvertisesAsciiCasemappingAndHashRooms) {
  const std::vector<std::string> t = isupport_tokens("chatd", 50);
  EXPECT_TRUE(has(t, "CASEMAPPING=ascii"));
  EXPECT_TRUE(has(t, "CHANTYPES=#"));
}

TEST(Isupport, AdvertisesOperatorAndVoicePrefixes) {
  EXPECT_TRUE(has(isupport_tokens("chatd", 50), "PREFIX=(ov)@+"));
}

TEST(Isupport, AdvertisesTheRoomModesByType) {
  EXPECT_TRUE(has(isupport_tokens("chatd", 50), "CHANMODES=b,k,l,imnst"));
}

TEST(Isupport, AdvertisesNickAndRoomNameLengths) {
  const std::vector<std::string> t = isupport_tokens("chatd", 50);
  EXPECT_TRUE(has(t, "NICKLEN=30"));
  EXPECT_EQ(value_of(t, "NICKLEN"), std::to_string(kMaxNickLength));
  EXPECT_TRUE(has(t, "CHANNELLEN=51"));  // 50 characters after the '#'
  EXPECT_EQ(value_of(t, "CHANNELLEN"), std::to_string(kMaxRoomNameLength + 1));
}

TEST(Isupport, AdvertisesTheConfiguredRoomLimit) {
  EXPECT_TRUE(has(isupport_tokens("chatd", 50), "CHANLIMIT=#:50"));
  EXPECT_TRUE(has(isupport_tokens("chatd", 7), "CHANLIMIT=#:7"));
}

TEST(Isupport, AdvertisesTheNetworkName) {
  EXPECT_TRUE(has(isupport_tokens("chatd", 50), "NETWORK=chatd"));
  EXPECT_TRUE(has(isupport_tokens("ExampleNet", 50), "NETWORK=ExampleNet"));
}

TEST(Isupport, AdvertisesTheTextLimitsChatdCutsTo) {
  const std::vector<std::string> t = isupport_tokens("chatd", 50);
  EXPECT_EQ(value_of(t, "TOPICLEN"), std::to_string(kMaxTopicBytes));
  EXPECT_EQ(value_of(t, "KICKLEN"), std::to_string(kMaxKickReasonBytes));
  EXPECT_EQ(value_of(t, "AWAYLEN"), std::to_string(kMaxAwayBytes));
}

TEST(Isupport, AdvertisesModesPerCommand) {
  EXPECT_EQ(value_of(isupport_tokens("chatd", 50), "MODES"), std::to_string(kMaxModeArgs));
}

TEST(Isupport, AdvertisesTargetLimits) {
  const std::string targmax = value_of(isupport_tokens("chatd", 50), "TARGMAX");
  ASSERT_NE(targmax, "<none>");
  const std::string n = std::to_string(kMaxTargets);
  EXPECT_NE(targmax.find("PRIVMSG:" + n), std::string::npos) << targmax;
  EXPECT_NE(targmax.find("NOTICE:" + n), std::string::npos) << targmax;
  EXPECT_NE(targmax.find("KICK:1"), std::string::npos) << targmax;
}

TEST(Isupport, WritesEveryTokenWithoutSpaces) {
  for (const std::string& token : isupport_tokens("chatd", 50)) {
    EXPECT_FALSE(token.empty());
    EXPECT_EQ(token.find(' '), std::string::npos) << token;
  }
}

TEST(Isupport, NamesEachTokenOnce) {
  std::set<std::string> names;
  const std::vector<std::string> t = isupport_tokens("chatd", 50);
  for (const std::string& token : t)
    names.insert(token.substr(0, token.find('=')));
  EXPECT_EQ(names.size(), t.size());
}

}  // namespace
}  // namespace chatd::irc
