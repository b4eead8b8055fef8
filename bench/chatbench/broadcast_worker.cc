// BroadcastWorker: setup (connect, greet, join), sending on schedule, and the
// per-delivery bookkeeping: sequence checks, acknowledgements, latency.
#include "bench/chatbench/broadcast_worker.h"

#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <utility>

#include "bench/chatbench/payload.h"
#include "bench/chatbench/timing.h"

namespace chatd::bench {
namespace {
// An open-loop sender whose server stops reading stops itself past this backlog.
constexpr std::size_t kMaxSenderBacklog = 64 << 20;
constexpr std::size_t kMaxReplyInFailure = 60;
}  // namespace

BroadcastWorker::BroadcastWorker(BroadcastShared& shared, unsigned index)
    : shared_(shared), index_(index), loop_([this] { on_wake(); }) {
  const std::size_t threads = shared.workers.size();
  std::uint32_t receivers = 0;
  for (std::size_t g = index; g < shared.total(); g += threads) {
    Member m;
    m.global = g;
    if (g >= shared.senders) m.receiver_slot = receivers++;
    members_.push_back(std::move(m));
    clients_.push_back(std::make_unique<Client>(
        loop_, *this, static_cast<std::uint32_t>(clients_.size()), shared_.common.tls_context.get(),
        shared_.common.websocket_host()));
    if (g < shared.senders) {
      senders_.push_back(Sender{clients_.back().get(), static_cast<std::uint32_t>(g)});
    }
  }
  next_seq_.assign(std::size_t{receivers} * shared.senders, 0);
  totals_.per_sender.assign(shared.senders, {});
  if (shared.acks) ack_counts_.assign(shared.senders * shared.acks->window(), 0);
  wake_.assign(threads, false);
  scratch_.resize(shared.opt.size);
  uv_prepare_init(loop_.uv(), &prepare_);
  uv_check_init(loop_.uv(), &check_);
  prepare_.data = check_.data = timer_poll_.data = this;
  if (shared.opt.open_loop()) {
    timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (timer_fd_ < 0) throw std::runtime_error("timerfd_create failed");
    uv_poll_init(loop_.uv(), &timer_poll_, timer_fd_);
  }
}

BroadcastWorker::~BroadcastWorker() {
  if (!stopping_) stop();
  loop_.run();
  if (timer_fd_ >= 0) close(timer_fd_);
}

void BroadcastWorker::run() {
  uv_prepare_start(&prepare_,
                   [](uv_prepare_t* p) { static_cast<BroadcastWorker*>(p->data)->on_prepare(); });
  uv_check_start(&check_,
                 [](uv_check_t* c) { static_cast<BroadcastWorker*>(c->data)->on_check(); });
  start_connects();
  loop_.run();
}

// ---- setup ---------------------------------------------------------------------------------

void BroadcastWorker::start_connects() {
  const std::size_t window =
      std::max<std::size_t>(1, shared_.common.connect_window / shared_.workers.size());
  while (!stopping_ && next_connect_ < members_.size() && in_setup_ < window) {
    const std::size_t i = next_connect_++;
    ++in_setup_;
    const int r = clients_[i]->connect(shared_.target_of(members_[i].global),
                                       shared_.common.source_pool.pick(members_[i].global));
    if (r != 0) finish_setup(members_[i], uv_err_name(r));
  }
}

void BroadcastWorker::finish_setup(Member& m, const std::string& failure) {
  --in_setup_;
  if (failure.empty()) {
    m.setup = Setup::kReady;
    shared_.ready.fetch_add(1, std::memory_order_release);
    return;
  }
  m.setup = Setup::kFailed;
  ++totals_.failures[failure];
  shared_.failed.fetch_add(1, std::memory_order_release);
}

void BroadcastWorker::on_connected(Client& c, int status) {
  Member& m = members_[c.index()];
  if (status != 0) {
    finish_setup(m, uv_err_name(status));
    return start_connects();
  }
  const ProtocolSpeaker& speaker = shared_.speakers.of(m.global);
  if (!speaker.greets()) {
    finish_setup(m, {});
    return start_connects();
  }
  m.setup = Setup::kGreeting;
  c.queue(speaker.hello(m.global));
  c.flush();
}

void BroadcastWorker::setup_line(Client& c, Member& m, std::string_view line) {
  const ProtocolSpeaker& speaker = shared_.speakers.of(m.global);
  if (m.setup == Setup::kGreeting) {
    const Greeting g = speaker.greeting(line, m.nick);
    if (g == Greeting::kNotYet) return;
    if (g == Greeting::kRefused) {
      c.close();
      finish_setup(m, "refused: " + std::string(line.substr(0, kMaxReplyInFailure)));
      return start_connects();
    }
    // A Redis publisher need not subscribe; a chatd or IRC sender must be in the room.
    const bool joins = m.global >= shared_.senders || speaker.wire() != Proto::kRedis;
    if (joins) {
      m.setup = Setup::kJoining;
      c.queue(speaker.join_request());
      c.flush();
      return;
    }
  } else if (!speaker.is_join_confirmation(line, m.nick)) {
    return;
  }
  finish_setup(m, {});
  start_connects();
}

void BroadcastWorker::on_lost(Client& c, int status) {
  Member& m = members_[c.index()];
  const std::string why = status == UV_EOF ? "closed by server" : uv_err_name(status);
  if (m.setup == Setup::kReady) {
    ++totals_.disconnected;
    ++totals_.failures["disconnected: " + why];
  } else if (m.setup != Setup::kFailed) {
    finish_setup(m, why);
    start_connects();
  }
}

// ---- receiving -----------------------------------------------------------------------------

void BroadcastWorker::on_read(Client& c, std::size_t bytes, std::uint64_t now) {
  read_now_ = now;
  read_measured_ = now >= shared_.measure_start_ns.load(std::memory_order_relaxed) &&
                   now < shared_.measure_end_ns.load(std::memory_order_relaxed);
  if (read_measured_ && members_[c.index()].global >= shared_.senders) {
    totals_.wire_bytes_measured += bytes;
  }
}

void BroadcastWorker::on_line(Client& c, std::string_view line) {
  Member& m = members_[c.index()];
  if (m.setup != Setup::kReady) return setup_line(c, m, line);
  if (m.global < shared_.senders) return;  // replies and other senders' lines
  const std::string_view payload = ProtocolSpeaker::delivered_payload(line);
  if (!payload.empty()) deliver(m, payload);
}

void BroadcastWorker::deliver(Member& m, std::string_view payload) {
  Stamp st;
  if (!read_payload(payload, st) || st.sender >= shared_.senders) return;
  ++totals_.delivered;
  SenderCounts& from = totals_.per_sender[st.sender];
  ++from.delivered;
  std::uint64_t& next = next_seq_[std::size_t{m.receiver_slot} * shared_.senders + st.sender];
  if (st.seq == next) {
    ++next;
  } else if (st.seq > next) {
    from.gaps += st.seq - next;
    next = st.seq + 1;
  } else {
    ++from.reordered;
  }
  if (shared_.acks) record_ack(st.sender, st.seq);
  if (!read_measured_) return;
  ++totals_.delivered_measured;
  const std::uint64_t now = read_now_ - shared_.epoch_ns;
  const std::uint64_t latency = now > st.scheduled_ns ? now - st.scheduled_ns : 0;
  latency_.record(latency);
  if (shared_.nodes > 1) {
    // Senders are clients 0..S-1, so a sender's client number is its id.
    const bool same = m.global % shared_.nodes == st.sender % shared_.nodes;
    (same ? same_node_ : cross_node_).record(latency);
  }
  if (shared_.opt.open_loop()) uncorrected_.record(now > st.sent_ns ? now - st.sent_ns : 0);
}

void BroadcastWorker::record_ack(std::uint32_t sender, std::uint64_t seq) {
  const std::size_t slot = shared_.acks->slot(sender, seq);
  if (ack_counts_[slot]++ == 0) ack_touched_.push_back(slot);
}

// After each round of I/O: hand this iteration's receipts to the shared windows,
// once per message rather than once per delivery, and wake the senders' threads.
void BroadcastWorker::on_check() {
  for (const std::size_t slot : ack_touched_) {
    const std::uint32_t n = std::exchange(ack_counts_[slot], 0);
    const std::size_t owner = (slot / shared_.acks->window()) % shared_.workers.size();
    if (shared_.acks->add(slot, n) && owner != index_) wake_[owner] = true;
  }
  ack_touched_.clear();
  for (std::size_t w = 0; w < wake_.size(); ++w) {
    if (wake_[w]) shared_.workers[w]->wake();
    wake_[w] = false;
  }
  publish();
}

void BroadcastWorker::publish() {
  published_sent.store(totals_.sent, std::memory_order_relaxed);
  published_delivered.store(totals_.delivered, std::memory_order_relaxed);
  published_done_sending.store(done_sending(), std::memory_order_release);
}

// Closed loop: a prepare hook that starts at or after the end sends nothing.
// Open loop: a message due before the end may still wait for its timer.
bool BroadcastWorker::done_sending() const {
  if (stopping_) return true;
  const std::uint64_t end = shared_.measure_end_ns.load(std::memory_order_relaxed);
  if (end == 0 || now_ns() < end) return false;
  if (!shared_.opt.open_loop()) return true;
  return std::all_of(senders_.begin(), senders_.end(), [&](const Sender& s) {
    return s.stopped || !s.client->is_open() || s.next_due_ns >= end;
  });
}

// ---- sending -------------------------------------------------------------------------------

void BroadcastWorker::on_wake() {
  const Phase phase = shared_.phase.load(std::memory_order_acquire);
  if (phase == Phase::kStop && !stopping_) return stop();
  if (phase == Phase::kRunning && !sending_) begin_sending();
  publish();
}

void BroadcastWorker::begin_sending() {
  sending_ = true;
  if (!shared_.opt.open_loop()) return;  // the prepare hook sends
  const double per_sender = shared_.opt.rate / static_cast<double>(shared_.senders);
  const auto interval = static_cast<std::uint64_t>(static_cast<double>(kNsPerSec) / per_sender);
  const std::uint64_t start = shared_.send_start_ns.load();
  for (Sender& s : senders_) {
    s.interval_ns = std::max<std::uint64_t>(1, interval);
    s.next_due_ns = start + s.interval_ns * s.id / shared_.senders;  // staggered
  }
  uv_poll_start(&timer_poll_, UV_READABLE,
                [](uv_poll_t* p, int, int) { static_cast<BroadcastWorker*>(p->data)->on_timer(); });
  arm_timer();
}

// Closed loop: before the loop sleeps, every sender tops its window up.
void BroadcastWorker::on_prepare() {
  if (!sending_ || stopping_ || shared_.opt.open_loop()) return;
  const std::uint64_t now = now_ns();
  const std::uint64_t end = shared_.measure_end_ns.load(std::memory_order_relaxed);
  const std::size_t window = shared_.acks->window();
  for (Sender& s : senders_) {
    s.acked = shared_.acks->advance(s.id, s.acked, s.sent);
    if (now >= end || !s.client->is_open()) continue;
    while (s.sent - s.acked < window)
      send_one(s, now, now);
    s.client->flush();
  }
  publish();
}

// Open loop: every message due by now leaves now, stamped with the time it was
// due, so a server that makes senders wait is charged for the wait (wrk2's
// coordinated-omission correction).
void BroadcastWorker::on_timer() {
  std::uint64_t expirations = 0;
  if (read(timer_fd_, &expirations, sizeof expirations) < 0) expirations = 0;
  const std::uint64_t now = now_ns();
  const std::uint64_t end = shared_.measure_end_ns.load(std::memory_order_relaxed);
  for (Sender& s : senders_) {
    if (s.stopped || !s.client->is_open()) continue;
    for (; s.next_due_ns <= now && s.next_due_ns < end; s.next_due_ns += s.interval_ns)
      send_one(s, s.next_due_ns, now);
    if (s.client->unsent_bytes() > kMaxSenderBacklog) {
      s.stopped = true;
      totals_.sender_overflow = true;
    }
    s.client->flush();
  }
  publish();
  arm_timer();
}

void BroadcastWorker::arm_timer() {
  const std::uint64_t end = shared_.measure_end_ns.load(std::memory_order_relaxed);
  std::uint64_t next = std::numeric_limits<std::uint64_t>::max();
  for (const Sender& s : senders_) {
    if (!s.stopped && s.client->is_open() && s.next_due_ns < end) {
      next = std::min(next, s.next_due_ns);
    }
  }
  itimerspec when{};
  if (next != std::numeric_limits<std::uint64_t>::max()) {
    when.it_value.tv_sec = static_cast<time_t>(next / kNsPerSec);
    when.it_value.tv_nsec = static_cast<long>(next % kNsPerSec);
  }
  timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &when, nullptr);
}

void BroadcastWorker::send_one(Sender& s, std::uint64_t scheduled_ns, std::uint64_t now) {
  const Stamp st{s.id, s.sent, scheduled_ns - shared_.epoch_ns, now - shared_.epoch_ns};
  write_payload(st, scratch_.data(), scratch_.size());
  shared_.speakers.of(s.id).append_publish(scratch_, s.client->pending());
  ++s.sent;
  ++totals_.sent;
  ++totals_.per_sender[s.id].sent;
  if (scheduled_ns >= shared_.measure_start_ns.load(std::memory_order_relaxed) &&
      scheduled_ns < shared_.measure_end_ns.load(std::memory_order_relaxed)) {
    ++totals_.sent_measured;
  }
}

void BroadcastWorker::stop() {
  stopping_ = true;
  for (auto& c : clients_)
    c->close();
  uv_close(reinterpret_cast<uv_handle_t*>(&prepare_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&check_), nullptr);
  if (timer_fd_ >= 0) uv_close(reinterpret_cast<uv_handle_t*>(&timer_poll_), nullptr);
  loop_.close_wakeups();
  publish();
}

}  // namespace chatd::bench
