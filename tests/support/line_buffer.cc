// Line splitting for the test clients (see line_buffer.h).
#include "tests/support/line_buffer.h"

namespace chatd::test {
namespace {

constexpr std::size_t kRecentLines = 32;

}  // namespace

void LineBuffer::append(std::string_view bytes) {
  if (pos_ > 0 && pos_ >= in_.size() / 2) {
    in_.erase(0, pos_);
    pos_ = 0;
  }
  in_.append(bytes);
}

std::optional<std::string> LineBuffer::next(bool peer_closed, bool keep_line_ending) {
  const auto nl = in_.find('\n', pos_);
  std::string line;
  if (nl != std::string::npos) {
    line = in_.substr(pos_, nl + 1 - pos_);
    pos_ = nl + 1;
  } else if (peer_closed && pos_ < in_.size()) {
    line = in_.substr(pos_);  // the peer closed after an unterminated last line
    pos_ = in_.size();
  } else {
    return std::nullopt;
  }
  if (pos_ == in_.size()) {
    in_.clear();
    pos_ = 0;
  }
  std::string stripped = line;
  if (!stripped.empty() && stripped.back() == '\n') stripped.pop_back();
  if (!stripped.empty() && stripped.back() == '\r') stripped.pop_back();
  remember(stripped);
  return keep_line_ending ? line : stripped;
}

void LineBuffer::remember(const std::string& line) {
  if (recent_.size() == kRecentLines) recent_.pop_front();
  recent_.push_back(line);
}

std::string LineBuffer::describe(const std::vector<std::string>& skipped) const {
  std::string text;
  if (!skipped.empty()) {
    text += "\n  skipped lines (" + std::to_string(skipped.size()) + "):";
    const std::size_t from = skipped.size() > kRecentLines ? skipped.size() - kRecentLines : 0;
    for (std::size_t i = from; i < skipped.size(); ++i)
      text += "\n    | " + skipped[i];
  }
  text += "\n  last " + std::to_string(recent_.size()) + " lines received:";
  for (const auto& line : recent_)
    text += "\n    | " + line;
  return text;
}

}  // namespace chatd::test
