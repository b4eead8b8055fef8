// Client: one chatbench TCP connection on a worker's loop. It connects (from a
// chosen source address), frames what it reads into lines for its handler, and
// writes what was queued with at most one uv_write in flight. With TLS, it counts
// as connected once its handshake is done, and what is queued is encrypted at
// flush(). With WebSocket (--proto ws, over TCP or TLS), it counts as connected
// once the server has answered its upgrade; lines are text frames both ways.
#pragma once

#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "bench/chatbench/client_tls.h"
#include "bench/chatbench/client_websocket.h"
#include "reactor/line_framer.h"

namespace chatd::bench {

class Client;
class WorkerLoop;

// Implemented by a scenario's worker. Calls arrive on the worker's thread.
class ClientHandler {
 public:
  // status: 0, or a negative libuv error (the client is then closed).
  virtual void on_connected(Client& c, int status) = 0;
  // Before the lines of one read: how many bytes it brought, and when.
  virtual void on_read(Client& c, std::size_t bytes, std::uint64_t now_ns) = 0;
  virtual void on_line(Client& c, std::string_view line) = 0;
  // The server closed the connection, or a read or write failed (status < 0).
  // The client is closed then, unless it keeps its socket open after EOF.
  virtual void on_lost(Client& c, int status) = 0;

 protected:
  ~ClientHandler() = default;
};

class Client {
 public:
  // `tls`: speak TLS with this context (it must outlive the client); null: TCP.
  // `websocket_host`: upgrade to a WebSocket with this Host (it must outlive
  // the client); null: lines.
  Client(WorkerLoop& loop, ClientHandler& handler, std::uint32_t index,
         const ClientTlsContext* tls = nullptr, const std::string* websocket_host = nullptr);
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Starts connecting to `to` from `from` (may be null). Returns 0, or a negative
  // libuv error (e.g. UV_EMFILE), after which no callback follows.
  int connect(const sockaddr* to, const sockaddr* from);
  // Appends bytes to send; flush() hands them to the kernel.
  void queue(std::string_view bytes) { pending_.append(bytes); }
  std::string& pending() { return pending_; }
  void flush();
  // Idempotent; the client must stay alive until the loop has run its close.
  void close();
  // After the server's FIN, stop reading but leave the socket open, as nc does
  // until its user quits: on_lost(UV_EOF) still reports it.
  void keep_open_after_eof() { keep_open_after_eof_ = true; }

  std::uint32_t index() const { return index_; }
  bool is_open() const { return state_ == State::kConnecting || state_ == State::kOpen; }
  std::size_t unsent_bytes() const {
    return pending_.size() + framed_.size() + cipher_.size() + in_flight_.size();
  }

 private:
  enum class State : std::uint8_t { kIdle, kConnecting, kOpen, kClosing, kClosed };

  static void on_connect(uv_connect_t* req, int status);
  static void on_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf);
  static void on_write(uv_write_t* req, int status);
  void fail(int status);
  void read_tls(const char* data, std::size_t n);
  // TCP connected, TLS handshake done: a WebSocket sends its upgrade, others are connected.
  void transport_ready();
  void frame(const char* data, std::size_t n);
  void read_websocket(const char* data, std::size_t n);
  void write_out();
  uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&tcp_); }

  uv_tcp_t tcp_;
  uv_connect_t connect_req_;
  uv_write_t write_req_;
  WorkerLoop& loop_;
  ClientHandler& handler_;
  reactor::LineFramer framer_;
  bool keep_open_after_eof_ = false;
  std::string pending_;  // queued, not yet handed to the kernel or libuv
  const ClientTlsContext* tls_context_;
  std::unique_ptr<ClientTls> tls_;
  std::string cipher_;     // TLS: encrypted, not yet handed to the kernel or libuv
  std::string plain_;      // TLS: decrypted from one read
  std::string in_flight_;  // owned by the uv_write in flight
  const std::string* websocket_host_;
  std::unique_ptr<ClientWebSocket> ws_;
  std::string framed_;  // WebSocket: the upgrade, then pending_ as frames, not yet sent
  std::uint32_t index_;
  State state_ = State::kIdle;
};

}  // namespace chatd::bench
