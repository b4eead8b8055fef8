// IrcService: what every IRC connection shares: the server's name and welcome
// texts, and the one sweep timer behind registration and ping timeouts (no
// timer per connection).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reactor/intrusive_list.h"
#include "reactor/loop.h"
#include "reactor/timer.h"

namespace chatd {
struct Config;
class IrcSession;
struct IrcWatchTag;

class IrcService {
 public:
  IrcService(reactor::Loop& loop, const Config& config);

  // New settings (startup, reload); the timeouts apply from the next sweep.
  void configure(const Config& config);

  const std::string& server_name() const { return server_name_; }
  const std::string& network() const { return network_; }
  const std::string& motd() const { return motd_; }
  const std::vector<std::string>& isupport() const { return isupport_; }
  // "Tue Dec  1 2026 at 19:32:38 UTC": when this chatd started (003).
  const std::string& created() const { return created_; }
  std::uint32_t ping_interval_s() const { return ping_interval_ms_ / 1000; }
  std::size_t unregistered_count() const { return registering_.size(); }

  // A new connection: it must register within the registration timeout.
  void watch_registration(IrcSession& s);
  // It registered: from now on a silent client is PINGed, and dropped when it
  // stays silent for another interval.
  void watch_pings(IrcSession& s);
  // A line arrived from it: it is not silent.
  void heard(IrcSession& s);
  void unwatch(IrcSession& s);

 private:
  void sweep();

  reactor::Loop& loop_;
  std::string server_name_;
  std::string network_;
  std::string motd_;
  std::string created_;
  std::vector<std::string> isupport_;
  std::uint64_t ping_interval_ms_ = 0;
  std::uint64_t registration_timeout_ms_ = 0;
  // Each list is ordered by the time it is judged by: connect time, last line.
  reactor::IntrusiveList<IrcSession, IrcWatchTag> registering_;
  reactor::IntrusiveList<IrcSession, IrcWatchTag> registered_;
  reactor::Timer sweep_timer_;
};

}  // namespace chatd
