// ServiceStatus: sd_notify messages at each stage of chatd's life, and the timers
// behind STATUS= refreshes, watchdog pings and stop-timeout extensions.
#include "daemon/service_status.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <string_view>

#include "daemon/systemd.h"

namespace chatd {
namespace {

// Each drain tick pushes systemd's stop timeout this far: past the next tick,
// with room for a late one.
constexpr std::uint64_t kDrainExtensionUsec = 3 * ServiceStatus::kDrainTickMs * 1000;

std::string_view plural(std::uint64_t n) {
  return n == 1 ? "" : "s";
}

}  // namespace

std::string format_status(const ServiceCounters& c, double messages_per_second) {
  std::string s = fmt::format("{} client{}, {} room{}, {:.1f} messages/s", c.clients,
                              plural(c.clients), c.rooms, plural(c.rooms), messages_per_second);
  if (!c.cluster.empty()) s += "; " + c.cluster;
  return s;
}

ServiceStatus::ServiceStatus(reactor::Loop& loop, std::function<ServiceCounters()> counters)
    : loop_(loop),
      counters_(std::move(counters)),
      status_timer_(loop, [this] { refresh_status(); }),
      watchdog_timer_(loop, [] { systemd::notify("WATCHDOG=1"); }),
      drain_timer_(loop, [this] { extend_stop_timeout(); }) {
  // None of them may keep the loop alive: it ends when the last connection has.
  status_timer_.unref();
  watchdog_timer_.unref();
  drain_timer_.unref();
}

void ServiceStatus::ready() {
  const ServiceCounters c = counters_();
  last_messages_ = c.messages;
  last_sample_ms_ = loop_.now_ms();
  last_status_ = format_status(c, 0);
  systemd::notify("READY=1\nSTATUS=" + last_status_);
  status_timer_.start(kStatusIntervalMs, kStatusIntervalMs);
  if (const std::uint64_t usec = systemd::watchdog_usec(); usec != 0) {
    const std::uint64_t every_ms = std::max<std::uint64_t>(1, usec / 2000);
    spdlog::info("systemd watchdog of {} ms: pinging every {} ms", usec / 1000, every_ms);
    systemd::notify("WATCHDOG=1");
    watchdog_timer_.start(every_ms, every_ms);
  }
}

void ServiceStatus::reloading() {
  systemd::notify(fmt::format("RELOADING=1\nMONOTONIC_USEC={}", systemd::monotonic_usec()));
}

void ServiceStatus::reloaded() {
  systemd::notify("READY=1\nSTATUS=" + last_status_);
}

void ServiceStatus::stopping() {
  status_timer_.stop();
  const std::size_t n = loop_.connection_count();
  last_status_ = fmt::format("shutting down, telling {} client{}", n, plural(n));
  systemd::notify("STOPPING=1\nSTATUS=" + last_status_);
  drain_timer_.start(kDrainTickMs, kDrainTickMs);
}

void ServiceStatus::refresh_status() {
  const ServiceCounters c = counters_();
  const std::uint64_t now = loop_.now_ms();
  const double seconds = double(now - last_sample_ms_) / 1000;
  const double rate = seconds > 0 ? double(c.messages - last_messages_) / seconds : 0;
  last_messages_ = c.messages;
  last_sample_ms_ = now;
  std::string text = format_status(c, rate);
  if (text == last_status_) return;
  last_status_ = std::move(text);
  systemd::notify("STATUS=" + last_status_);
}

// The drain is bounded by the reactor's drain timeout; this only keeps a short
// TimeoutStopSec= from cutting it off while it is still making progress.
void ServiceStatus::extend_stop_timeout() {
  const std::size_t n = loop_.connection_count();
  if (n == 0) return drain_timer_.stop();
  systemd::notify(
      fmt::format("EXTEND_TIMEOUT_USEC={}\nSTATUS=shutting down, {} client{} still "
                  "draining",
                  kDrainExtensionUsec, n, plural(n)));
}

}  // namespace chatd
