// A minimal HTTP client for tests: sends one request as written and reads the response to
// the end of its body (by Content-Length), or to EOF.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tests/support/line_client.h"

namespace chatd::test {

struct HttpReply {
  int status = 0;
  std::string head;  // status line and header fields, CRLFs included
  std::string body;
  // The value of header field `name` (case-insensitive), or empty.
  std::string field(std::string_view name) const;
};

// "GET PATH HTTP/1.1" with Host and Connection: close.
std::optional<HttpReply> http_get(std::uint16_t port, std::string_view path,
                                  Deadline deadline = default_deadline());

// Parses a response from `bytes`; nullopt until a whole one is there.
std::optional<HttpReply> parse_http_reply(std::string_view bytes, std::size_t* used = nullptr);

}  // namespace chatd::test
