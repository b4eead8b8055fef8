// IrcService: shared IRC settings and the registration/ping sweep.
#include "daemon/irc/irc_service.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>

#include "daemon/config.h"
#include "daemon/irc/irc_session.h"
#include "daemon/irc/isupport.h"

namespace chatd {
namespace {
constexpr std::uint64_t kSweepIntervalMs = 1000;

std::string now_text() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  return fmt::format("{:%a %b %e %Y at %H:%M:%S} UTC", utc);
}
}  // namespace

IrcService::IrcService(reactor::Loop& loop, const Config& config)
    : loop_(loop), created_(now_text()), sweep_timer_(loop, [this] { sweep(); }) {
  configure(config);
  sweep_timer_.start(kSweepIntervalMs, kSweepIntervalMs);
  sweep_timer_.unref();
}

void IrcService::configure(const Config& config) {
  server_name_ = config.server_name;
  network_ = config.network;
  motd_ = config.motd;
  isupport_ = irc::isupport_tokens(config.network, config.irc_max_rooms);
  ping_interval_ms_ = std::uint64_t{config.irc_ping_interval} * 1000;
  registration_timeout_ms_ = std::uint64_t{config.irc_registration_timeout} * 1000;
}

void IrcService::watch_registration(IrcSession& s) {
  s.start_watch(loop_.now_ms());
  registering_.push_back(s);
}

void IrcService::watch_pings(IrcSession& s) {
  s.start_watch(loop_.now_ms());
  registered_.push_back(s);
}

void IrcService::heard(IrcSession& s) {
  if (!s.registered()) return;  // judged by its connect time until it registers
  s.note_heard(loop_.now_ms());
  registered_.move_to_back(s);
}

void IrcService::unwatch(IrcSession& s) {
  if (!static_cast<reactor::ListHook<IrcWatchTag>&>(s).linked()) return;
  if (s.registered()) {
    registered_.remove(s);
  } else {
    registering_.remove(s);
  }
}

// Disconnecting unwatches the session, so each loop below ends.
void IrcService::sweep() {
  const std::uint64_t now = loop_.now_ms();
  while (IrcSession* s = registering_.front()) {
    if (now - s->watched_since_ms() < registration_timeout_ms_) break;
    s->disconnect("registration timed out", true, Disconnect::kRegistrationTimeout);
  }
  for (IrcSession* s = registered_.front(); s != nullptr;) {
    IrcSession* next = registered_.next(*s);
    const std::uint64_t silent = now - s->watched_since_ms();
    if (silent < ping_interval_ms_) break;
    if (!s->ping_sent()) {
      s->send_ping();
    } else if (silent >= 2 * ping_interval_ms_) {
      s->disconnect(fmt::format("ping timeout: {} seconds", silent / 1000), true,
                    Disconnect::kPingTimeout);
    }
    s = next;
  }
}

}  // namespace chatd
