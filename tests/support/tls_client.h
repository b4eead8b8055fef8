// A chat client over TLS for integration tests, as `openssl s_client` would be: a LineClient
// (same deadlines, same line reads) whose bytes go through an OpenSSL client session, plus
// what a TLS test asks of the handshake: the server certificate's fingerprint, the version
// negotiated, whether a session ticket came and whether a session was resumed.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/chatd_process.h"
#include "tests/support/line_client.h"

struct ssl_session_st;  // OpenSSL's SSL_SESSION, kept out of the tests' includes

namespace chatd::test {

enum class TlsVersion { kLibraryDefault, k1_1, k1_2, k1_3 };

// A session a client was given, to offer on a later connection (TlsOptions::resume).
class TlsSession {
 public:
  bool empty() const { return session_ == nullptr; }
  bool resumable() const;  // it carries a ticket or session id the server could resume from
  bool has_ticket() const;

 private:
  friend class TlsLineClient;
  std::shared_ptr<ssl_session_st> session_;
};

struct TlsOptions {
  std::string ca_file;      // verify the server's chain against this CA; empty: no verification
  std::string verify_name;  // with ca_file: the DNS name or IP address the certificate must match
  std::string sni;          // server name sent in the ClientHello; empty: none
  TlsVersion min_version = TlsVersion::kLibraryDefault;
  TlsVersion max_version = TlsVersion::kLibraryDefault;
  int security_level = -1;  // OpenSSL security level; -1 keeps the default (TLS 1.1 needs 0)
  TlsSession resume;        // offered for resumption when not empty
  int recv_buffer = 0;      // SO_RCVBUF set before connect, as in ClientOptions
  // Plaintext sent on the fresh connection before the ClientHello (a PROXY header, say).
  std::string before_handshake;
};

// Verification against `ca_file` for "localhost", with SNI "localhost": what a real client
// configured with the test CA does.
TlsOptions trusting(std::string ca_file);

struct TlsAttempt;

// One TLS connection to 127.0.0.1:port. Like LineClient, the socket is non-blocking and every
// wait polls it with the time left to its deadline, so nothing here can hang. Reads pull
// everything OpenSSL can decrypt into the line buffer, so a poll() for POLLIN is always the
// right wait (nothing is left pending inside the session).
class TlsLineClient {
 public:
  // Connects and completes the handshake; throws std::runtime_error, with OpenSSL's error
  // queue and the verification result, when either fails by the deadline.
  explicit TlsLineClient(std::uint16_t port, TlsOptions options = {},
                         Deadline deadline = default_deadline());
  // The same without throwing for a failed handshake (a refused version, a bad certificate).
  static TlsAttempt attempt(std::uint16_t port, TlsOptions options = {},
                            Deadline deadline = default_deadline());
  ~TlsLineClient();
  TlsLineClient(TlsLineClient&& other) noexcept;
  TlsLineClient& operator=(TlsLineClient&& other) noexcept;
  TlsLineClient(const TlsLineClient&) = delete;
  TlsLineClient& operator=(const TlsLineClient&) = delete;

  int fd() const { return tcp_.fd(); }

  // What the handshake settled.
  std::string version() const;           // "TLSv1.3", "TLSv1.2"
  std::string peer_fingerprint() const;  // SHA-256 of the server's certificate, "AB:CD:..."
  bool session_ticket_received() const;  // in the handshake or after it, so far
  TlsSession session() const;            // the latest session, to offer to resume
  bool session_reused() const;           // this connection resumed TlsOptions::resume

  // As LineClient: all of `bytes` encrypted and taken by the kernel, or false.
  bool send_raw(std::string_view bytes, Deadline deadline = default_deadline());
  bool send_line(std::string_view text, Deadline deadline = default_deadline());

  std::optional<std::string> read_line(Deadline deadline = default_deadline());
  std::optional<std::string> read_raw_line(Deadline deadline = default_deadline());
  std::optional<std::string> expect_line(const LineMatcher& m,
                                         Deadline deadline = default_deadline(),
                                         std::size_t max_skip = 1000);
  std::optional<std::string> expect_line(std::string_view substring,
                                         Deadline deadline = default_deadline(),
                                         std::size_t max_skip = 1000);
  const std::vector<std::string>& skipped() const { return skipped_; }

  // True once the server has closed the connection (close_notify, EOF, reset or a fatal
  // alert), reading and discarding lines until then; false at the deadline.
  bool read_until_closed(Deadline deadline = default_deadline());
  bool closed() const { return closed_; }
  bool was_reset() const { return reset_; }

  void close();  // close_notify if the session is up, then FIN

  std::string diagnostics() const;

  // For expect_line_on_all: decrypt whatever has arrived (false once closed), pop a line.
  bool receive_available();
  std::optional<std::string> next_buffered_line(bool keep_line_ending = false);

 private:
  struct Session;  // the SSL_CTX, SSL and what the callbacks saw, at a fixed address

  TlsLineClient(std::uint16_t port, const TlsOptions& options, Deadline deadline,
                std::string* handshake_error);
  void start_session(const TlsOptions& options);
  bool handshake(Deadline deadline, std::string& error);
  std::optional<std::string> read_line_impl(Deadline deadline, bool keep_line_ending);

  LineClient tcp_;  // the connected socket (its own line buffer stays unused)
  std::unique_ptr<Session> tls_;
  LineBuffer in_;
  bool closed_ = false;
  bool reset_ = false;
  std::vector<std::string> skipped_;
  std::string last_failure_;
};

// The outcome of a handshake that may fail: the client, or OpenSSL's reasons why not.
struct TlsAttempt {
  std::optional<TlsLineClient> client;
  std::string error;
};

// A TLS client that has read its greeting and renamed itself to `nick` (see take_nick).
TlsLineClient tls_connect_as(std::uint16_t port, std::string_view nick, TlsOptions options = {},
                             Deadline deadline = default_deadline());

// The SHA-256 fingerprint of the first certificate in a PEM file, spelled as
// peer_fingerprint() spells it; throws std::runtime_error if it cannot be read.
std::string certificate_fingerprint(const std::string& pem_file);

// The bytes a TLS client opens with: a complete ClientHello record for `sni`.
std::string client_hello_bytes(const std::string& sni = "localhost");

}  // namespace chatd::test
