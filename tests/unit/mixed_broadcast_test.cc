// The zero-copy promise across protocols: a line said to a room of 1,000 users, half IRC
// (some with server-time) and half plain (some of them browsers on the web front end), costs
// one allocation per rendering variant (the browsers' is the plain block's WebSocket form,
// framed once), and every recipient of a variant queues a reference to the same bytes.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "daemon/chat/chat.h"
#include "daemon/chat/render_cache.h"
#include "daemon/irc/irc_render.h"
#include "daemon/plain/plain_render.h"
#include "reactor/output_queue.h"
#include "tests/unit/allocation_counter.h"

namespace chatd {
namespace {

constexpr std::size_t kMembers = 1000;

// A user that renders as its front end would and queues the result, as a connection does.
class QueuingUser final : public User {
 public:
  // `browser`: a plain user on a WebSocket, queueing the blocks' framed form as its
  // connection does.
  QueuingUser(Protocol p, irc::Caps caps, bool browser = false)
      : User(p, "~u", "5f0c1e7a92b3.ip", "name", 0), caps_(caps), browser_(browser) {
    drain();
  }

  void deliver(RenderCache& cache) override {
    const Event& e = cache.event();
    if (e.actor == this) return;
    if (protocol() == Protocol::kPlain) {
      if (const auto& m = cache.get(variant::kPlain, render_plain)) {
        out_.push(browser_ ? m.websocket_form() : m);
      }
      return;
    }
    const irc::IrcVariant v = irc::variant_for(e, caps_);
    const auto& m =
        cache.get(irc::slot_of(v), [v](const Event& ev) { return irc::render_irc(ev, v); });
    if (m) out_.push(m);
  }

  // The block queued last, and the bytes queued.
  const char* last_block() const {
    uv_buf_t bufs[64];
    const std::size_t n = out_.fill(bufs, 64);
    return n == 0 ? nullptr : bufs[n - 1].base;
  }
  std::size_t queued() const { return out_.bytes(); }
  // Empties the queue, leaving it a small array as a live connection's keeps once used.
  void drain() {
    out_.consume(out_.bytes());
    out_.push(reactor::make_line("warm-up"));
    out_.consume(out_.bytes());
  }

 private:
  irc::Caps caps_;
  bool browser_;
  reactor::OutputQueue out_;
};

class MixedBroadcast : public ::testing::Test {
 protected:
  void SetUp() override {
    speaker_ = std::make_unique<QueuingUser>(Protocol::kPlain, 0);
    chat_.enter(*speaker_, "speaker");
    chat_.join(*speaker_, "#big", {});
    for (std::size_t i = 0; i < kMembers; ++i) {
      const bool irc = i % 2 == 1;
      const irc::Caps caps = irc && i % 4 == 1 ? irc::kServerTime : 0;
      const bool browser = i % 4 == 2;
      users_.push_back(
          std::make_unique<QueuingUser>(irc ? Protocol::kIrc : Protocol::kPlain, caps, browser));
      chat_.enter(*users_.back(), "u" + std::to_string(i));
      chat_.join(*users_.back(), "#big", {});
    }
    for (auto& u : users_)
      u->drain();
  }
  void TearDown() override {
    for (auto& u : users_)
      chat_.leave(*u, {}, true, false);
    chat_.leave(*speaker_, {}, true, false);
  }

  // Distinct blocks the members queued last, by protocol.
  std::set<const char*> blocks() const {
    std::set<const char*> out;
    for (const auto& u : users_)
      out.insert(u->last_block());
    return out;
  }

  Chat chat_{Chat::Settings{}};
  std::unique_ptr<QueuingUser> speaker_;
  std::vector<std::unique_ptr<QueuingUser>> users_;
};

TEST_F(MixedBroadcast, OneLineCostsOneAllocationPerVariant) {
  Room& room = *chat_.find_room("#big");
  test::AllocationStats stats;
  {
    test::AllocationCounter counter;
    ASSERT_EQ(chat_.say(*speaker_, room, Event::Kind::kMessage, "hello, everyone"),
              Chat::SayResult::kSent);
    stats = counter.stats();
  }
  // Plain, its WebSocket form, IRC, IRC with server-time.
  EXPECT_EQ(stats.allocations, 4u);
  EXPECT_EQ(blocks().size(), 4u) << "every recipient of a variant queues the same block";
  for (const auto& u : users_)
    EXPECT_GT(u->queued(), 0u);
}

TEST_F(MixedBroadcast, ARunOfLinesCostsOneBlockPerVariantForTheWholeRun) {
  Room& room = *chat_.find_room("#big");
  // The first run sizes the run buffer; the second, measured, reuses it.
  for (int line = 0; line < 20; ++line)
    chat_.say_later(*speaker_, room, Event::Kind::kMessage, "warming up the run buffer");
  chat_.flush_said();
  for (auto& u : users_)
    u->drain();
  test::AllocationStats stats;
  {
    test::AllocationCounter counter;
    for (int line = 0; line < 20; ++line)
      chat_.say_later(*speaker_, room, Event::Kind::kMessage, "line " + std::to_string(line));
    chat_.flush_said();
    stats = counter.stats();
  }
  // Three renderings and the plain one's WebSocket form (a frame per line, one block), the
  // run's list of its lines, and a rendering buffer outgrowing its stack space now and
  // then: never one per recipient (1,000) or per line (20).
  EXPECT_LE(stats.allocations, 9u);
  EXPECT_EQ(blocks().size(), 4u);
  for (const auto& u : users_) {
    const std::size_t per_line = u->protocol() == Protocol::kPlain ? 15 : 40;
    EXPECT_GT(u->queued(), 20 * per_line) << "all 20 lines arrived in the one block";
  }
}

}  // namespace
}  // namespace chatd
