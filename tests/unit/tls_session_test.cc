// TlsSession against an in-memory OpenSSL client: the handshake, on_ready before any
// plaintext, one record per seal however many lines are queued, and the failures that must
// end a connection (plaintext instead of a ClientHello, garbage records, close_notify).
#include "reactor/tls/tls_session.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "reactor/message.h"
#include "reactor/tls/tls_context.h"
#include "tests/support/temp_dir.h"

namespace chatd::reactor {
namespace {

// A self-signed P-256 certificate for CN=localhost, written as PEM files.
struct SelfSigned {
  test::TempDir dir;
  std::string cert, key;

  SelfSigned() {
    EVP_PKEY* pkey = EVP_EC_gen("P-256");
    X509* x = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, pkey);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509_sign(x, pkey, EVP_sha256());
    cert = (dir.path() / "cert.pem").string();
    key = (dir.path() / "key.pem").string();
    FILE* f = std::fopen(cert.c_str(), "w");
    PEM_write_X509(f, x);
    std::fclose(f);
    f = std::fopen(key.c_str(), "w");
    PEM_write_PrivateKey(f, pkey, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
    X509_free(x);
    EVP_PKEY_free(pkey);
  }
};

std::string drain(OutputQueue& q) {
  std::string bytes;
  uv_buf_t bufs[256];
  while (!q.empty()) {
    const std::size_t n = q.fill(bufs, std::size(bufs));
    std::size_t total = 0;
    for (std::size_t i = 0; i < n; ++i) {
      bytes.append(bufs[i].base, bufs[i].len);
      total += bufs[i].len;
    }
    q.consume(total);
  }
  return bytes;
}

// The server's TlsSession and a client SSL over memory BIOs, with a pump between them.
class TlsPair : public ::testing::Test {
 protected:
  void SetUp() override { start({}); }
  void TearDown() override {
    SSL_free(client_);
    SSL_CTX_free(client_ctx_);
  }

  void start(TlsSettings settings, int client_max_version = 0) {
    settings.cert_file = certs_.cert;
    settings.key_file = certs_.key;
    context_ = TlsContext::load(settings);
    server_ = std::make_unique<TlsSession>(*context_);
    client_ctx_ = SSL_CTX_new(TLS_client_method());
    if (client_max_version != 0) SSL_CTX_set_max_proto_version(client_ctx_, client_max_version);
    client_ = SSL_new(client_ctx_);
    to_server_ = BIO_new(BIO_s_mem());
    from_server_ = BIO_new(BIO_s_mem());
    SSL_set_bio(client_, from_server_, to_server_);
    SSL_set_connect_state(client_);
  }

  // What the client wrote, fed to the server; what the server queued, fed to the client.
  TlsSession::Step pump() {
    std::string bytes(static_cast<std::size_t>(BIO_ctrl_pending(to_server_)), '\0');
    if (!bytes.empty()) BIO_read(to_server_, bytes.data(), static_cast<int>(bytes.size()));
    return feed(bytes);
  }
  TlsSession::Step feed(const std::string& bytes) {
    const TlsSession::Step step = server_->read(
        bytes.data(), bytes.size(), plain_,
        [&] {
          events_.push_back("ready");
          return true;
        },
        [&](const char* p, std::size_t n) {
          events_.push_back("plain:" + std::string(p, n));
          return true;
        });
    const std::string out = drain(server_->wire());
    if (!out.empty()) BIO_write(from_server_, out.data(), static_cast<int>(out.size()));
    return step;
  }
  bool handshake() {
    for (int round = 0; round < 10; ++round) {
      const int r = SSL_do_handshake(client_);
      if (pump() != TlsSession::Step::kOk) return false;
      if (r == 1 && server_->handshake_done()) return true;
    }
    return false;
  }
  std::string client_reads() {
    std::string got;
    char buf[4096];
    for (int n; (n = SSL_read(client_, buf, sizeof buf)) > 0;)
      got.append(buf, static_cast<std::size_t>(n));
    return got;
  }

  SelfSigned certs_;
  std::shared_ptr<TlsContext> context_;
  std::unique_ptr<TlsSession> server_;
  SSL_CTX* client_ctx_ = nullptr;
  SSL* client_ = nullptr;
  BIO* to_server_ = nullptr;
  BIO* from_server_ = nullptr;
  char plain_[TlsSession::kRecordBytes];
  std::vector<std::string> events_;
};

TEST_F(TlsPair, HandshakeCallsOnReadyOnceBeforeThePlaintextThatFollowsIt) {
  ASSERT_TRUE(handshake());
  ASSERT_EQ(SSL_write(client_, "NICK a\r\n", 8), 8);
  EXPECT_EQ(pump(), TlsSession::Step::kOk);
  EXPECT_EQ(events_, (std::vector<std::string>{"ready", "plain:NICK a\r\n"}));
}

TEST_F(TlsPair, ManyQueuedLinesAreSealedIntoOneRecord) {
  ASSERT_TRUE(handshake());
  OutputQueue plain;
  std::string expected;
  for (int i = 0; i < 100; ++i) {
    MessageRef m = format_line("<nick{}> a line of chat that is about fifty bytes", i);
    expected += m.view();
    plain.push(m);
  }
  char scratch[TlsSession::kRecordBytes];
  ASSERT_TRUE(server_->seal(plain, scratch));
  EXPECT_TRUE(plain.empty());
  // TLS 1.3 adds 22 bytes to a record: 5 of header, 1 of content type, 16 of tag.
  EXPECT_EQ(server_->wire().bytes(), expected.size() + 22);
  const std::string record = drain(server_->wire());
  BIO_write(from_server_, record.data(), static_cast<int>(record.size()));
  EXPECT_EQ(client_reads(), expected);
}

TEST_F(TlsPair, OneSealTakesAtMostOneRecordOfPlaintext) {
  ASSERT_TRUE(handshake());
  OutputQueue plain;
  const std::string big(40000, 'x');
  plain.push(MessageRef(Message::create(big)));
  char scratch[TlsSession::kRecordBytes];
  ASSERT_TRUE(server_->seal(plain, scratch));
  EXPECT_EQ(plain.bytes(), big.size() - TlsSession::kRecordBytes);
  while (!plain.empty())
    ASSERT_TRUE(server_->seal(plain, scratch));
  const std::string records = drain(server_->wire());
  BIO_write(from_server_, records.data(), static_cast<int>(records.size()));
  EXPECT_EQ(client_reads(), big);
}

TEST_F(TlsPair, PlaintextInsteadOfAClientHelloFailsTheHandshakeWithAReason) {
  EXPECT_EQ(feed("NICK a\r\nUSER a 0 * :a\r\n"), TlsSession::Step::kFailed);
  EXPECT_FALSE(server_->handshake_done());
  EXPECT_NE(server_->error().find("handshake: "), std::string::npos) << server_->error();
  EXPECT_TRUE(events_.empty());
}

TEST_F(TlsPair, AGarbageRecordAfterTheHandshakeFails) {
  ASSERT_TRUE(handshake());
  // An application-data record header, then bytes that do not decrypt.
  std::string record("\x17\x03\x03\x00\x20", 5);
  record.append(32, '\x5a');
  EXPECT_EQ(feed(record), TlsSession::Step::kFailed);
  EXPECT_NE(server_->error().find("record: "), std::string::npos) << server_->error();
}

TEST_F(TlsPair, CloseNotifyFromThePeerIsAPeerClose) {
  ASSERT_TRUE(handshake());
  SSL_shutdown(client_);
  EXPECT_EQ(pump(), TlsSession::Step::kPeerClosed);
}

TEST_F(TlsPair, CloseNotifyIsQueuedOnce) {
  ASSERT_TRUE(handshake());
  server_->send_close_notify();
  const std::size_t alert = server_->wire().bytes();
  EXPECT_GT(alert, 0u);
  server_->send_close_notify();
  EXPECT_EQ(server_->wire().bytes(), alert);
}

TEST_F(TlsPair, AHandshakeSplitIntoSingleBytesStillCompletes) {
  ASSERT_EQ(SSL_do_handshake(client_), -1);
  std::string hello(static_cast<std::size_t>(BIO_ctrl_pending(to_server_)), '\0');
  BIO_read(to_server_, hello.data(), static_cast<int>(hello.size()));
  for (char byte : hello)
    ASSERT_EQ(feed(std::string(1, byte)), TlsSession::Step::kOk);
  EXPECT_TRUE(handshake());
}

class TlsPairTls12 : public TlsPair {
 protected:
  void SetUp() override { start({}, TLS1_2_VERSION); }
};

TEST_F(TlsPairTls12, ARenegotiationRequestIsAnsweredWithAnAlertNotAHandshake) {
  ASSERT_TRUE(handshake());
  ASSERT_EQ(SSL_renegotiate(client_), 1);
  SSL_do_handshake(client_);
  std::string hello(static_cast<std::size_t>(BIO_ctrl_pending(to_server_)), '\0');
  BIO_read(to_server_, hello.data(), static_cast<int>(hello.size()));
  ASSERT_FALSE(hello.empty());
  server_->read(
      hello.data(), hello.size(), plain_, [] { return true; },
      [](const char*, std::size_t) { return true; });
  const std::string reply = drain(server_->wire());
  ASSERT_FALSE(reply.empty());
  EXPECT_EQ(reply[0], '\x15') << "content type 21 (alert: no_renegotiation), not 22 (handshake)";
  EXPECT_EQ(std::count(events_.begin(), events_.end(), "ready"), 1);
}

TEST(TlsContext, AMinimumOf13RefusesATls12Client) {
  SelfSigned certs;
  TlsSettings s;
  s.cert_file = certs.cert;
  s.key_file = certs.key;
  s.min_version = 13;
  const auto context = TlsContext::load(s);
  TlsSession server(*context);
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
  SSL* client = SSL_new(ctx);
  BIO* out = BIO_new(BIO_s_mem());
  SSL_set_bio(client, BIO_new(BIO_s_mem()), out);
  SSL_set_connect_state(client);
  SSL_do_handshake(client);
  std::string hello(static_cast<std::size_t>(BIO_ctrl_pending(out)), '\0');
  BIO_read(out, hello.data(), static_cast<int>(hello.size()));
  char plain[TlsSession::kRecordBytes];
  EXPECT_EQ(server.read(
                hello.data(), hello.size(), plain, [] { return true; },
                [](const char*, std::size_t) { return true; }),
            TlsSession::Step::kFailed);
  EXPECT_NE(server.error().find("unsupported protocol"), std::string::npos) << server.error();
  SSL_free(client);
  SSL_CTX_free(ctx);
}

TEST(TlsContext, AMissingFileIsNamedInTheError) {
  TlsSettings s;
  s.cert_file = "/nonexistent/cert.pem";
  s.key_file = "/nonexistent/key.pem";
  try {
    TlsContext::load(s);
    FAIL() << "loaded a missing certificate";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/cert.pem"), std::string::npos) << e.what();
  }
}

TEST(TlsContext, DescribesTheCertificate) {
  SelfSigned certs;
  TlsSettings s;
  s.cert_file = certs.cert;
  s.key_file = certs.key;
  const auto context = TlsContext::load(s);
  EXPECT_EQ(context->certificate().subject, "CN=localhost");
  EXPECT_GT(context->certificate().seconds_left, 86000);
  EXPECT_EQ(context->certificate().fingerprint.size(), 32u * 3 - 1);
}

}  // namespace
}  // namespace chatd::reactor
