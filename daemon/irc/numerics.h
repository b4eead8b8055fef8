// The IRC numeric replies chatd sends (RFC 1459/2812 and the Modern IRC client
// protocol document), by name.
#pragma once

#include <string_view>

namespace chatd::irc::num {

using N = std::string_view;

inline constexpr N kWelcome = "001";
inline constexpr N kYourHost = "002";
inline constexpr N kCreated = "003";
inline constexpr N kMyInfo = "004";
inline constexpr N kISupport = "005";
inline constexpr N kUModeIs = "221";
inline constexpr N kLuserClient = "251";
inline constexpr N kLuserOp = "252";
inline constexpr N kLuserUnknown = "253";
inline constexpr N kLuserChannels = "254";
inline constexpr N kLuserMe = "255";
inline constexpr N kLocalUsers = "265";
inline constexpr N kGlobalUsers = "266";
inline constexpr N kAway = "301";
inline constexpr N kUserHost = "302";
inline constexpr N kIsOn = "303";
inline constexpr N kUnAway = "305";
inline constexpr N kNowAway = "306";
inline constexpr N kWhoisUser = "311";
inline constexpr N kWhoisServer = "312";
inline constexpr N kWhoisOperator = "313";
inline constexpr N kEndOfWho = "315";
inline constexpr N kWhoisIdle = "317";
inline constexpr N kEndOfWhois = "318";
inline constexpr N kWhoisChannels = "319";
inline constexpr N kListStart = "321";
inline constexpr N kList = "322";
inline constexpr N kListEnd = "323";
inline constexpr N kChannelModeIs = "324";
inline constexpr N kCreationTime = "329";
inline constexpr N kNoTopic = "331";
inline constexpr N kTopic = "332";
inline constexpr N kTopicWhoTime = "333";
inline constexpr N kInviting = "341";
inline constexpr N kVersion = "351";
inline constexpr N kWhoReply = "352";
inline constexpr N kNamReply = "353";
inline constexpr N kEndOfNames = "366";
inline constexpr N kBanList = "367";
inline constexpr N kEndOfBanList = "368";
inline constexpr N kEndOfWhowas = "369";
inline constexpr N kMotd = "372";
inline constexpr N kMotdStart = "375";
inline constexpr N kEndOfMotd = "376";
inline constexpr N kYoureOper = "381";
inline constexpr N kTime = "391";

inline constexpr N kNoSuchNick = "401";
inline constexpr N kNoSuchChannel = "403";
inline constexpr N kCannotSendToChan = "404";
inline constexpr N kTooManyChannels = "405";
inline constexpr N kWasNoSuchNick = "406";
inline constexpr N kTooManyTargets = "407";
inline constexpr N kNoOrigin = "409";
inline constexpr N kInvalidCapCmd = "410";
inline constexpr N kNoRecipient = "411";
inline constexpr N kNoTextToSend = "412";
inline constexpr N kInputTooLong = "417";
inline constexpr N kUnknownCommand = "421";
inline constexpr N kNoMotd = "422";
inline constexpr N kNoNicknameGiven = "431";
inline constexpr N kErroneusNickname = "432";
inline constexpr N kNicknameInUse = "433";
inline constexpr N kNickTooFast = "438";
inline constexpr N kUserNotInChannel = "441";
inline constexpr N kNotOnChannel = "442";
inline constexpr N kUserOnChannel = "443";
inline constexpr N kNotRegistered = "451";
inline constexpr N kNeedMoreParams = "461";
inline constexpr N kAlreadyRegistered = "462";
inline constexpr N kPasswdMismatch = "464";
inline constexpr N kChannelIsFull = "471";
inline constexpr N kUnknownMode = "472";
inline constexpr N kInviteOnlyChan = "473";
inline constexpr N kBannedFromChan = "474";
inline constexpr N kBadChannelKey = "475";
inline constexpr N kBanListFull = "478";
inline constexpr N kBadChanName = "479";
inline constexpr N kNoPrivileges = "481";
inline constexpr N kChanOpPrivsNeeded = "482";
inline constexpr N kNoOperHost = "491";
inline constexpr N kUModeUnknownFlag = "501";
inline constexpr N kUsersDontMatch = "502";
inline constexpr N kWhoisSecure = "671";
inline constexpr N kInvalidModeParam = "696";

}  // namespace chatd::irc::num
