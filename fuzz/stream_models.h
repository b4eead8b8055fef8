// Reference models of the two stream stages, written from the contracts in
// reactor/telnet_filter.h and reactor/line_framer.h, for the fuzz target to compare with.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace chatd::fuzz {

// What TelnetFilter keeps of `sent` when given all of it at once, computed by
// parsing whole sequences instead of stepping a state machine per byte.
std::string model_telnet(std::string_view sent);

struct FramerEvent {
  bool overlong;
  std::string_view line;  // !overlong: the line without CR/LF, a view into the stream
};

struct FramerModel {
  std::vector<FramerEvent> events;  // in order, each exactly once
  bool partial = false;             // has_partial_line() at the end
};

// What LineFramer must report for `stream`: every LF-terminated line minus one CR
// before the LF, or one overlong event when that is over `limit`. A trailing partial
// line has been reported already once it is over limit + 1 bytes (one more may be
// a CR); otherwise it is held back.
FramerModel model_framer(std::string_view stream, std::size_t limit);

}  // namespace chatd::fuzz
