// RespReader: RESP2 replies from a byte stream, parsed by hiredis's reader
// (never its connection or async API), built straight into RespValue trees so a
// bulk string is copied once, from the read buffer into its value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct redisReader;

namespace chatd::reactor {

struct RespValue {
  enum class Type : std::uint8_t { kString, kStatus, kError, kInteger, kNil, kArray };
  Type type = Type::kNil;
  std::string str;  // kString, kStatus, kError
  std::int64_t integer = 0;
  std::vector<RespValue> elements;  // kArray

  bool is_error() const { return type == Type::kError; }
  bool is_array() const { return type == Type::kArray; }
  bool is_string() const { return type == Type::kString || type == Type::kStatus; }
  // elements[i] as text, or empty when it is absent or not a string.
  std::string_view text_at(std::size_t i) const;
};

class RespReader {
 public:
  RespReader();
  ~RespReader();
  RespReader(const RespReader&) = delete;
  RespReader& operator=(const RespReader&) = delete;

  // Appends bytes read from the server. False once the stream is not RESP (the
  // reader is then unusable: error() says why).
  bool feed(const char* data, std::size_t n);
  // The next complete reply, or nullopt when more bytes are needed or the
  // stream is broken (error() is then set).
  std::optional<RespValue> next();
  // Forgets everything fed so far, for a new connection.
  void reset();
  // Empty while the stream is well-formed.
  const std::string& error() const { return error_; }

 private:
  struct Free {
    void operator()(redisReader* r) const;
  };
  std::unique_ptr<redisReader, Free> reader_;
  std::string error_;
};

}  // namespace chatd::reactor
