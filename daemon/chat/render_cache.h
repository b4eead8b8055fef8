// RenderCache: the renderings of one event, each made the first time a recipient
// needs it and shared by reference with every other recipient of that variant.
// A broadcast to 10,000 users in a mix of protocols formats a handful of blocks.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "daemon/chat/event.h"
#include "reactor/message.h"

namespace chatd {

// The slots each front end renders into. A variant is one way of showing an
// event: plain text; IRC with or without server-time, client tags or
// extended-join; the few users an event is about (a kick's target) may get
// their own.
namespace variant {
inline constexpr std::size_t kPlain = 0;
inline constexpr std::size_t kPlainSubject = 1;
inline constexpr std::size_t kIrcFirst = 2;
inline constexpr std::size_t kIrcCount = 8;
inline constexpr std::size_t kCount = kIrcFirst + kIrcCount;
}  // namespace variant

class RenderCache {
 public:
  explicit RenderCache(const Event& e) : event_(e) {}
  RenderCache(const RenderCache&) = delete;
  RenderCache& operator=(const RenderCache&) = delete;

  const Event& event() const { return event_; }

  // The rendering in slot `v`, made by render(event()) the first time. An empty
  // MessageRef ("nothing to show") is remembered too.
  template <class Render>
  const reactor::MessageRef& get(std::size_t v, Render&& render) {
    const auto bit = static_cast<std::uint16_t>(1u << v);
    if ((made_ & bit) == 0) {
      slots_[v] = render(event_);
      made_ |= bit;
    }
    return slots_[v];
  }

  // How many renderings were made: the allocation count of a broadcast.
  int renderings() const { return std::popcount(made_); }

 private:
  const Event& event_;
  std::array<reactor::MessageRef, variant::kCount> slots_;
  std::uint16_t made_ = 0;
};
static_assert(variant::kCount <= 16, "one bit per slot in made_");

}  // namespace chatd
