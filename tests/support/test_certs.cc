// The test CA and its leaf certificates, made by running `openssl` (see test_certs.h).
#include "tests/support/test_certs.h"

#include <filesystem>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include "tests/support/subprocess.h"

namespace chatd::test {
namespace {

// Our own configuration for `openssl req` and the extensions of each kind of certificate.
constexpr char kConfig[] = R"([req]
distinguished_name = dn
prompt = no
[dn]
CN = chatd test
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
)";

constexpr char kDays[] = "2";

std::string joined(const std::vector<std::string>& argv) {
  std::string text;
  for (const auto& a : argv)
    text += (text.empty() ? "" : " ") + a;
  return text;
}

}  // namespace

TestCerts::TestCerts(Deadline deadline) {
  config_ = dir_.write("openssl.cnf", kConfig);
  ca_.key = new_key("ca.key", deadline);
  ca_.cert = (dir_.path() / "ca.pem").string();
  openssl({"req", "-x509", "-new", "-config", config_, "-extensions", "ca", "-key", ca_.key,
           "-sha256", "-days", kDays, "-subj", "/CN=chatd test CA", "-out", ca_.cert},
          deadline);
  server_ = issue("server", deadline);
}

CertFiles TestCerts::issue(const std::string& name, Deadline deadline) {
  CertFiles leaf;
  leaf.key = new_key(name + ".key", deadline);
  leaf.cert = (dir_.path() / (name + ".pem")).string();
  const std::string csr = (dir_.path() / (name + ".csr")).string();
  openssl(
      {"req", "-new", "-config", config_, "-key", leaf.key, "-subj", "/CN=localhost", "-out", csr},
      deadline);
  openssl({"x509", "-req", "-in", csr, "-CA", ca_.cert, "-CAkey", ca_.key, "-set_serial",
           std::to_string(++serial_), "-days", kDays, "-sha256", "-extfile", config_, "-extensions",
           "leaf", "-out", leaf.cert},
          deadline);
  return leaf;
}

std::string TestCerts::write_garbage_key(const std::string& name) const {
  static constexpr char kBase64[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::mt19937 rng(4242);
  std::string text = "-----BEGIN PRIVATE KEY-----\n";
  for (int line = 0; line < 3; ++line) {
    for (int i = 0; i < 64; ++i)
      text += kBase64[rng() % 64];
    text += '\n';
  }
  text += "-----END PRIVATE KEY-----\n";
  return dir_.write(name, text);
}

void TestCerts::install(const CertFiles& from, const CertFiles& to) {
  namespace fs = std::filesystem;
  fs::copy_file(from.cert, to.cert, fs::copy_options::overwrite_existing);
  fs::copy_file(from.key, to.key, fs::copy_options::overwrite_existing);
}

std::string TestCerts::new_key(const std::string& name, Deadline deadline) const {
  const std::string path = (dir_.path() / name).string();
  openssl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path},
          deadline);
  return path;
}

void TestCerts::openssl(std::vector<std::string> args, Deadline deadline) const {
  args.insert(args.begin(), "openssl");
  const std::string command = joined(args);
  const ToolResult r = run_tool(std::move(args), deadline);
  if (r.exit_code() != 0) {
    throw std::runtime_error(
        (r.status ? "`" + command + "` failed" : "`" + command + "` timed out") + ":\n" + r.output);
  }
}

}  // namespace chatd::test
