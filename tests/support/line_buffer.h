// The receiving half every line-wise test client shares: bytes in, lines out, and the last
// lines received remembered for failure messages. No sockets here; LineClient and
// TlsLineClient feed it whatever their transport delivered.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chatd::test {

class LineBuffer {
 public:
  void append(std::string_view bytes);

  // The next complete line, with its CRLF (or bare LF) stripped unless `keep_line_ending`.
  // Once `peer_closed`, bytes left after the last newline come back as a final line.
  std::optional<std::string> next(bool peer_closed, bool keep_line_ending = false);

  // "  skipped lines (N): ...  last N lines received: ..." for a client's diagnostics().
  std::string describe(const std::vector<std::string>& skipped) const;

 private:
  void remember(const std::string& line);

  std::string in_;  // received bytes; in_[pos_..] not yet returned as lines
  std::size_t pos_ = 0;
  std::deque<std::string> recent_;
};

}  // namespace chatd::test
