// Allocation of shared outgoing lines.
#include "reactor/message.h"

#include <cstring>
#include <new>

#include "reactor/websocket/websocket_frame.h"

namespace chatd::reactor {

Message* Message::create_uninitialized(std::size_t size) {
  void* block = ::operator new(sizeof(Message) + size);
  auto* m = new (block) Message(static_cast<std::uint32_t>(size));
  ++live_.blocks;
  live_.bytes += size;
  ++live_.refs;
  return m;
}

Message* Message::create(std::string_view bytes, std::string_view suffix) {
  Message* m = create_uninitialized(bytes.size() + suffix.size());
  char* out = m->mutable_data();
  // memcpy from an empty view's null data() is undefined, even for 0 bytes.
  if (!bytes.empty()) std::memcpy(out, bytes.data(), bytes.size());
  if (!suffix.empty()) std::memcpy(out + bytes.size(), suffix.data(), suffix.size());
  return m;
}

const Message& Message::websocket_form() const {
  if (websocket_form_ == nullptr) websocket_form_ = frame_text_lines({data(), size_});
  return *websocket_form_;
}

void Message::destroy() {
  if (websocket_form_ != nullptr) websocket_form_->release();
  --live_.blocks;
  live_.bytes -= size_;
  ::operator delete(this);
}

MessageRef make_line(std::string_view line) {
  return MessageRef(Message::create(line, "\r\n"));
}

}  // namespace chatd::reactor
