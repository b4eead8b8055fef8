// Line assembly with the 512-byte body limit.
#include "daemon/irc/irc_lines.h"

#include "daemon/chat/sanitize.h"
#include "daemon/irc/irc_text.h"

namespace chatd::irc {

std::size_t IrcLines::room_after(std::string_view head) {
  return head.size() + 2 >= kMaxLineBody ? 0 : kMaxLineBody - head.size() - 2;
}

void IrcLines::start_line() {
  if (tags_.empty()) return;
  buf_.push_back('@');
  buf_.append(tags_);
  buf_.push_back(' ');
}

void IrcLines::add(std::string_view head, std::string_view trailing) {
  start_line();
  buf_.append(head);
  buf_.append(std::string_view(" :"));
  buf_.append(cut_utf8(trailing, room_after(head)));
  buf_.append(std::string_view("\r\n"));
}

void IrcLines::add_framed(std::string_view head, std::string_view open, std::string_view text,
                          std::string_view close) {
  const std::size_t room = room_after(head);
  const std::size_t frame = open.size() + close.size();
  start_line();
  buf_.append(head);
  buf_.append(std::string_view(" :"));
  buf_.append(open);
  buf_.append(cut_utf8(text, room > frame ? room - frame : 0));
  buf_.append(close);
  buf_.append(std::string_view("\r\n"));
}

void IrcLines::add(std::string_view head) {
  start_line();
  buf_.append(cut_utf8(head, kMaxLineBody));
  buf_.append(std::string_view("\r\n"));
}

reactor::MessageRef IrcLines::message() const {
  if (empty()) return {};
  return reactor::MessageRef(reactor::Message::create({buf_.data(), buf_.size()}));
}

std::string echoed(std::string_view word) {
  word = word.substr(0, word.find(' '));
  std::string scratch;
  std::string safe(cut_utf8(sanitize_text(word, scratch), 64));
  return safe.empty() ? std::string("*") : safe;
}

reactor::MessageRef irc_line(std::string_view head, std::string_view trailing) {
  IrcLines lines;
  lines.add(head, trailing);
  return lines.message();
}

}  // namespace chatd::irc
