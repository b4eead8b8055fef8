// Specs for WebSocketDecoder, in the sections of the Autobahn suite: 1 framing
// (payload lengths), 2 ping/pong, 3 reserved bits, 4 opcodes, 5 fragmentation,
// 6 UTF-8, 7 close, 9 limits; and the same events however the stream is split.
#include "reactor/websocket/websocket_decoder.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/websocket_frames.h"

namespace chatd::test {
namespace {

using reactor::WebSocketDecoder;
using reactor::WsClose;

constexpr std::size_t kLimit = 4096;

struct Recorder final : WebSocketDecoder::Sink {
  std::vector<std::string> events;
  std::size_t stop_after = 0;  // messages; 0: never stop

  bool on_message(std::string_view text) override {
    events.push_back("text:" + std::string(text));
    return stop_after == 0 || events.size() < stop_after;
  }
  bool on_message_too_long() override {
    events.emplace_back("too long");
    return true;
  }
  bool on_ping(std::string_view payload) override {
    events.push_back("ping:" + std::string(payload));
    return true;
  }
  bool on_pong() override {
    events.emplace_back("pong");
    return true;
  }
  void on_close(std::uint16_t code, std::string_view reason) override {
    events.push_back(fmt::format("close {} {}", code, reason));
  }
  void on_failure(WsClose code, std::string_view) override {
    events.push_back(fmt::format("fail {}", static_cast<int>(code)));
  }
};

std::vector<std::string> decode(std::string bytes, std::size_t limit = kLimit) {
  WebSocketDecoder d;
  Recorder r;
  d.feed(bytes.data(), bytes.size(), limit, r);
  return r.events;
}

// Fed one byte at a time: a frame or message split across reads.
std::vector<std::string> decode_bytewise(const std::string& bytes, std::size_t limit = kLimit) {
  WebSocketDecoder d;
  Recorder r;
  for (std::size_t i = 0; i < bytes.size() && !d.finished(); ++i) {
    char c = bytes[i];
    d.feed(&c, 1, limit, r);
  }
  return r.events;
}

using Events = std::vector<std::string>;

ClientFrame frame(std::uint8_t opcode, std::string payload, bool fin = true) {
  return {.opcode = opcode, .payload = std::move(payload), .fin = fin};
}

TEST(WebSocketDecoder, TheRfcMaskedHelloIsUnmaskedInPlace) {
  std::string bytes = "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58";
  EXPECT_EQ(bytes, encode_client_frame(frame(0x1, "Hello")));
  WebSocketDecoder d;
  Recorder r;
  EXPECT_EQ(d.feed(bytes.data(), bytes.size(), kLimit, r), bytes.size());
  EXPECT_EQ(r.events, Events{"text:Hello"});
  EXPECT_EQ(bytes.substr(6), "Hello") << "unmasked where it was read";
}

TEST(WebSocketDecoder, Section1PayloadLengths) {
  for (std::size_t len : {0, 1, 125, 126, 127, 128, 65535, 65536}) {
    const std::string payload(len, 'a');
    const std::string bytes = encode_client_frame(frame(0x1, payload));
    EXPECT_EQ(decode(bytes, 65536), Events{"text:" + payload}) << len;
  }
  EXPECT_EQ(decode_bytewise(encode_client_frame(frame(0x1, std::string(300, 'b')))),
            Events{"text:" + std::string(300, 'b')});
}

TEST(WebSocketDecoder, Section1LengthsInMoreBytesThanNeededFail) {
  ClientFrame f = frame(0x1, "short");
  f.long_length = true;
  EXPECT_EQ(decode(encode_client_frame(f)), Events{"fail 1002"});
  std::string big64 = "\x81\xff";  // 64-bit length with its top bit set
  big64 += std::string("\x80\0\0\0\0\0\0\0", 8) + "mask";
  EXPECT_EQ(decode(big64), Events{"fail 1002"});
}

TEST(WebSocketDecoder, Section2PingsAreReportedAndPongsIgnored) {
  EXPECT_EQ(decode(encode_client_frame(frame(0x9, "hi"))), Events{"ping:hi"});
  EXPECT_EQ(decode(encode_client_frame(frame(0x9, std::string(125, 'p')))),
            Events{"ping:" + std::string(125, 'p')});
  EXPECT_EQ(decode(encode_client_frame(frame(0x9, std::string(126, 'p')))), Events{"fail 1002"});
  EXPECT_EQ(decode(encode_client_frame(frame(0xA, "unsolicited")) + text_frame("after")),
            (Events{"pong", "text:after"}));
  EXPECT_EQ(decode_bytewise(encode_client_frame(frame(0x9, "split"))), Events{"ping:split"});
}

TEST(WebSocketDecoder, Section3ReservedBitsFail) {
  for (std::uint8_t rsv : {0x40, 0x20, 0x10, 0x70}) {
    ClientFrame f = frame(0x1, "x");
    f.rsv = rsv;
    EXPECT_EQ(decode(encode_client_frame(f)), Events{"fail 1002"}) << int{rsv};
  }
}

TEST(WebSocketDecoder, Section4ReservedOpcodesFailAndBinaryIsRefused) {
  for (std::uint8_t op : {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
    EXPECT_EQ(decode(encode_client_frame(frame(op, "x"))), Events{"fail 1002"}) << int{op};
  }
  EXPECT_EQ(decode(encode_client_frame(frame(0x2, "\x01\x02"))), Events{"fail 1003"});
}

TEST(WebSocketDecoder, UnmaskedClientFramesFail) {
  ClientFrame f = frame(0x1, "Hello");
  f.masked = false;
  EXPECT_EQ(decode(encode_client_frame(f)), Events{"fail 1002"});
}

TEST(WebSocketDecoder, Section5FragmentsAreJoinedWithControlFramesBetween) {
  const std::string bytes = encode_client_frame(frame(0x1, "Hel", false)) +
                            encode_client_frame(frame(0x9, "mid")) +
                            encode_client_frame(frame(0x0, "lo"));
  EXPECT_EQ(decode(bytes), (Events{"ping:mid", "text:Hello"}));
  EXPECT_EQ(decode_bytewise(bytes), (Events{"ping:mid", "text:Hello"}));

  std::string one_byte_fragments = encode_client_frame(frame(0x1, "a", false));
  for (char c : std::string("bcdef"))
    one_byte_fragments += encode_client_frame(frame(0x0, std::string(1, c), false));
  one_byte_fragments += encode_client_frame(frame(0x0, "", true));
  EXPECT_EQ(decode(one_byte_fragments), Events{"text:abcdef"});
}

TEST(WebSocketDecoder, Section5ContinuationsOutOfPlaceFail) {
  EXPECT_EQ(decode(encode_client_frame(frame(0x0, "orphan"))), Events{"fail 1002"});
  EXPECT_EQ(decode(encode_client_frame(frame(0x1, "a", false)) + text_frame("b")),
            Events{"fail 1002"});
  EXPECT_EQ(decode(encode_client_frame(frame(0x9, "x", false))), Events{"fail 1002"});
}

TEST(WebSocketDecoder, Section6InvalidUtf8Is1007AndValidTextMaySplitAnywhere) {
  EXPECT_EQ(decode(text_frame("bad \xff")), Events{"fail 1007"});
  EXPECT_EQ(decode(text_frame("\xed\xa0\x80")), Events{"fail 1007"});
  // κόσμε, cut in the middle of its second character across two fragments.
  const std::string kosme = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5";
  const std::string bytes = encode_client_frame(frame(0x1, kosme.substr(0, 3), false)) +
                            encode_client_frame(frame(0x0, kosme.substr(3)));
  EXPECT_EQ(decode(bytes), Events{"text:" + kosme});
  EXPECT_EQ(decode_bytewise(bytes), Events{"text:" + kosme});
}

TEST(WebSocketDecoder, Section7CloseCodesAndReasons) {
  EXPECT_EQ(decode(close_frame(1000, "bye")), Events{"close 1000 bye"});
  EXPECT_EQ(decode(encode_client_frame(frame(0x8, ""))), Events{"close 0 "});
  for (std::uint16_t ok : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 4999}) {
    EXPECT_EQ(decode(close_frame(ok)), Events{fmt::format("close {} ", ok)});
  }
  for (std::uint16_t bad : {1, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000}) {
    EXPECT_EQ(decode(close_frame(bad)), Events{"fail 1002"}) << bad;
  }
  EXPECT_EQ(decode(encode_client_frame(frame(0x8, "\x03"))), Events{"fail 1002"});
  EXPECT_EQ(decode(close_frame(1000, "\xff")), Events{"fail 1007"});
  EXPECT_EQ(decode(close_frame(1000) + text_frame("ignored")), Events{"close 1000 "});
}

TEST(WebSocketDecoder, Section9MessagesOverTheLimitAreSkippedAndOverTheCapFail) {
  const std::string over(kLimit + 1, 'x');
  EXPECT_EQ(decode(text_frame(over) + text_frame("next")), (Events{"too long", "text:next"}));
  const std::string fragmented = encode_client_frame(frame(0x1, std::string(3000, 'a'), false)) +
                                 encode_client_frame(frame(0x0, std::string(3000, 'b')));
  EXPECT_EQ(decode(fragmented + text_frame("next")), (Events{"too long", "text:next"}));
  EXPECT_EQ(decode_bytewise(fragmented + text_frame("next")), (Events{"too long", "text:next"}));
  // A header announcing more than the hard cap fails before its payload arrives.
  std::string huge = "\x81\xff";
  huge += std::string("\0\0\0\0\0\x10\0\0", 8) + "mask";
  EXPECT_EQ(decode(huge), Events{"fail 1009"});
}

TEST(WebSocketDecoder, AStopEndsAtAFrameAndTheRestDecodesLater) {
  std::string bytes = text_frame("one") + text_frame("two") + text_frame("three");
  WebSocketDecoder d;
  Recorder r;
  r.stop_after = 1;
  const std::size_t used = d.feed(bytes.data(), bytes.size(), kLimit, r);
  EXPECT_EQ(used, text_frame("one").size());
  r.stop_after = 0;
  d.feed(bytes.data() + used, bytes.size() - used, kLimit, r);
  EXPECT_EQ(r.events, (Events{"text:one", "text:two", "text:three"}));
}

}  // namespace
}  // namespace chatd::test
