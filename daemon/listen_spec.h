// ListenSpec: what a listener serves and where: `PROTO[+tls][+proxy]://HOST:PORT`
// (a bare HOST:PORT is plain), as --listen, the config file and systemd's
// FileDescriptorName= (the scheme alone) spell it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "reactor/address.h"

namespace chatd {

// The front end a listener hands its connections to.
enum class FrontEnd : std::uint8_t { kPlain, kIrc, kWeb, kMetrics };

std::string_view to_string(FrontEnd f);

struct Scheme {
  FrontEnd front_end = FrontEnd::kPlain;
  bool tls = false;
  bool proxy = false;
  std::string to_string() const;  // "irc", "plain+tls+proxy"
  bool operator==(const Scheme&) const = default;
};

struct ListenSpec {
  Scheme scheme;
  reactor::Endpoint at;
  std::string to_string() const;  // "irc://[::]:6667"
};

// Parses "irc", "plain+tls", ... Throws std::invalid_argument naming the text,
// what is wrong, and what is allowed.
Scheme parse_scheme(std::string_view text);

// Parses "irc://[::]:6667", "plain://0.0.0.0:2023" or "127.0.0.1:2023" (plain).
// Throws std::invalid_argument like parse_scheme and reactor::parse_endpoint.
ListenSpec parse_listen_spec(std::string_view text);

}  // namespace chatd
