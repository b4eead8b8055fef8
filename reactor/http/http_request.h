// HttpRequestParser: the head of an HTTP/1.x request (RFC 9112), fed one line
// at a time by a connection's line framer: request line, header fields, empty
// line. Strict and small, for GET and HEAD of tiny resources: no bodies, no
// obsolete line folding, limits on size and field count.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chatd::reactor {

struct HttpRequest {
  std::string method;     // "GET"
  std::string target;     // "/metrics?x=1" (of an absolute-form target, the path)
  int minor_version = 1;  // HTTP/1.0 or HTTP/1.1
  // Field names in lower case, values without surrounding whitespace, in order.
  std::vector<std::pair<std::string, std::string>> fields;

  // The first field called `name` (lower case), or empty.
  std::string_view field(std::string_view name) const;
  // That field is a comma-separated list holding `token` (lower case), in any
  // case: "Connection: keep-alive, Upgrade" lists "upgrade".
  bool field_lists(std::string_view name, std::string_view token) const;
  // The target without its query.
  std::string_view path() const;
  // HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with "keep-alive".
  bool keep_alive() const;
};

// A field value or list item without the spaces and tabs around it (RFC 9110's OWS).
std::string_view trim_whitespace(std::string_view s);
// Field names, tokens and origins compare in ASCII lower case.
std::string ascii_lower(std::string_view s);

class HttpRequestParser {
 public:
  static constexpr std::size_t kMaxHeadBytes = 8192;
  static constexpr std::size_t kMaxFields = 64;

  enum class Status { kIncomplete, kComplete, kBad };

  // One line without its LF (a trailing CR is ignored). After kComplete or
  // kBad, reset() before the next request.
  Status feed_line(std::string_view line);
  // A line longer than the framer's limit: the head is too big.
  Status line_too_long();

  const HttpRequest& request() const { return request_; }
  // For kBad: the status to answer (400, 431, 505) and why, for the body.
  int error_status() const { return error_status_; }
  const std::string& error() const { return error_; }

  void reset();

 private:
  Status fail(int status, std::string why);
  Status request_line(std::string_view line);
  Status field_line(std::string_view line);
  Status finish();

  HttpRequest request_;
  std::size_t head_bytes_ = 0;
  bool have_request_line_ = false;
  int error_status_ = 0;
  std::string error_;
};

}  // namespace chatd::reactor
