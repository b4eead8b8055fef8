// Churn and its ChurnClient (see churn.h).
#include "tests/soak/churn.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "tests/soak/protocol.h"

namespace soak {
namespace {

using std::chrono::seconds;

constexpr int kSourceAddresses = 32;
constexpr auto kGreetWithin = seconds(15);
constexpr auto kCloseWithin = seconds(10);  // after a refusal or a /quit
constexpr auto kRest = seconds(2);
constexpr auto kCheckEvery = std::chrono::milliseconds(250);
constexpr auto kRampSlack = seconds(15);
constexpr std::string_view kKind = "churn";
constexpr std::string_view kIdleLine = "! idle too long; disconnecting";

in_addr source_address(std::uint64_t n) {
  in_addr a{};
  a.s_addr = htonl(0x7F000002u + static_cast<std::uint32_t>(n % kSourceAddresses));
  return a;
}

}  // namespace

class ChurnClient : public ChatClient {
 public:
  enum class State { kWaiting, kWelcomed, kRefused, kQuitting, kDone };

  ChurnClient(Churn& owner, std::uint64_t serial)
      : ChatClient(owner.poller_), owner_(owner), serial_(serial) {}

  State state() const { return state_; }
  TimePoint since() const { return since_; }

  void start(TimePoint now) {
    since_ = now;
    ++owner_.open_;
    ConnectOptions options;
    options.source = source_address(serial_);
    if (!connect(owner_.to_, options)) fail("connect failed: " + describe_end());
  }

  // A third each: FIN, RST, /quit (which chatd must answer and then close).
  void leave(TimePoint now) {
    if (state_ != State::kWelcomed) return;
    if (serial_ % 3 == 2) {
      state_ = State::kQuitting;
      since_ = now;
      return send("/quit churn\n");
    }
    if (serial_ % 3 == 0) {
      ++owner_.stats_.closed_fin;
      close_fin();
    } else {
      ++owner_.stats_.closed_rst;
      close_rst();
    }
    done(true);
  }

  void fail(std::string why) {
    if (state_ == State::kDone) return;
    owner_.score_.fail(kKind, fmt::format("connection {}: {}", serial_, why));
    close_rst();
    done(false);
  }

 protected:
  void on_welcome() override {
    state_ = State::kWelcomed;
    ++owner_.stats_.welcomed;
  }
  void on_refused() override {
    state_ = State::kRefused;
    since_ = Clock::now();
    ++owner_.stats_.refused;
    owner_.score_.refused(kKind, refusal());
  }
  void on_chat_line(std::string_view line) override {
    if (state_ == State::kQuitting && line == "*** bye") bye_ = true;
    if (line == kIdleLine) idle_cut_ = true;
  }
  void on_end() override {
    if (state_ == State::kRefused) return done(false);
    if (state_ == State::kQuitting && bye_) {
      ++owner_.stats_.quits_answered;
      return done(true);
    }
    if (state_ == State::kQuitting) return fail("closed after /quit without \"*** bye\"");
    if (idle_cut_) {  // a slow wave outlived --idle-timeout: that rule, applied
      ++owner_.stats_.idle_cut;
      return done(true);
    }
    fail(fmt::format("{} while {}", describe_end(),
                     state_ == State::kWaiting ? "waiting for its greeting" : "idle in #lobby"));
  }

 private:
  void done(bool handled) {
    if (state_ == State::kDone) return;
    if (handled) owner_.score_.handled(kKind);
    state_ = State::kDone;
    --owner_.open_;
  }

  Churn& owner_;
  std::uint64_t serial_;
  State state_ = State::kWaiting;
  TimePoint since_;
  bool bye_ = false;
  bool idle_cut_ = false;
};

Churn::Churn(Poller& poller, Scoreboard& score, const sockaddr_in& to, ChurnPlan plan)
    : poller_(poller), score_(score), to_(to), plan_(plan) {}

Churn::~Churn() = default;

void Churn::tick(TimePoint now) {
  if (!started_) {
    started_ = true;
    last_tick_ = last_check_ = now;
    enter(Phase::kRamp, now);
  }
  const double dt = std::min(0.1, std::chrono::duration<double>(now - last_tick_).count());
  last_tick_ = now;
  if (now - last_check_ >= kCheckEvery) {
    last_check_ = now;
    check_deadlines(now);
  }
  switch (phase_) {
    case Phase::kRamp:
      return ramp(now, dt);
    case Phase::kHold:
      if (stopping_ || now - phase_since_ >= std::chrono::duration<double>(plan_.hold_s)) {
        enter(Phase::kClose, now);
      }
      return;
    case Phase::kClose:
      return close_some(now, dt);
    case Phase::kRest:
      if (stopping_) return enter(Phase::kStopped, now);
      if (now - phase_since_ >= kRest) enter(Phase::kRamp, now);
      return;
    case Phase::kStopped:
      return;
  }
}

void Churn::ramp(TimePoint now, double dt) {
  budget_ += plan_.rate * dt;
  while (budget_ >= 1 && !stopping_ && clients_.size() < static_cast<std::size_t>(plan_.peak)) {
    budget_ -= 1;
    clients_.push_back(std::make_unique<ChurnClient>(*this, stats_.connects++));
    score_.started(kKind);
    clients_.back()->start(now);
  }
  stats_.peak_open = std::max(stats_.peak_open, open_);
  const bool all_opened = clients_.size() >= static_cast<std::size_t>(plan_.peak);
  const auto ramp_limit = std::chrono::duration<double>(plan_.peak / plan_.rate) + kRampSlack;
  const bool greeted_all =
      all_opened && std::none_of(clients_.begin(), clients_.end(), [](const auto& c) {
        return c->state() == ChurnClient::State::kWaiting;
      });
  if (stopping_ || greeted_all || now - phase_since_ > ramp_limit) {
    enter(Phase::kHold, now);
  }
}

void Churn::close_some(TimePoint now, double dt) {
  budget_ += 2 * plan_.rate * dt;
  while (budget_ >= 1 && cursor_ < clients_.size()) {
    ChurnClient& c = *clients_[cursor_++];
    if (c.state() != ChurnClient::State::kWelcomed) continue;
    budget_ -= 1;
    c.leave(now);
  }
  if (cursor_ < clients_.size() || !all_done()) return;
  ++stats_.waves;
  if (!first_wave_done_) first_wave_done_ = now;
  clients_.clear();
  enter(Phase::kRest, now);
}

void Churn::check_deadlines(TimePoint now) {
  for (auto& c : clients_) {
    const auto age = now - c->since();
    switch (c->state()) {
      case ChurnClient::State::kWaiting:
        if (age > kGreetWithin) c->fail("no greeting or refusal within 15 s");
        break;
      case ChurnClient::State::kRefused:
        if (age > kCloseWithin) c->fail("not closed within 10 s of its refusal");
        break;
      case ChurnClient::State::kQuitting:
        if (age > kCloseWithin) c->fail("/quit not answered and closed within 10 s");
        break;
      default:
        break;
    }
  }
}

bool Churn::all_done() const {
  return std::all_of(clients_.begin(), clients_.end(),
                     [](const auto& c) { return c->state() == ChurnClient::State::kDone; });
}

void Churn::enter(Phase phase, TimePoint now) {
  phase_ = phase;
  phase_since_ = now;
  budget_ = 0;
  cursor_ = 0;
}

}  // namespace soak
