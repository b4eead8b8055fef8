// An immutable outgoing line, formatted once and referenced by every recipient's
// output queue: the payload of a broadcast exists exactly once in memory.
#pragma once

#include <fmt/format.h>

#include <cassert>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

namespace chatd::reactor {

// Header and bytes in one allocation:
//
//   +-------+-------+-----------------+----------------------------+
//   | refs_ | size_ | websocket_form_ | size_ bytes (ends in CRLF) |
//   +-------+-------+-----------------+----------------------------+
//   ^ Message                           ^ data()
//
// The count is a plain integer: everything runs on the loop's one thread.
// A block of lines has a second form, the same lines as WebSocket text frames,
// made the first time a WebSocket recipient is sent the block: a broadcast is
// then framed once, whatever the number of browsers in the room.

// Every block alive in this process, its bytes and the references to it: refs
// times bytes over blocks is what a copy per recipient would have cost.
struct LiveMessages {
  std::uint64_t blocks = 0;
  std::uint64_t bytes = 0;
  std::uint64_t refs = 0;
};

class Message {
 public:
  Message(const Message&) = delete;
  Message& operator=(const Message&) = delete;

  // Copies `bytes` then `suffix` into a new block holding one reference.
  static Message* create(std::string_view bytes, std::string_view suffix = {});

  const char* data() const { return reinterpret_cast<const char*>(this + 1); }
  std::uint32_t size() const { return size_; }
  std::uint32_t refs() const { return refs_; }

  void retain() {
    assert(refs_ != 0);
    ++refs_;
    ++live_.refs;
  }
  void release() {
    assert(refs_ != 0);
    --live_.refs;
    if (--refs_ == 0) destroy();
  }

  // These lines as WebSocket text frames (one per line): made at the first
  // call, kept with this block and shared by every later caller. A cache, so
  // const: the bytes of this block never change.
  const Message& websocket_form() const;

  static const LiveMessages& live() { return live_; }

 private:
  friend Message* frame_text_lines(std::string_view lines);

  explicit Message(std::uint32_t size) : size_(size) {}
  // A block of `size` bytes for the caller to fill before anyone else sees it.
  static Message* create_uninitialized(std::size_t size);
  char* mutable_data() { return reinterpret_cast<char*>(this + 1); }
  // Out of line: the rare path, and g++ 12's -Wuse-after-free misreads the
  // inlined delete in callers that release several references.
  void destroy();

  // One thread: chatd's loop (and each tool's own single loop).
  inline static LiveMessages live_;

  std::uint32_t refs_ = 1;
  std::uint32_t size_;
  mutable Message* websocket_form_ = nullptr;  // holds one reference
};
static_assert(sizeof(Message) == 16 && std::is_trivially_destructible_v<Message>);

// An 8-byte owning reference: copying retains, destruction releases.
class MessageRef {
 public:
  MessageRef() = default;
  explicit MessageRef(Message* adopted) : m_(adopted) {}
  MessageRef(const MessageRef& o) : m_(o.m_) {
    if (m_) m_->retain();
  }
  MessageRef(MessageRef&& o) noexcept : m_(std::exchange(o.m_, nullptr)) {}
  MessageRef& operator=(MessageRef o) noexcept {
    std::swap(m_, o.m_);
    return *this;
  }
  ~MessageRef() {
    if (m_) m_->release();
  }

  explicit operator bool() const { return m_ != nullptr; }
  const char* data() const { return m_->data(); }
  std::uint32_t size() const { return m_->size(); }
  std::string_view view() const { return {m_->data(), m_->size()}; }
  const Message* get() const { return m_; }
  // A reference to the block's WebSocket form (Message::websocket_form).
  MessageRef websocket_form() const {
    auto& form = const_cast<Message&>(m_->websocket_form());
    form.retain();
    return MessageRef(&form);
  }

 private:
  Message* m_ = nullptr;
};

// Wraps `line` (which must not contain CR or LF) as a protocol line ending in CRLF.
MessageRef make_line(std::string_view line);

// Formats one protocol line into a stack buffer, then copies it once into a Message.
template <typename... Args>
MessageRef format_line(fmt::format_string<Args...> format, Args&&... args) {
  fmt::memory_buffer buf;
  fmt::format_to(std::back_inserter(buf), format, std::forward<Args>(args)...);
  buf.append(std::string_view("\r\n"));
  return MessageRef(Message::create({buf.data(), buf.size()}));
}

}  // namespace chatd::reactor
