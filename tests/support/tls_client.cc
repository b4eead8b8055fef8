// The TLS test client (see tls_client.h): an OpenSSL client session over LineClient's
// non-blocking socket, each SSL_* call retried after a poll() bounded by the caller's deadline.
#include "tests/support/tls_client.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace chatd::test {
namespace {

constexpr std::size_t kMaxClosingLines = 10000;
constexpr int kReadsPerReceive = 64;  // then let the other clients of a poll() loop have a turn

bool wait_fd(int fd, short events, Deadline deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int r = poll(&p, 1, poll_timeout_ms(deadline));
    if (r > 0) return true;
    if (r == 0 || errno != EINTR) return false;
  }
}

// Everything on OpenSSL's error queue, oldest first, emptying it.
std::string openssl_errors() {
  std::string text;
  while (const unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    text += (text.empty() ? "" : "; ") + std::string(buf);
  }
  return text.empty() ? "no OpenSSL error queued" : text;
}

std::string ssl_error_name(int e) {
  switch (e) {
    case SSL_ERROR_ZERO_RETURN:
      return "close_notify";
    case SSL_ERROR_SYSCALL:
      return "SSL_ERROR_SYSCALL";
    case SSL_ERROR_SSL:
      return "SSL_ERROR_SSL";
    default:
      return "SSL error " + std::to_string(e);
  }
}

int protocol_version(TlsVersion v) {
  switch (v) {
    case TlsVersion::k1_1:
      return TLS1_1_VERSION;
    case TlsVersion::k1_2:
      return TLS1_2_VERSION;
    case TlsVersion::k1_3:
      return TLS1_3_VERSION;
    case TlsVersion::kLibraryDefault:
      break;
  }
  return 0;
}

bool is_ip_address(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

std::string sha256_fingerprint(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (cert == nullptr || X509_digest(cert, EVP_sha256(), md, &n) != 1) return "";
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string text;
  for (unsigned int i = 0; i < n; ++i) {
    if (i > 0) text += ':';
    text += kHex[md[i] >> 4];
    text += kHex[md[i] & 0xF];
  }
  return text;
}

// OpenSSL writes to the socket with write(2), which raises SIGPIPE once the server has reset
// the connection; a test must see EPIPE instead. SIGPIPE is blocked in this thread while the
// guard lives, and one it raised is taken off the pending set before it is unblocked.
class NoSigpipe {
 public:
  NoSigpipe() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    was_pending_ = pending();
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~NoSigpipe() {
    if (!was_pending_ && pending()) {
      const timespec zero{};
      sigtimedwait(&pipe_, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  NoSigpipe(const NoSigpipe&) = delete;
  NoSigpipe& operator=(const NoSigpipe&) = delete;

 private:
  bool pending() const {
    sigset_t set;
    sigpending(&set);
    return sigismember(&set, SIGPIPE) == 1;
  }
  sigset_t pipe_;
  sigset_t old_;
  bool was_pending_ = false;
};

}  // namespace

// Heap-allocated so that SSL's app data (this) stays valid when the client is moved.
struct TlsLineClient::Session {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  bool up = false;  // handshake complete
  int tickets = 0;  // sessions with a ticket handed to on_new_session
  std::shared_ptr<SSL_SESSION> latest;
  std::string fingerprint;

  ~Session() {
    if (ssl != nullptr) SSL_free(ssl);
    if (ctx != nullptr) SSL_CTX_free(ctx);
  }

  // A session the server made resumable: in TLS 1.2 at the end of the handshake, in TLS 1.3
  // one per NewSessionTicket after it. Returning 1 keeps the reference.
  static int on_new_session(SSL* ssl, SSL_SESSION* s) {
    auto* self = static_cast<Session*>(SSL_get_app_data(ssl));
    if (SSL_SESSION_has_ticket(s) == 1) ++self->tickets;
    self->latest.reset(s, SSL_SESSION_free);
    return 1;
  }
};

bool TlsSession::resumable() const {
  return session_ != nullptr && SSL_SESSION_is_resumable(session_.get()) == 1;
}

bool TlsSession::has_ticket() const {
  return session_ != nullptr && SSL_SESSION_has_ticket(session_.get()) == 1;
}

TlsOptions trusting(std::string ca_file) {
  TlsOptions o;
  o.ca_file = std::move(ca_file);
  o.verify_name = "localhost";
  o.sni = "localhost";
  return o;
}

// ---- TlsLineClient ------------------------------------------------------------------------

namespace {
ClientOptions tcp_options(const TlsOptions& options) {
  ClientOptions tcp;
  tcp.recv_buffer = options.recv_buffer;
  return tcp;
}
}  // namespace

TlsLineClient::TlsLineClient(std::uint16_t port, TlsOptions options, Deadline deadline)
    : TlsLineClient(port, options, deadline, nullptr) {}

TlsLineClient::TlsLineClient(std::uint16_t port, const TlsOptions& options, Deadline deadline,
                             std::string* handshake_error)
    : tcp_(port, tcp_options(options), deadline) {
  std::string error;
  if (!options.before_handshake.empty() && !tcp_.send_raw(options.before_handshake, deadline)) {
    error = "could not send the bytes before the handshake: " + tcp_.diagnostics();
  }
  start_session(options);
  if (error.empty() && handshake(deadline, error)) return;
  last_failure_ = error;
  if (handshake_error == nullptr) {
    throw std::runtime_error("TLS handshake with 127.0.0.1:" + std::to_string(port) +
                             " failed: " + error);
  }
  *handshake_error = error;
}

TlsAttempt TlsLineClient::attempt(std::uint16_t port, TlsOptions options, Deadline deadline) {
  std::string error;
  TlsLineClient client(port, options, deadline, &error);
  TlsAttempt result;
  if (error.empty()) {
    result.client.emplace(std::move(client));
  } else {
    result.error = std::move(error);
  }
  return result;
}

TlsLineClient::~TlsLineClient() {
  close();
}

TlsLineClient::TlsLineClient(TlsLineClient&& other) noexcept = default;
TlsLineClient& TlsLineClient::operator=(TlsLineClient&& other) noexcept = default;

void TlsLineClient::start_session(const TlsOptions& o) {
  tls_ = std::make_unique<Session>();
  tls_->ctx = SSL_CTX_new(TLS_client_method());
  if (tls_->ctx == nullptr) throw std::runtime_error("SSL_CTX_new: " + openssl_errors());
  SSL_CTX* ctx = tls_->ctx;
  if (o.security_level >= 0) SSL_CTX_set_security_level(ctx, o.security_level);
  if (const int v = protocol_version(o.min_version); v != 0) SSL_CTX_set_min_proto_version(ctx, v);
  if (const int v = protocol_version(o.max_version); v != 0) SSL_CTX_set_max_proto_version(ctx, v);
  if (!o.ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, o.ca_file.c_str(), nullptr) != 1) {
      throw std::runtime_error("cannot load CA file " + o.ca_file + ": " + openssl_errors());
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  }
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(ctx, &Session::on_new_session);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);

  tls_->ssl = SSL_new(ctx);
  if (tls_->ssl == nullptr) throw std::runtime_error("SSL_new: " + openssl_errors());
  SSL* ssl = tls_->ssl;
  SSL_set_app_data(ssl, tls_.get());
  if (SSL_set_fd(ssl, tcp_.fd()) != 1) throw std::runtime_error("SSL_set_fd: " + openssl_errors());
  if (!o.sni.empty()) SSL_set_tlsext_host_name(ssl, o.sni.c_str());
  if (!o.verify_name.empty()) {
    const bool ok =
        is_ip_address(o.verify_name)
            ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), o.verify_name.c_str()) == 1
            : SSL_set1_host(ssl, o.verify_name.c_str()) == 1;
    if (!ok) throw std::runtime_error("cannot verify against the name " + o.verify_name);
  }
  if (!o.resume.empty()) SSL_set_session(ssl, o.resume.session_.get());
}

// SSL_connect until it completes, fails, or the deadline passes; `error` says why not.
bool TlsLineClient::handshake(Deadline deadline, std::string& error) {
  NoSigpipe guard;
  for (;;) {
    ERR_clear_error();
    errno = 0;
    const int r = SSL_connect(tls_->ssl);
    if (r == 1) break;
    const int e = SSL_get_error(tls_->ssl, r);
    const int saved_errno = errno;
    short events = 0;
    if (e == SSL_ERROR_WANT_READ) events = POLLIN;
    if (e == SSL_ERROR_WANT_WRITE) events = POLLOUT;
    if (events == 0) {
      error = ssl_error_name(e) + ": " + openssl_errors();
      if (e == SSL_ERROR_SYSCALL) {
        error += saved_errno != 0 ? std::string(", ") + std::strerror(saved_errno)
                                  : std::string(", the server closed the connection");
        reset_ = saved_errno == ECONNRESET;
      }
      const long verify = SSL_get_verify_result(tls_->ssl);
      if (verify != X509_V_OK) {
        error +=
            std::string("; certificate verification: ") + X509_verify_cert_error_string(verify);
      }
      closed_ = true;
      return false;
    }
    if (!wait_fd(fd(), events, deadline)) {
      error = "timed out in the handshake";
      return false;
    }
  }
  tls_->up = true;
  X509* cert = SSL_get1_peer_certificate(tls_->ssl);
  tls_->fingerprint = sha256_fingerprint(cert);
  X509_free(cert);
  return true;
}

std::string TlsLineClient::version() const {
  return tls_ && tls_->up ? SSL_get_version(tls_->ssl) : "";
}

std::string TlsLineClient::peer_fingerprint() const {
  return tls_ ? tls_->fingerprint : "";
}

bool TlsLineClient::session_ticket_received() const {
  if (!tls_) return false;
  const SSL_SESSION* current = SSL_get_session(tls_->ssl);
  return tls_->tickets > 0 || (current != nullptr && SSL_SESSION_has_ticket(current) == 1);
}

TlsSession TlsLineClient::session() const {
  TlsSession s;
  if (!tls_) return s;
  if (tls_->latest) {
    s.session_ = tls_->latest;
  } else if (SSL_SESSION* current = SSL_get1_session(tls_->ssl)) {
    s.session_.reset(current, SSL_SESSION_free);
  }
  return s;
}

bool TlsLineClient::session_reused() const {
  return tls_ && tls_->up && SSL_session_reused(tls_->ssl) == 1;
}

bool TlsLineClient::send_raw(std::string_view bytes, Deadline deadline) {
  NoSigpipe guard;
  while (!bytes.empty()) {
    if (!tls_ || !tls_->up || fd() < 0) {
      last_failure_ = "send: no TLS session";
      return false;
    }
    ERR_clear_error();
    errno = 0;
    const int chunk = static_cast<int>(std::min<std::size_t>(bytes.size(), INT_MAX));
    const int n = SSL_write(tls_->ssl, bytes.data(), chunk);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    const int e = SSL_get_error(tls_->ssl, n);
    if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
      if (!wait_fd(fd(), e == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN, deadline)) {
        last_failure_ = "send: deadline passed with " + std::to_string(bytes.size()) +
                        " bytes not yet taken by the kernel";
        return false;
      }
      continue;
    }
    last_failure_ = "SSL_write: " + ssl_error_name(e) + ": " + openssl_errors() +
                    (errno != 0 ? std::string(", ") + std::strerror(errno) : "");
    return false;
  }
  return true;
}

bool TlsLineClient::send_line(std::string_view text, Deadline deadline) {
  std::string line(text);
  line += '\n';
  return send_raw(line, deadline);
}

bool TlsLineClient::receive_available() {
  if (closed_ || !tls_ || !tls_->up || fd() < 0) return false;
  NoSigpipe guard;
  char buf[16 * 1024];
  for (int reads = 0;; ++reads) {
    ERR_clear_error();
    errno = 0;
    const int n = SSL_read(tls_->ssl, buf, sizeof buf);
    if (n > 0) {
      in_.append(std::string_view(buf, static_cast<std::size_t>(n)));
      // Stop only when nothing is left inside the session: poll() cannot see that.
      if (reads >= kReadsPerReceive && SSL_has_pending(tls_->ssl) == 0) return true;
      continue;
    }
    const int e = SSL_get_error(tls_->ssl, n);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return true;
    closed_ = true;
    if (e == SSL_ERROR_ZERO_RETURN) return false;  // close_notify
    const int saved_errno = errno;
    reset_ = e == SSL_ERROR_SYSCALL && saved_errno == ECONNRESET;
    last_failure_ = "SSL_read: " + ssl_error_name(e) + ": " + openssl_errors() +
                    (saved_errno != 0 ? std::string(", ") + std::strerror(saved_errno) : "");
    return false;
  }
}

std::optional<std::string> TlsLineClient::next_buffered_line(bool keep_line_ending) {
  return in_.next(closed_, keep_line_ending);
}

std::optional<std::string> TlsLineClient::read_line_impl(Deadline deadline, bool keep_line_ending) {
  for (;;) {
    if (auto line = next_buffered_line(keep_line_ending)) return line;
    if (closed_ || fd() < 0) {
      last_failure_ = "connection closed" + std::string(reset_ ? " (reset)" : "") +
                      (last_failure_.empty() ? "" : " after " + last_failure_);
      return std::nullopt;
    }
    if (!wait_fd(fd(), POLLIN, deadline)) {
      last_failure_ = "timed out waiting for a line";
      return std::nullopt;
    }
    receive_available();
  }
}

std::optional<std::string> TlsLineClient::read_line(Deadline deadline) {
  return read_line_impl(deadline, false);
}

std::optional<std::string> TlsLineClient::read_raw_line(Deadline deadline) {
  return read_line_impl(deadline, true);
}

std::optional<std::string> TlsLineClient::expect_line(const LineMatcher& m, Deadline deadline,
                                                      std::size_t max_skip) {
  return expect_matching([&] { return read_line_impl(deadline, false); }, m, max_skip, skipped_,
                         last_failure_);
}

std::optional<std::string> TlsLineClient::expect_line(std::string_view substring, Deadline deadline,
                                                      std::size_t max_skip) {
  return expect_line(contains(std::string(substring)), deadline, max_skip);
}

bool TlsLineClient::read_until_closed(Deadline deadline) {
  skipped_.clear();
  for (;;) {
    while (auto line = next_buffered_line()) {
      if (skipped_.size() < kMaxClosingLines) skipped_.push_back(std::move(*line));
    }
    if (closed_) return true;
    if (fd() < 0) return false;
    if (!wait_fd(fd(), POLLIN, deadline)) {
      last_failure_ = "timed out waiting for the server to close the connection";
      return false;
    }
    receive_available();
  }
}

void TlsLineClient::close() {
  if (tls_ && tls_->up && !closed_ && fd() >= 0) {
    NoSigpipe guard;
    ERR_clear_error();
    SSL_shutdown(tls_->ssl);  // sends close_notify; the reply is not waited for
  }
  tcp_.close();
}

std::string TlsLineClient::diagnostics() const {
  std::string text = last_failure_.empty() ? "no failure recorded" : last_failure_;
  if (tls_ && tls_->up) text += "\n  " + version() + ", server certificate " + tls_->fingerprint;
  text += in_.describe(skipped_);
  if (closed_) text += reset_ ? "\n  (connection reset)" : "\n  (connection closed)";
  return text;
}

// ---- helpers ------------------------------------------------------------------------------

TlsLineClient tls_connect_as(std::uint16_t port, std::string_view nick, TlsOptions options,
                             Deadline deadline) {
  TlsLineClient client(port, std::move(options), deadline);
  take_nick(client, nick, deadline);
  return client;
}

std::string certificate_fingerprint(const std::string& pem_file) {
  BIO* in = BIO_new_file(pem_file.c_str(), "r");
  if (in == nullptr) throw std::runtime_error("cannot open " + pem_file);
  X509* cert = PEM_read_bio_X509(in, nullptr, nullptr, nullptr);
  BIO_free(in);
  const std::string fingerprint = sha256_fingerprint(cert);
  X509_free(cert);
  if (fingerprint.empty()) throw std::runtime_error("no certificate in " + pem_file);
  return fingerprint;
}

std::string client_hello_bytes(const std::string& sni) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL* ssl = ctx != nullptr ? SSL_new(ctx) : nullptr;
  if (ssl == nullptr) {
    SSL_CTX_free(ctx);
    throw std::runtime_error("cannot make a ClientHello: " + openssl_errors());
  }
  BIO* out = BIO_new(BIO_s_mem());
  SSL_set_bio(ssl, BIO_new(BIO_s_mem()), out);  // the SSL owns both
  SSL_set_tlsext_host_name(ssl, sni.c_str());
  SSL_connect(ssl);  // writes the ClientHello, then wants the (empty) input
  char* data = nullptr;
  const long n = BIO_get_mem_data(out, &data);
  std::string hello(data, static_cast<std::size_t>(std::max(n, 0L)));
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  ERR_clear_error();
  return hello;
}

}  // namespace chatd::test
