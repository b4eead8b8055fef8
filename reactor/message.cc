// Allocation of shared outgoing lines.
#include "reactor/message.h"

#include <cstring>
#include <new>

namespace chatd::reactor {

Message* Message::create(std::string_view bytes, std::string_view suffix) {
  const std::size_t size = bytes.size() + suffix.size();
  void* block = ::operator new(sizeof(Message) + size);
  auto* m = new (block) Message(static_cast<std::uint32_t>(size));
  ++live_.blocks;
  live_.bytes += size;
  ++live_.refs;
  char* out = reinterpret_cast<char*>(m + 1);
  // memcpy from an empty view's null data() is undefined, even for 0 bytes.
  if (!bytes.empty()) std::memcpy(out, bytes.data(), bytes.size());
  if (!suffix.empty()) std::memcpy(out + bytes.size(), suffix.data(), suffix.size());
  return m;
}

void Message::destroy() {
  --live_.blocks;
  live_.bytes -= size_;
  ::operator delete(this);
}

MessageRef make_line(std::string_view line) {
  return MessageRef(Message::create(line, "\r\n"));
}

}  // namespace chatd::reactor
