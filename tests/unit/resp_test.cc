// RESP2 as chatd's Redis link speaks it: replies parsed by RespReader (the
// protocol spec's own examples, fed whole and byte by byte), commands encoded by
// resp_command, and a PUBLISH whose payload block is shared, not copied.
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "reactor/redis/resp_command.h"
#include "reactor/redis/resp_reader.h"

namespace chatd::reactor {
namespace {

using Type = RespValue::Type;

std::vector<RespValue> parse_all(std::string_view bytes, std::size_t chunk) {
  RespReader r;
  std::vector<RespValue> out;
  for (std::size_t i = 0; i < bytes.size(); i += chunk) {
    EXPECT_TRUE(r.feed(bytes.data() + i, std::min(chunk, bytes.size() - i)));
    while (auto v = r.next())
      out.push_back(std::move(*v));
  }
  EXPECT_TRUE(r.error().empty()) << r.error();
  return out;
}

RespValue parse_one(std::string_view bytes) {
  const std::vector<RespValue> whole = parse_all(bytes, bytes.size());
  const std::vector<RespValue> bytewise = parse_all(bytes, 1);
  EXPECT_EQ(whole.size(), 1u);
  EXPECT_EQ(bytewise.size(), 1u);
  return whole.empty() ? RespValue{} : whole.front();
}

TEST(RespReader, ReadsTheSpecsSimpleTypes) {
  const RespValue ok = parse_one("+OK\r\n");
  EXPECT_EQ(ok.type, Type::kStatus);
  EXPECT_EQ(ok.str, "OK");
  const RespValue err = parse_one("-Error message\r\n");
  EXPECT_TRUE(err.is_error());
  EXPECT_EQ(err.str, "Error message");
  const RespValue n = parse_one(":1000\r\n");
  EXPECT_EQ(n.type, Type::kInteger);
  EXPECT_EQ(n.integer, 1000);
}

TEST(RespReader, ReadsBulkStringsEmptyNullAndBinary) {
  EXPECT_EQ(parse_one("$5\r\nhello\r\n").str, "hello");
  const RespValue empty = parse_one("$0\r\n\r\n");
  EXPECT_EQ(empty.type, Type::kString);
  EXPECT_EQ(empty.str, "");
  EXPECT_EQ(parse_one("$-1\r\n").type, Type::kNil);
  const RespValue binary = parse_one(std::string_view("$4\r\na\r\n\0\r\n", 10));
  EXPECT_EQ(binary.str, std::string_view("a\r\n\0", 4));
}

TEST(RespReader, ReadsArraysNestedAndNull) {
  const RespValue two = parse_one("*2\r\n$5\r\nhello\r\n$5\r\nworld\r\n");
  ASSERT_TRUE(two.is_array());
  EXPECT_EQ(two.text_at(0), "hello");
  EXPECT_EQ(two.text_at(1), "world");
  EXPECT_EQ(two.text_at(2), "");
  EXPECT_EQ(parse_one("*0\r\n").elements.size(), 0u);
  EXPECT_EQ(parse_one("*-1\r\n").type, Type::kNil);
  const RespValue nested = parse_one("*2\r\n*3\r\n:1\r\n:2\r\n:3\r\n*2\r\n+Hello\r\n-World\r\n");
  ASSERT_EQ(nested.elements.size(), 2u);
  EXPECT_EQ(nested.elements[0].elements[2].integer, 3);
  EXPECT_EQ(nested.elements[1].elements[0].str, "Hello");
  EXPECT_TRUE(nested.elements[1].elements[1].is_error());
  const RespValue with_nil = parse_one("*3\r\n$5\r\nhello\r\n$-1\r\n$5\r\nworld\r\n");
  EXPECT_EQ(with_nil.elements[1].type, Type::kNil);
}

TEST(RespReader, ReadsAPubSubMessageAndRepliesInOrder) {
  const auto replies = parse_all(
      "*3\r\n$9\r\nsubscribe\r\n$3\r\nctl\r\n:1\r\n"
      "*3\r\n$7\r\nmessage\r\n$3\r\nctl\r\n$6\r\nC1 a 1\r\n",
      7);
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].text_at(0), "subscribe");
  EXPECT_EQ(replies[1].text_at(0), "message");
  EXPECT_EQ(replies[1].text_at(2), "C1 a 1");
}

TEST(RespReader, AStreamThatIsNotRespIsAnError) {
  RespReader r;
  ASSERT_TRUE(r.feed("!oops\r\n", 7));
  EXPECT_FALSE(r.next());
  EXPECT_FALSE(r.error().empty());
  EXPECT_FALSE(r.feed("+OK\r\n", 5));
  r.reset();
  ASSERT_TRUE(r.feed("+OK\r\n", 5));
  EXPECT_TRUE(r.next());
}

TEST(RespCommand, EncodesTheSpecsExample) {
  EXPECT_EQ(resp_command({"LLEN", "mylist"}).view(), "*2\r\n$4\r\nLLEN\r\n$6\r\nmylist\r\n");
  EXPECT_EQ(resp_command({"SET", "k", ""}).view(), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
}

TEST(RespCommand, APublishSharesItsPayloadBlock) {
  const MessageRef payload(Message::create("C1 node 7 said\nhello"));
  const auto blocks = resp_publish("chatd:r:{#lobby}", payload);
  EXPECT_EQ(blocks[1].get(), payload.get());  // the same block, one more reference
  EXPECT_EQ(payload.get()->refs(), 2u);
  std::string wire;
  for (const MessageRef& b : blocks)
    wire += b.view();
  EXPECT_EQ(wire, resp_command({"PUBLISH", "chatd:r:{#lobby}", payload.view()}).view());
}

TEST(RespCommand, AScriptCallSharesItsLastArgumentsBlock) {
  const MessageRef payload(Message::create("C1 node 8 said\nhi"));
  const std::array<std::string_view, 4> args{"EVALSHA", "abc", "1", "chatd:h:{#lobby}"};
  const auto blocks = resp_command_with_payload(args, payload);
  EXPECT_EQ(blocks[1].get(), payload.get());
  std::string wire;
  for (const MessageRef& b : blocks)
    wire += b.view();
  EXPECT_EQ(wire, resp_command({"EVALSHA", "abc", "1", "chatd:h:{#lobby}", payload.view()}).view());
}

}  // namespace
}  // namespace chatd::reactor
