// HTTP/1.x request heads, parsed by the grammar of RFC 9110 and RFC 9112.
#include "reactor/http/http_request.h"

#include <algorithm>
#include <cctype>

namespace chatd::reactor {
namespace {

// tchar (RFC 9110 5.6.2): what a method or a field name is made of.
bool is_token_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (std::isalnum(u) != 0) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_token_char);
}

// A field value may hold visible characters, spaces, tabs and obs-text; no
// controls (a bare CR or a NUL smuggles).
bool is_field_value(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
  });
}

bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    if (ascii_lower(trim_whitespace(list.substr(0, comma))) == token) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

std::string_view trim_whitespace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool HttpRequest::field_lists(std::string_view name, std::string_view token) const {
  return has_token(field(name), token);
}

std::string_view HttpRequest::field(std::string_view name) const {
  for (const auto& [n, v] : fields) {
    if (n == name) return v;
  }
  return {};
}

std::string_view HttpRequest::path() const {
  const std::string_view t = target;
  return t.substr(0, t.find('?'));
}

bool HttpRequest::keep_alive() const {
  const std::string_view connection = field("connection");
  if (minor_version == 0) return has_token(connection, "keep-alive");
  return !has_token(connection, "close");
}

void HttpRequestParser::reset() {
  request_ = HttpRequest{};
  head_bytes_ = 0;
  have_request_line_ = false;
  error_status_ = 0;
  error_.clear();
}

HttpRequestParser::Status HttpRequestParser::fail(int status, std::string why) {
  error_status_ = status;
  error_ = std::move(why);
  return Status::kBad;
}

HttpRequestParser::Status HttpRequestParser::line_too_long() {
  return fail(431, "request header fields too large");
}

HttpRequestParser::Status HttpRequestParser::feed_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  head_bytes_ += line.size() + 2;
  if (head_bytes_ > kMaxHeadBytes) return line_too_long();
  if (!have_request_line_) {
    // RFC 9112 2.2: empty lines before the request line are ignored.
    if (line.empty()) return Status::kIncomplete;
    return request_line(line);
  }
  if (line.empty()) return finish();
  return field_line(line);
}

// method SP request-target SP HTTP-version
HttpRequestParser::Status HttpRequestParser::request_line(std::string_view line) {
  const std::size_t sp1 = line.find(' ');
  const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return fail(400, "malformed request line");
  }
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!is_token(method)) return fail(400, "malformed method");
  std::string_view path = target;
  // The absolute form (RFC 9112 3.2.2), which a server must accept: its path.
  for (std::string_view scheme : {"http://", "https://"}) {
    if (!path.starts_with(scheme)) continue;
    path.remove_prefix(scheme.size());
    const std::size_t slash = path.find('/');
    path = slash == std::string_view::npos ? std::string_view("/") : path.substr(slash);
  }
  if (path.empty() || path.front() != '/' || !is_field_value(path)) {
    return fail(400, "the target must be a path");
  }
  if (version == "HTTP/1.1") {
    request_.minor_version = 1;
  } else if (version == "HTTP/1.0") {
    request_.minor_version = 0;
  } else if (version.starts_with("HTTP/")) {
    return fail(505, "HTTP version not supported");
  } else {
    return fail(400, "malformed HTTP version");
  }
  request_.method = method;
  request_.target = path;
  have_request_line_ = true;
  return Status::kIncomplete;
}

// field-name ":" OWS field-value OWS
HttpRequestParser::Status HttpRequestParser::field_line(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t') return fail(400, "obsolete line folding");
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return fail(400, "malformed header field");
  const std::string_view name = line.substr(0, colon);
  const std::string_view value = trim_whitespace(line.substr(colon + 1));
  if (!is_token(name)) return fail(400, "malformed header field name");
  if (!is_field_value(value)) return fail(400, "control character in a header field");
  if (request_.fields.size() == kMaxFields) return line_too_long();
  request_.fields.emplace_back(ascii_lower(name), value);
  return Status::kIncomplete;
}

// No bodies: a request that announces one cannot be skipped safely.
HttpRequestParser::Status HttpRequestParser::finish() {
  if (request_.minor_version == 1 && request_.field("host").empty()) {
    return fail(400, "HTTP/1.1 needs a Host header");
  }
  if (!request_.field("transfer-encoding").empty()) return fail(400, "request bodies are refused");
  const std::string_view length = request_.field("content-length");
  if (!length.empty() && length != "0") return fail(400, "request bodies are refused");
  return Status::kComplete;
}

}  // namespace chatd::reactor
