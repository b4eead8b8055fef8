// Soak (see soak.h): the phases, the spawn schedule and the loop.
#include "tests/soak/soak.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

namespace soak {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int kTurnMs = 10;
constexpr auto kSetUpWithin = seconds(20);
constexpr auto kDrainWithin = seconds(20);
constexpr auto kFdsSettleWithin = seconds(10);
constexpr auto kGoodbyeWithin = seconds(10);
constexpr auto kAliveEvery = milliseconds(250);
constexpr auto kSampleEvery = seconds(1);
constexpr auto kProgressEvery = seconds(10);
constexpr int kMaxNeverReaders = 3;  // at once: each may hold output_limit plus kernel buffers
constexpr int kNeverReaderRecvBuffer = 4096;
constexpr std::string_view kBulkRoom = "#soak-0";

std::chrono::nanoseconds every(double s) {
  return std::chrono::nanoseconds(static_cast<std::int64_t>(s * 1e9));
}

std::vector<ChatterPlan> chatter_plans(const Options& o) {
  std::vector<ChatterPlan> plans;
  for (int r = 0; r < o.rooms; ++r) {
    for (int i = 0; i < o.chatters_per_room; ++i) {
      ChatterPlan p;
      p.nick = fmt::format("c{}x{}", r, i);
      p.room = fmt::format("#soak-{}", r);
      p.room_index = r;
      p.rate = r == 0 ? o.bulk_rate : o.chat_rate;
      p.line_bytes = r == 0 ? o.bulk_bytes : 40 + 16 * static_cast<std::size_t>(i);
      const bool flooder = r == 1 && i == o.chatters_per_room - 1 && o.flood_lines > 0;
      if (flooder) {
        p.burst_lines = o.flood_lines;
        p.rate = 1 / o.flood_every_s;
      }
      plans.push_back(std::move(p));
    }
  }
  return plans;
}

template <class T, class OnReap>
void tick_and_reap(std::vector<std::unique_ptr<T>>& clients, TimePoint now, OnReap on_reap) {
  for (auto& c : clients)
    c->tick(now);
  std::erase_if(clients, [&](const std::unique_ptr<T>& c) {
    if (!c->done()) return false;
    on_reap(*c);
    return true;
  });
}

template <class T>
bool any_pending(const std::vector<std::unique_ptr<T>>& clients) {
  return std::any_of(clients.begin(), clients.end(), [](const auto& c) { return !c->done(); });
}

template <class T>
void abandon_all(std::vector<std::unique_ptr<T>>& clients, TimePoint now) {
  for (auto& c : clients)
    c->abandon(now);
  clients.clear();
}

}  // namespace

Soak::Soak(const Options& options, Target target, ChurnPlan churn, RunSummary& summary)
    : options_(options),
      target_(std::move(target)),
      summary_(summary),
      to_{AF_INET, htons(target_.port), {htonl(INADDR_LOOPBACK)}, {}},
      monitor_(target_.pid),
      churn_(poller_, score_, to_, churn),
      rng_(options.seed) {
  const unsigned idle = options_.limits.idle_timeout_s;
  score_.declare("chatter", "stays; every message once, in order");
  score_.declare("probe", "/who answered every second");
  for (int k = 0; k < kJunkKinds; ++k) {
    score_.declare(junk_kind_name(JunkKind(k)), junk_rule(JunkKind(k)));
  }
  score_.declare("slowloris/lines", "each /who, sent a byte at a time, answered");
  std::string partial_rule = "left alone (--idle-timeout 0)";
  if (idle > 0) {
    partial_rule = fmt::format("cut by --idle-timeout {} (no line in {} s)", idle, idle);
  }
  score_.declare("slowloris/partial", partial_rule);
  score_.declare("never-reader", "cut as a slow consumer, room told");
  score_.declare("rst", "room sees 'quit (connection closed)'");
  score_.declare("churn", "greeted, or refused in one line; /quit answered");
}

Soak::~Soak() = default;

void Soak::run() {
  summary_.fds_start = monitor_.fd_count();
  if (set_up()) {
    load();
    drain();
    for (auto& c : chatters_) {
      if (c->is_open()) score_.handled("chatter");
    }
    if (probe_->is_open()) score_.handled("probe");
    final_fd_check();
  }
  if (!chatd_dead_) shut_down_chatd();
  summary_.chatters = static_cast<int>(chatters_.size());
  summary_.delivery = ledger_.totals();
  summary_.anomalies = ledger_.anomalies();
  summary_.bursts = ledger_.bursts();
  summary_.burst_lines = options_.flood_lines;
  summary_.churn = churn_.stats();
  summary_.samples = monitor_.samples();
  if (probe_) summary_.probe_rtt_ms = probe_->rtt_ms();
  if (probe_) summary_.relayed_checked = probe_->relayed_checked();
  const auto wave = churn_.first_wave_done();
  summary_.warmup_end_s =
      wave ? std::max(since_load(*wave), 0.25 * summary_.load_s) : 0.5 * summary_.load_s;
}

bool Soak::set_up() {
  const auto plans = chatter_plans(options_);
  for (const ChatterPlan& p : plans)
    ledger_.add_member(p.nick, p.room_index);
  for (std::size_t i = 0; i < plans.size(); ++i) {
    chatters_.push_back(
        std::make_unique<Chatter>(poller_, ledger_, score_, static_cast<int>(i), plans[i]));
    score_.started("chatter");
    chatters_.back()->connect(to_);
  }
  probe_ = std::make_unique<Probe>(poller_, score_);
  score_.started("probe");
  probe_->connect(to_);
  const TimePoint until = Clock::now() + kSetUpWithin;
  auto ready = [&] {
    return probe_->ready() &&
           std::all_of(chatters_.begin(), chatters_.end(), [](auto& c) { return c->ready(); });
  };
  while (!ready() && Clock::now() < until && !chatd_dead_)
    turn(false);
  score_.check("set-up", ready(), "chatters and probe in their rooms within 20 s");
  return ready();
}

void Soak::load() {
  load_start_ = Clock::now();
  next_rst_ = load_start_ + milliseconds(500);
  next_junk_ = load_start_ + seconds(1);
  next_never_ = load_start_ + seconds(2);
  next_sample_ = next_progress_ = next_alive_ = load_start_;
  for (auto& c : chatters_)
    c->start_sending(load_start_);
  const TimePoint end = load_start_ + every(options_.duration_s);
  while (Clock::now() < end && !chatd_dead_)
    turn(true);
  summary_.load_s = since_load(Clock::now());
}

void Soak::drain() {
  for (auto& c : chatters_)
    c->stop_sending();
  churn_.stop();
  const TimePoint start = Clock::now();
  // Nothing piles up for a never-reader once the bulk room is quiet: settle them now.
  for (auto& n : never_readers_) {
    n->abandon(start);
    if (n->cut_after_s()) summary_.never_reader_cut_s.push_back(*n->cut_after_s());
  }
  never_readers_.clear();
  for (auto& s : slowloris_)
    s->wind_down();
  while (Clock::now() - start < kDrainWithin && !chatd_dead_) {
    if (ledger_.outstanding() == 0 && churn_.finished() && !misbehavers_pending()) break;
    turn(false);
  }
  const TimePoint now = Clock::now();
  summary_.drain_s = std::chrono::duration<double>(now - start).count();
  abandon_all(junk_, now);
  abandon_all(slowloris_, now);
  abandon_all(rst_, now);
}

void Soak::final_fd_check() {
  if (!monitor_.enabled() || !summary_.fds_start) return;
  const auto connected =
      std::count_if(chatters_.begin(), chatters_.end(), [](const auto& c) { return c->is_open(); });
  summary_.fds_allowed_end = *summary_.fds_start + static_cast<int>(connected) + 1;
  const TimePoint until = Clock::now() + kFdsSettleWithin;
  do {
    turn(false);
    summary_.fds_end = monitor_.fd_count();
  } while (summary_.fds_end && *summary_.fds_end > summary_.fds_allowed_end &&
           Clock::now() < until && !chatd_dead_);
}

void Soak::shut_down_chatd() {
  if (!target_.stop) return;
  for (auto& c : chatters_) {
    c->expect_shutdown();
    summary_.goodbyes_expected += c->is_open() ? 1 : 0;
  }
  probe_->expect_shutdown();
  summary_.goodbyes_expected += probe_->is_open() ? 1 : 0;
  target_.stop();
  const TimePoint until = Clock::now() + kGoodbyeWithin;
  auto all_closed = [&] {
    return !probe_->is_open() &&
           std::none_of(chatters_.begin(), chatters_.end(), [](auto& c) { return c->is_open(); });
  };
  while (!all_closed() && Clock::now() < until)
    poller_.poll(kTurnMs);
  for (auto& c : chatters_)
    summary_.goodbyes_seen += c->saw_shutdown_line() ? 1 : 0;
  summary_.goodbyes_seen += probe_->saw_shutdown_line() ? 1 : 0;
  const std::string exit = target_.exit();
  summary_.exit_ok = exit.empty();
  summary_.exit_status = exit.empty() ? "exited with 0" : exit;
}

void Soak::turn(bool spawning) {
  poller_.poll(kTurnMs);
  const TimePoint now = Clock::now();
  if (spawning) spawn(now);
  tick_clients(now);
  if (load_start_ != TimePoint{}) churn_.tick(now);
  watch_chatd(now);
  progress(now);
}

void Soak::spawn(TimePoint now) {
  const Limits& l = options_.limits;
  if (now >= next_junk_) {
    next_junk_ += every(options_.junk_every_s);
    const auto kind = JunkKind(junk_started_++ % kJunkKinds);
    const std::uint64_t seed = options_.seed * 1000003 + static_cast<std::uint64_t>(serial_);
    junk_.push_back(
        std::make_unique<JunkClient>(poller_, score_, kind, serial_++, l.max_line_bytes, seed));
    junk_.back()->start(to_, now);
  }
  if (now >= next_never_) {
    next_never_ += every(options_.never_reader_every_s);
    if (never_readers_.size() < kMaxNeverReaders) {
      never_readers_.push_back(std::make_unique<NeverReader>(
          poller_, score_, ledger_, serial_++, std::string(kBulkRoom), options_.cut_within_s));
      ConnectOptions small;
      small.recv_buffer = kNeverReaderRecvBuffer;
      never_readers_.back()->start(to_, now, small);
    }
  }
  if (now >= next_rst_) {
    next_rst_ += every(options_.rst_every_s);
    const auto room = fmt::format("#soak-{}", rng_() % static_cast<unsigned>(options_.rooms));
    rst_.push_back(std::make_unique<RstClient>(poller_, score_, ledger_, serial_++, room));
    rst_.back()->start(to_, now);
  }
  spawn_slowloris(now);
}

void Soak::spawn_slowloris(TimePoint now) {
  for (bool lines : {true, false}) {
    const auto alive = std::count_if(slowloris_.begin(), slowloris_.end(),
                                     [&](const auto& s) { return s->completes_lines() == lines; });
    for (auto n = alive; n < options_.slowloris_pairs; ++n) {
      slowloris_.push_back(std::make_unique<Slowloris>(poller_, score_, serial_++, lines,
                                                       options_.limits.idle_timeout_s));
      slowloris_.back()->start(to_, now);
    }
  }
}

void Soak::tick_clients(TimePoint now) {
  for (auto& c : chatters_)
    c->tick(now);
  if (probe_) probe_->tick(now);
  auto nothing = [](const auto&) {};
  tick_and_reap(junk_, now, nothing);
  tick_and_reap(slowloris_, now, nothing);
  tick_and_reap(rst_, now, nothing);
  tick_and_reap(never_readers_, now, [&](const NeverReader& n) {
    if (n.cut_after_s()) summary_.never_reader_cut_s.push_back(*n.cut_after_s());
  });
}

bool Soak::misbehavers_pending() const {
  return any_pending(junk_) || any_pending(slowloris_) || any_pending(never_readers_) ||
         any_pending(rst_);
}

void Soak::watch_chatd(TimePoint now) {
  if (load_start_ != TimePoint{} && now >= next_sample_) {
    next_sample_ = now + kSampleEvery;
    monitor_.sample(since_load(now));
  }
  if (now < next_alive_ || chatd_dead_) return;
  next_alive_ = now + kAliveEvery;
  if (target_.alive()) return;
  chatd_dead_ = true;
  std::string how = target_.exit ? target_.exit() : std::string("it is gone");
  summary_.chatd_died = fmt::format("chatd died {:.1f} s into the load: {}", since_load(now),
                                    how.empty() ? "exited with 0" : how);
}

void Soak::progress(TimePoint now) {
  if (options_.quiet || load_start_ == TimePoint{} || now < next_progress_) return;
  next_progress_ = now + kProgressEvery;
  const DeliveryTotals d = ledger_.totals();
  const auto& rtt = probe_->rtt_ms();
  const double rtt_max = rtt.empty() ? 0 : *std::max_element(rtt.begin(), rtt.end());
  const auto& samples = monitor_.samples();
  const auto rss = samples.empty() ? std::nullopt : std::optional(samples.back().rss_kib);
  const auto fds = samples.empty() ? std::nullopt : std::optional(samples.back().fds);
  std::printf(
      "[%5.0fs] sent %lu, delivered %lu | churn open %d, waves %d | chatd RSS %.1f MiB, "
      "%d fds | probe max %.1f ms\n",
      since_load(now), static_cast<unsigned long>(d.sent), static_cast<unsigned long>(d.delivered),
      churn_.open(), churn_.stats().waves, rss ? static_cast<double>(*rss) / 1024 : 0.0,
      fds.value_or(-1), rtt_max);
  std::fflush(stdout);
}

double Soak::since_load(TimePoint now) const {
  return std::chrono::duration<double>(now - load_start_).count();
}

}  // namespace soak
