// The per-turn handshake budget: ClientHellos that arrive together past the budget wait a
// loop turn with their bytes kept, and every handshake still completes, in order, with
// nothing lost. Clients are OpenSSL over memory BIOs, shuttled by the test through raw
// sockets, so the test decides exactly what is in the kernel before the loop runs.
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <vector>

#include "reactor/tls/tls_context.h"
#include "tests/reactor/harness.h"
#include "tests/support/test_certs.h"

namespace chatd::test {
namespace {

// One TLS client: an SSL over memory BIOs, and the raw socket its bytes travel on.
struct MemoryTlsClient {
  SSL* ssl;
  BIO* in;
  BIO* out;
  std::unique_ptr<RawClient> socket;

  MemoryTlsClient(SSL_CTX* ctx, std::uint16_t port)
      : ssl(SSL_new(ctx)),
        in(BIO_new(BIO_s_mem())),
        out(BIO_new(BIO_s_mem())),
        socket(std::make_unique<RawClient>("127.0.0.1", port)) {
    SSL_set_bio(ssl, in, out);
    SSL_set_connect_state(ssl);
  }
  ~MemoryTlsClient() { SSL_free(ssl); }
  // One step: what the server sent in, what OpenSSL has to say out. True once done.
  bool step() {
    socket->read_available();
    if (!socket->received().empty()) {
      BIO_write(in, socket->received().data(), static_cast<int>(socket->received().size()));
      socket->received().clear();
    }
    const bool done = SSL_do_handshake(ssl) == 1;
    char* data = nullptr;
    const long n = BIO_get_mem_data(out, &data);
    if (n > 0) socket->write_all({data, static_cast<std::size_t>(n)});
    (void)BIO_reset(out);
    return done;
  }
  void send(const std::string& line) {
    SSL_write(ssl, line.data(), static_cast<int>(line.size()));
    step();
  }
};

class TlsHandshakeBudgetTest : public ReactorTest {
 protected:
  void TearDown() override {
    clients_tls_.clear();
    SSL_CTX_free(client_ctx_);
    ReactorTest::TearDown();
  }
  SSL_CTX* client_ctx_ = SSL_CTX_new(TLS_client_method());
  std::vector<std::unique_ptr<MemoryTlsClient>> clients_tls_;
};

TEST_F(TlsHandshakeBudgetTest, HellosPastTheBudgetWaitATurnAndAllComplete) {
  TestCerts certs;
  reactor::TlsSettings settings;
  settings.cert_file = certs.server().cert;
  settings.key_file = certs.server().key;
  set_limits([](reactor::ConnectionLimits& l) { l.handshakes_per_turn = 1; });
  listen().set_tls(reactor::TlsContext::load(settings));
  constexpr std::size_t kClients = 4;
  // Every ClientHello is in the kernel before the loop runs: one turn reads them all.
  for (std::size_t i = 0; i < kClients; ++i) {
    clients_tls_.push_back(std::make_unique<MemoryTlsClient>(client_ctx_, server().port()));
    ASSERT_FALSE(clients_tls_.back()->step());
  }
  std::size_t done = 0;
  ASSERT_TRUE(pump([&] {
    done = 0;
    for (auto& c : clients_tls_)
      done += c->step() ? 1 : 0;
    return done == kClients && server().accepted.size() == kClients;
  })) << done
      << " of " << kClients << " handshakes done";
  EXPECT_GE(loop().handshakes_deferred(), kClients - 1);
  for (std::size_t i = 0; i < kClients; ++i)
    clients_tls_[i]->send("hello " + std::to_string(i) + "\n");
  ASSERT_TRUE(pump([&] {
    std::size_t lines = 0;
    for (auto& h : server().accepted)
      lines += h->lines.size();
    return lines == kClients;
  }));
  for (auto& h : server().accepted) {
    ASSERT_EQ(h->lines.size(), 1u);
    EXPECT_EQ(h->lines[0].rfind("hello ", 0), 0u) << h->lines[0];
  }
}

}  // namespace
}  // namespace chatd::test
