// The test HTTP client, over LineClient's raw socket.
#include "tests/support/http_get.h"

#include <algorithm>
#include <cctype>

#include "tests/support/line_client.h"

namespace chatd::test {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string HttpReply::field(std::string_view name) const {
  const std::string want = lower(name) + ":";
  std::string_view rest = head;
  while (!rest.empty()) {
    const std::size_t eol = rest.find("\r\n");
    const std::string_view line = rest.substr(0, eol);
    if (lower(line.substr(0, want.size())) == want) {
      std::string_view v = line.substr(want.size());
      while (!v.empty() && v.front() == ' ')
        v.remove_prefix(1);
      return std::string(v);
    }
    if (eol == std::string_view::npos) break;
    rest.remove_prefix(eol + 2);
  }
  return {};
}

std::optional<HttpReply> parse_http_reply(std::string_view bytes, std::size_t* used) {
  const std::size_t end = bytes.find("\r\n\r\n");
  if (end == std::string_view::npos) return std::nullopt;
  HttpReply r;
  r.head = std::string(bytes.substr(0, end + 2));
  if (r.head.size() < 12 || !r.head.starts_with("HTTP/1.1 ")) return std::nullopt;
  r.status = std::stoi(r.head.substr(9, 3));
  const std::string length = r.field("content-length");
  const std::size_t body_length = length.empty() ? 0 : std::stoul(length);
  if (bytes.size() < end + 4 + body_length) return std::nullopt;
  r.body = std::string(bytes.substr(end + 4, body_length));
  if (used != nullptr) *used = end + 4 + body_length;
  return r;
}

std::optional<HttpReply> http_get(std::uint16_t port, std::string_view path, Deadline deadline) {
  LineClient client(port, {}, deadline);
  if (!client.send_raw(
          "GET " + std::string(path) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
          deadline)) {
    return std::nullopt;
  }
  std::string bytes;
  // Every body chatd sends ends in a newline, so lines cover it all.
  while (auto line = client.read_raw_line(deadline)) {
    bytes += *line;
    if (auto r = parse_http_reply(bytes)) return r;
  }
  return parse_http_reply(bytes);
}

}  // namespace chatd::test
