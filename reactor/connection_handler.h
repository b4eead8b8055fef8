// The interface through which a connection's owner (the daemon's session) hears
// about lines and the close. The reactor calls it; it never calls back into libuv.
#pragma once

#include <string_view>

#include "reactor/close_reason.h"

namespace chatd::reactor {

class Connection;

class ConnectionHandler {
 public:
  // The connection carries the protocol now: at once on TCP, once the handshake
  // is done on TLS. Nothing is read before; what is sent before waits.
  virtual void on_ready(Connection&) {}
  // One complete line, without its LF (or CRLF). The view is valid only during
  // the call. The handler may send, pause reading, or close the connection.
  virtual void on_line(Connection& c, std::string_view line) = 0;
  // A line exceeded max_line_bytes; it is being discarded up to its LF.
  virtual void on_line_too_long(Connection& c) = 0;
  // Called exactly once, synchronously inside Connection::close(): after it
  // returns nothing may refer to `c` any more (it is freed once libuv has closed
  // the socket). The handler may still write a best-effort last line.
  virtual void on_close(Connection& c, CloseReason why) = 0;
  // Every line of one read (or of the lines held back by a pause) has been
  // handed over: a handler that gathers what lines produce can let it go now.
  virtual void on_input_done(Connection&) {}
  // The queued output fell to the low-water mark asked for with
  // Connection::notify_when_drained(). The handler may send more.
  virtual void on_output_drained(Connection&) {}

 protected:
  ~ConnectionHandler() = default;
};

}  // namespace chatd::reactor
