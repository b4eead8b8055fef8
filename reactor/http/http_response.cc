// HTTP/1.1 responses.
#include "reactor/http/http_response.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>

namespace chatd::reactor {

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 426:
      return "Upgrade Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

MessageRef render_response(const HttpResponse& r, bool head) {
  fmt::memory_buffer out;
  const std::time_t now = std::time(nullptr);
  fmt::format_to(std::back_inserter(out),
                 "HTTP/1.1 {} {}\r\nDate: {:%a, %d %b %Y %H:%M:%S} GMT\r\n", r.status,
                 reason_phrase(r.status), fmt::gmtime(now));
  // A 304 has no body, and its length would have to be the full answer's.
  if (r.status != 304) {
    fmt::format_to(std::back_inserter(out), "Content-Type: {}\r\nContent-Length: {}\r\n",
                   r.content_type, r.body.size());
  }
  for (const auto& [name, value] : r.fields)
    fmt::format_to(std::back_inserter(out), "{}: {}\r\n", name, value);
  if (r.close) fmt::format_to(std::back_inserter(out), "Connection: close\r\n");
  out.append(std::string_view("\r\n"));
  if (!head) out.append(r.body);
  return MessageRef(Message::create({out.data(), out.size()}));
}

}  // namespace chatd::reactor
