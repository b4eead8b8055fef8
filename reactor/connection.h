// Connection: one accepted TCP client. Owns its uv_tcp_t (embedded, so a
// connection is one allocation), frames what it reads into lines for its
// handler, and queues shared messages for the loop to flush before it sleeps.
//
// The transport is TCP, or TLS when its listener has a certificate: then a
// TlsSession sits between the socket and the framer, and between the queue of
// shared plaintext and the socket. Framing and queueing above it are the same.
//
// The framing is lines, or WebSocket frames after upgrade_to_websocket(): each
// text message's lines reach the handler as lines, and each block sent goes
// out as its WebSocket form (one text frame per line, framed once per block).
#pragma once

#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "reactor/address.h"
#include "reactor/close_reason.h"
#include "reactor/intrusive_list.h"
#include "reactor/line_framer.h"
#include "reactor/loop_stats.h"
#include "reactor/message.h"
#include "reactor/output_queue.h"
#include "reactor/telnet_filter.h"
#include "reactor/tls/tls_session.h"
#include "reactor/websocket/websocket_frame.h"
#include "reactor/websocket/websocket_state.h"

namespace chatd::reactor {

class ConnectionHandler;
class ListenerHandler;
class Loop;
struct ActivityTag;
struct DirtyTag;

// Lifetime: created by a Listener, open until close(), then closing until libuv's
// close callback deletes it. close() is idempotent. Nothing calls back into a
// handler after its on_close().
//
// send() never writes and never closes, so a room can fan a message out over its
// members without guards; writes happen in Loop::before_sleep(), and a connection
// whose queue passes output_limit is closed there too (kSlowConsumer).
class Connection : public ListHook<ActivityTag>, public ListHook<DirtyTag> {
 public:
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void set_handler(ConnectionHandler* handler) { handler_ = handler; }
  // Which of the loop's traffic counters (LoopStats::traffic) this connection's
  // bytes go to: the owner's classification, below kTrafficClasses.
  void set_traffic_class(std::uint8_t c) { traffic_class_ = c; }
  const PeerAddress& peer() const { return peer_; }
  // The client's address as a trusted proxy told it (an HTTP X-Forwarded-For),
  // for the owner's limits and logs from now on.
  void set_peer(const PeerAddress& client) { peer_ = client; }
  Loop& loop() const { return loop_; }

  // Queues a reference to `m`; the bytes leave in this loop iteration if the
  // kernel takes them. Dropped silently once the connection is closing.
  void send(MessageRef m);
  // Closes now: the handler's on_close runs before this returns; queued output
  // that has not reached the kernel is discarded.
  void close(CloseReason why);
  // A graceful close: lines stop reaching the handler, the queued output is
  // written, then a FIN is sent and the connection closes (kByServer) as soon as
  // the peer's kernel has acknowledged all of it or the peer closes its side,
  // and after limits().drain_timeout_ms at the latest.
  // Input is read and discarded meanwhile: closing a socket with unread input
  // would make the kernel reset it and drop the end of the goodbye.
  // A WebSocket connection sends a Close frame with `goodbye` after its output.
  void close_when_drained(WsClose goodbye = WsClose::kNormal);
  // Writes `m` right now if that cannot split another line, and drops it
  // otherwise. For a last word to a client that is being cut off.
  void try_write_now(const MessageRef& m);

  // Flood control: stop and restart reading. Lines already received but not yet
  // handed to the handler wait, in order, until reading resumes.
  void pause_reading();
  void resume_reading();

  // Lines longer than `n` bytes are refused (on_line_too_long) instead of the
  // loop-wide limits().max_line_bytes; 0 goes back to that. For a protocol with
  // a line limit of its own.
  void set_max_line_bytes(std::size_t n) { max_line_bytes_ = static_cast<std::uint32_t>(n); }
  // Telnet negotiation is taken out of the input unless this is turned off, for
  // a protocol whose clients never speak telnet.
  void set_telnet_filter(bool on) { telnet_on_ = on; }
  // From the next byte read, the peer speaks WebSocket (RFC 6455): call it
  // right after queueing the 101 answer (from the handler's on_line, the
  // bytes after that line are frames already). Text messages reach the handler as
  // lines (a message of several lines as several), limited by the line limit
  // (0 again: the loop's); pings are answered, a Close is echoed, a broken
  // frame gets a Close with its code (reported as kProtocolError), and a peer
  // quiet for limits().websocket_ping_ms is pinged, then closed (kPingTimeout)
  // if it stays quiet.
  void upgrade_to_websocket();
  bool is_websocket() const { return ws_ != nullptr; }
  // Why the last WebSocket frame was refused, for a log line.
  std::string_view websocket_error() const;
  // Calls the handler's on_output_drained() once, the next time the queued
  // output is down to `low_water` bytes or less (the next flush, if it already
  // is). A long reply can then be produced as fast as the peer reads it, and
  // never pile up in the queue.
  void notify_when_drained(std::size_t low_water);

  // TLS: whether the connection is encrypted, and OpenSSL's reason when the
  // handshake or a record failed.
  bool is_encrypted() const { return tls_ != nullptr; }
  // A PROXY v2 header said the proxy took TLS from the client.
  bool is_secured_by_proxy() const { return secured_by_proxy_; }
  std::string_view transport_error() const {
    return tls_ ? std::string_view(tls_->error()) : std::string_view();
  }

  bool is_open() const { return state_ == State::kOpen; }
  // The handler has had on_ready(): the protocol may speak.
  bool is_ready() const { return ready_; }
  bool is_draining() const { return draining_; }
  bool is_reading_paused() const { return reading_paused_; }
  // Output not yet in the kernel: plaintext, and ciphertext on TLS.
  std::size_t queued_bytes() const { return out_.bytes() + (tls_ ? tls_->wire().bytes() : 0); }
  // How long output has been waiting: since the queue was last empty.
  std::uint64_t backlog_ms() const;

 private:
  friend class Listener;
  friend class Loop;
  enum class State : std::uint8_t { kOpen, kClosing };

  explicit Connection(Loop& loop);
  ~Connection() = default;

  static void on_alloc(uv_handle_t* h, std::size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf);
  static void on_write(uv_write_t* req, int status);
  static void on_shutdown(uv_shutdown_t* req, int status);
  // After our FIN: whether the peer's kernel has every byte we sent.
  bool farewell_acknowledged();
  void on_peer_eof();
  void finish_drain();
  // From the listener: a TLS session if `tls`, the owner's on_accept, on_ready
  // at once on TCP, and reading.
  void start(ListenerHandler& owner, const std::shared_ptr<const TlsContext>& tls);
  void await_proxy_header(ListenerHandler& owner, std::shared_ptr<const TlsContext> tls);
  void read_proxy_header(const char* data, std::size_t n);
  void handle_bytes(char* data, std::size_t n);
  void handle_lines(char* data, std::size_t n);
  void handle_frames(char* data, std::size_t n);
  // Queues `m` as it is (WebSocket control frames, or any block on a line
  // connection); send() queues a block's WebSocket form on a WebSocket.
  void push(MessageRef m);
  void send_frame(MessageRef frame) { push(std::move(frame)); }
  // Queues the Close frame: nothing is sent after it.
  void send_close_frame(MessageRef frame);
  // try_write_now() of `m` as it is. Nothing is written after a write the
  // kernel took only part of: the peer would read the next bytes as its rest.
  void try_write_raw(const MessageRef& m);
  void handle_plaintext(char* data, std::size_t n);
  void read_tls(const char* data, std::size_t n);
  void become_ready();
  void resume_handshake();
  void write_alert();
  bool seal_output();
  // Waiting for a PROXY header or a TLS handshake: in the loop's handshaking list.
  bool in_handshake() const { return handshaking_; }
  // Whether a line sent now can reach the peer: not before a TLS handshake.
  bool can_speak() const { return !tls_ || ready_; }
  // What goes to the socket: the plaintext queue on TCP, the ciphertext on TLS.
  OutputQueue& wire() { return tls_ ? tls_->wire() : out_; }
  void flush();
  void write_remainder();
  void defer_close(CloseReason why);
  void check_output_limits();
  void check_drained();
  void input_done();
  std::size_t max_line_bytes() const;
  // Called by the loop before it sleeps: runs a deferred close, or flushes.
  bool has_deferred_close() const { return close_deferred_; }
  void run_deferred_close() { close(deferred_reason_); }
  TrafficStats& traffic();
  uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&tcp_); }
  uv_handle_t* handle() { return reinterpret_cast<uv_handle_t*>(&tcp_); }

  uv_tcp_t tcp_;
  // Only while the kernel's buffer is full: most connections never need one,
  // and an idle connection should not carry its 192 bytes.
  uv_write_t* write_req_ = nullptr;
  Loop& loop_;
  ConnectionHandler* handler_ = nullptr;
  OutputQueue out_;
  std::unique_ptr<TlsSession> tls_;     // null on TCP
  std::unique_ptr<WebSocketState> ws_;  // null until upgrade_to_websocket()
  // Until a +proxy connection's header is in: its listener's owner and TLS
  // context, and the header's bytes so far.
  struct ProxyWait {
    ListenerHandler* owner;
    std::shared_ptr<const TlsContext> tls;
    std::string bytes;
  };
  std::unique_ptr<ProxyWait> proxy_wait_;
  LineFramer framer_;
  // Bytes read but not framed while reading is paused: rare (flood control), so
  // a pointer rather than a string in every connection.
  std::unique_ptr<std::string> paused_tail_;
  PeerAddress peer_;
  // Last line received while reading; once draining, the close deadline instead.
  std::uint64_t last_activity_ms_ = 0;
  std::uint64_t behind_since_ms_ = 0;     // when the queue last went from empty to not
  std::uint64_t over_soft_since_ms_ = 0;  // when it went over the soft limit
  std::size_t write_in_flight_ = 0;       // bytes covered by the pending uv_write
  std::uint32_t max_line_bytes_ = 0;      // 0: the loop's limit
  std::uint32_t drain_low_water_ = 0;     // for notify_when_drained()
  TelnetFilter telnet_;
  State state_ = State::kOpen;
  bool draining_ = false;
  bool peer_eof_ = false;          // the peer closed its side; nothing more to read
  bool fin_sent_ = false;          // our side is shut down; nothing more to write
  bool farewell_watched_ = false;  // the loop polls for the peer's acknowledgement
  bool reading_paused_ = false;
  bool over_soft_limit_ = false;
  bool telnet_on_ = true;
  bool drain_notify_ = false;
  bool ready_ = false;
  bool handshaking_ = false;  // in the loop's handshaking list
  bool secured_by_proxy_ = false;
  bool handshake_deferred_ = false;  // waiting for the next turn's handshake budget
  bool torn_write_ = false;          // a try_write_now() left part of its bytes unwritten
  std::uint8_t traffic_class_ = 0;
  std::uint32_t deferred_slot_ = 0;                    // where, in the loop's list of those waiting
  CloseReason drain_reason_ = CloseReason::kByServer;  // reported when a drain ends
  bool close_deferred_ = false;
  CloseReason deferred_reason_ = CloseReason::kByServer;
};

}  // namespace chatd::reactor
