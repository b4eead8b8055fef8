// TlsSession: one connection's TLS, between its socket and its plaintext. It
// reads ciphertext from wherever the socket's bytes already are (the loop's
// read buffer) through a BIO that copies nothing in, and writes ciphertext as
// unshared blocks onto its own queue, which the connection writes like any
// other output. Plaintext stays in the connection's queue, shared by reference,
// until seal() encrypts up to one record's worth of it.
//
//   socket -> read buffer -> [BIO read] SSL_read -> plaintext buffer -> framer
//   queue of shared lines -> gather <= 16 KiB -> SSL_write -> [BIO write] -> wire()
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "reactor/output_queue.h"
#include "reactor/tls/tls_context.h"

using SSL = struct ssl_st;
struct bio_st;
struct bio_method_st;

namespace chatd::reactor {

class TlsSession {
 public:
  // The most plaintext one record carries, and so one seal() gathers.
  static constexpr std::size_t kRecordBytes = 16384;

  explicit TlsSession(const TlsContext& context);
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  enum class Step {
    kOk,          // all input taken; plaintext, if any, handed over
    kPeerClosed,  // the peer sent close_notify
    kFailed,      // a handshake or record error: error() says which
    kStopped,     // a callback returned false (the connection closed)
  };

  // Takes `n` bytes of ciphertext. When they complete the handshake, calls
  // `on_ready()` first; then hands each run of plaintext, in `plain`, to
  // `sink(char*, size_t)`, which may change it in place. Either returns false to
  // stop. `plain` holds kRecordBytes.
  template <class OnReady, class Sink>
  Step read(const char* data, std::size_t n, char* plain, OnReady&& on_ready, Sink&& sink);

  // Encrypts the first min(plain.bytes(), kRecordBytes) bytes of `plain` into
  // wire() and consumes them; `scratch` holds at least kRecordBytes. False on
  // an error (error() says which). Only after the handshake.
  bool seal(OutputQueue& plain, char* scratch);
  // Encrypts `bytes` at once, whatever else is queued: for a last word.
  bool seal_now(std::string_view bytes);
  // Queues a close_notify alert, once.
  void send_close_notify();

  bool handshake_done() const { return handshake_done_; }
  bool close_notify_sent() const { return close_notify_sent_; }
  OutputQueue& wire() { return wire_; }
  const OutputQueue& wire() const { return wire_; }
  const std::string& error() const { return error_; }

  // Ciphertext that arrived while handshakes were over their budget, kept for
  // the next loop turn (a ClientHello: a few hundred bytes).
  void hold(const char* data, std::size_t n);
  std::unique_ptr<std::string> take_held() { return std::move(held_); }
  std::size_t held_bytes() const { return held_ ? held_->size() : 0; }

 private:
  static int bio_write(struct bio_st* bio, const char* data, int n);
  static int bio_read(struct bio_st* bio, char* out, int n);
  static struct bio_method_st* bio_method();
  // One handshake step or SSL_read.
  enum class Progress { kNeedInput, kHandshook, kPlaintext, kPeerClosed, kFailed };
  Progress read_some(char* plain, std::size_t& got);
  void fail(std::string_view what);

  SSL* ssl_;
  const char* in_ = nullptr;  // ciphertext not yet taken by OpenSSL
  std::size_t in_left_ = 0;
  OutputQueue wire_;
  std::unique_ptr<std::string> held_;
  std::string error_;
  bool handshake_done_ = false;
  bool close_notify_sent_ = false;
};

template <class OnReady, class Sink>
TlsSession::Step TlsSession::read(const char* data, std::size_t n, char* plain, OnReady&& on_ready,
                                  Sink&& sink) {
  in_ = data;
  in_left_ = n;
  Step result = Step::kOk;
  for (bool more = true; more;) {
    std::size_t got = 0;
    switch (read_some(plain, got)) {
      case Progress::kNeedInput:
        more = false;
        break;
      case Progress::kHandshook:
        if (!on_ready()) result = Step::kStopped;
        break;
      case Progress::kPlaintext:
        if (!sink(plain, got)) result = Step::kStopped;
        break;
      case Progress::kPeerClosed:
        result = Step::kPeerClosed;
        break;
      case Progress::kFailed:
        result = Step::kFailed;
        break;
    }
    if (result != Step::kOk) more = false;
  }
  in_ = nullptr;
  in_left_ = 0;
  return result;
}

}  // namespace chatd::reactor
