// Throwaway certificates for the TLS tests, made with the `openssl` command-line tool in a
// TempDir: an ECDSA P-256 CA, and leaf certificates it signs for localhost (subjectAltName
// DNS:localhost, IP:127.0.0.1), valid for two days. Every openssl run has a deadline.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/chatd_process.h"
#include "tests/support/temp_dir.h"

namespace chatd::test {

// A certificate and its private key, as the paths of two PEM files.
struct CertFiles {
  std::string cert;
  std::string key;
};

class TestCerts {
 public:
  // Makes the CA and a first leaf, server(). Throws std::runtime_error with openssl's output
  // when a step fails or the deadline passes.
  explicit TestCerts(Deadline deadline = within(std::chrono::seconds(30)));
  TestCerts(const TestCerts&) = delete;
  TestCerts& operator=(const TestCerts&) = delete;

  const TempDir& dir() const { return dir_; }
  const std::string& ca_cert() const { return ca_.cert; }  // what clients verify against
  const CertFiles& server() const { return server_; }

  // Another leaf for localhost from the same CA with a key of its own, as NAME.pem and
  // NAME.key in dir(). Throws like the constructor.
  CertFiles issue(const std::string& name, Deadline deadline = within(std::chrono::seconds(30)));

  // A file NAME in dir() that looks like a PEM private key but holds random bytes.
  std::string write_garbage_key(const std::string& name) const;

  // Copies `from` over `to` (both files), for a certificate that changes under a daemon.
  static void install(const CertFiles& from, const CertFiles& to);

 private:
  void openssl(std::vector<std::string> args, Deadline deadline) const;
  std::string new_key(const std::string& name, Deadline deadline) const;

  TempDir dir_{"certs"};
  std::string config_;  // the openssl req/x509 configuration, so the system one does not matter
  CertFiles ca_;
  CertFiles server_;
  int serial_ = 1;
};

}  // namespace chatd::test
