// TlsSession: OpenSSL over a BIO of our own. The BIO's read side serves the
// bytes the socket read put in the loop's buffer; its write side turns each
// record OpenSSL produces into one unshared block on the wire queue. Neither
// side ever blocks, so SSL_write always completes and back-pressure is counted
// on the ciphertext queue.
#include "reactor/tls/tls_session.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "reactor/message.h"

namespace chatd::reactor {

BIO_METHOD* TlsSession::bio_method() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "chatd connection");
    BIO_meth_set_write(m, bio_write);
    BIO_meth_set_read(m, bio_read);
    BIO_meth_set_ctrl(
        m, [](BIO*, int cmd, long, void*) -> long { return cmd == BIO_CTRL_FLUSH ? 1 : 0; });
    BIO_meth_set_create(m, [](BIO* b) {
      BIO_set_init(b, 1);
      return 1;
    });
    return m;
  }();
  return method;
}

int TlsSession::bio_write(BIO* bio, const char* data, int n) {
  auto* self = static_cast<TlsSession*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  if (n <= 0) return 0;
  self->wire_.push(MessageRef(Message::create({data, static_cast<std::size_t>(n)})));
  return n;
}

int TlsSession::bio_read(BIO* bio, char* out, int n) {
  auto* self = static_cast<TlsSession*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  if (self->in_left_ == 0) {
    BIO_set_retry_read(bio);
    return -1;
  }
  const std::size_t take = std::min(self->in_left_, static_cast<std::size_t>(std::max(n, 0)));
  std::memcpy(out, self->in_, take);
  self->in_ += take;
  self->in_left_ -= take;
  return static_cast<int>(take);
}

TlsSession::TlsSession(const TlsContext& context) : ssl_(SSL_new(context.native())) {
  BIO* bio = ssl_ != nullptr ? BIO_new(bio_method()) : nullptr;
  if (bio == nullptr) {
    SSL_free(ssl_);
    throw std::runtime_error("cannot start a TLS session: " + take_tls_error());
  }
  BIO_set_data(bio, this);
  SSL_set_bio(ssl_, bio, bio);
  SSL_set_accept_state(ssl_);
}

TlsSession::~TlsSession() {
  SSL_free(ssl_);
}

void TlsSession::fail(std::string_view what) {
  const unsigned long e = ERR_peek_error();
  error_ = std::string(what);
  error_ += ": ";
  error_ += e != 0 ? take_tls_error() : std::string("connection ended");
  ERR_clear_error();
}

TlsSession::Progress TlsSession::read_some(char* plain, std::size_t& got) {
  ERR_clear_error();
  if (!handshake_done_) {
    const int r = SSL_do_handshake(ssl_);
    if (r == 1) {
      handshake_done_ = true;
      return Progress::kHandshook;
    }
    const int e = SSL_get_error(ssl_, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return Progress::kNeedInput;
    fail("handshake");
    return Progress::kFailed;
  }
  const int r = SSL_read(ssl_, plain, static_cast<int>(kRecordBytes));
  if (r > 0) {
    got = static_cast<std::size_t>(r);
    return Progress::kPlaintext;
  }
  switch (SSL_get_error(ssl_, r)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      return Progress::kNeedInput;
    case SSL_ERROR_ZERO_RETURN:
      return Progress::kPeerClosed;
    default:
      fail("record");
      return Progress::kFailed;
  }
}

bool TlsSession::seal(OutputQueue& plain, char* scratch) {
  uv_buf_t bufs[256];
  const std::size_t n = plain.fill(bufs, std::size(bufs));
  std::size_t gathered = 0;
  for (std::size_t i = 0; i < n && gathered < kRecordBytes; ++i) {
    const std::size_t take = std::min<std::size_t>(bufs[i].len, kRecordBytes - gathered);
    std::memcpy(scratch + gathered, bufs[i].base, take);
    gathered += take;
  }
  if (gathered == 0) return true;
  if (!seal_now({scratch, gathered})) return false;
  plain.consume(gathered);
  return true;
}

bool TlsSession::seal_now(std::string_view bytes) {
  ERR_clear_error();
  if (SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())) > 0) return true;
  fail("write");
  return false;
}

void TlsSession::send_close_notify() {
  if (close_notify_sent_) return;
  close_notify_sent_ = true;
  ERR_clear_error();
  SSL_shutdown(ssl_);
  ERR_clear_error();
}

void TlsSession::hold(const char* data, std::size_t n) {
  if (!held_) held_ = std::make_unique<std::string>();
  held_->append(data, n);
}

}  // namespace chatd::reactor
