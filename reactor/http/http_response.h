// HttpResponse: what a server answers, rendered into one shared block.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reactor/message.h"

namespace chatd::reactor {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> fields;  // more header fields
  bool close = false;  // "Connection: close", and the server closes after it
};

// "OK", "Not Found", ...: the reason phrase of the statuses chatd answers.
std::string_view reason_phrase(int status);

// Status line, Date, Content-Type and Content-Length (but on a 304), the extra
// fields, Connection: close when closing, and the body unless `head` (a HEAD
// request).
MessageRef render_response(const HttpResponse& r, bool head);

}  // namespace chatd::reactor
