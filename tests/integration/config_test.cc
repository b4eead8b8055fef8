// Integration tests of chatd's command line and TOML config file: bad flags and broken files
// fail clearly, --check-config prints the effective config, and file values take effect.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <string>

#include "tests/support/chatd_process.h"
#include "tests/support/line_client.h"

namespace chatd::test {
namespace {

// A config file that exists for one test.
class TempConfig {
 public:
  explicit TempConfig(const std::string& text) {
    static int counter = 0;
    path_ = ::testing::TempDir() + "chatd_test_" + std::to_string(getpid()) + "_" +
            std::to_string(++counter) + ".toml";
    std::ofstream(path_) << text;
  }
  ~TempConfig() { unlink(path_.c_str()); }
  TempConfig(const TempConfig&) = delete;
  TempConfig& operator=(const TempConfig&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Whether `text` has a line `key = value` (TOML, as --check-config prints).
bool has_setting(const std::string& text, const std::string& key, const std::string& value) {
  std::regex re("(^|\n)\\s*" + key + "\\s*=\\s*" + value + "\\s*(\r?\n|$)");
  return std::regex_search(text, re);
}

// chatd exited non-zero by itself, and its stderr names the culprit (`mention`, or for a
// flag that is also a file key, the key spelling `alternative`).
void expect_clear_failure(const RunResult& r, const std::string& mention,
                          const std::string& alternative = "") {
  ASSERT_TRUE(r.exited()) << r.describe();
  EXPECT_NE(r.exit_code(), 0) << r.describe();
  bool named = r.err.find(mention) != std::string::npos ||
               (!alternative.empty() && r.err.find(alternative) != std::string::npos);
  EXPECT_TRUE(named) << "stderr should mention \"" << mention << "\"\n" << r.describe();
}

TEST(CommandLine, RejectsANonNumericMaxClients) {
  expect_clear_failure(run_chatd({"--max-clients", "abc"}), "max-clients", "max_clients");
}

TEST(CommandLine, RejectsAnUnknownFlag) {
  expect_clear_failure(run_chatd({"--nope"}), "--nope");
}

TEST(CommandLine, RejectsAnOutOfRangeValue) {
  expect_clear_failure(run_chatd({"--max-clients=-5"}), "max-clients", "max_clients");
}

TEST(ConfigFile, RejectsBrokenTomlSyntaxNamingTheFile) {
  TempConfig file("max_clients = \n[[[\n");
  expect_clear_failure(run_chatd({"--config", file.path()}), file.path());
}

TEST(ConfigFile, RejectsAnUnknownKey) {
  TempConfig file("no_such_key = 1\n");
  expect_clear_failure(run_chatd({"--config", file.path()}), "no_such_key");
}

TEST(ConfigFile, RejectsAValueOfTheWrongType) {
  TempConfig file("max_clients = \"lots\"\n");
  expect_clear_failure(run_chatd({"--config", file.path()}), "max_clients");
}

TEST(ConfigFile, RejectsAMissingFile) {
  std::string path = ::testing::TempDir() + "chatd_test_does_not_exist.toml";
  expect_clear_failure(run_chatd({"--config", path}), path);
}

TEST(ConfigFile, ValuesTakeEffectInTheRunningServer) {
  TempConfig file("motd = \"hello from the file\"\n");
  ChatdProcess chatd({"--config", file.path()});
  LineClient client(chatd.port());
  auto greeting = client.read_line();
  auto motd = client.read_line();
  ASSERT_TRUE(greeting && motd) << client.diagnostics();
  EXPECT_EQ(*motd, "*** hello from the file");
}

TEST(CheckConfig, PrintsTheEffectiveConfigAndExitsZero) {
  RunResult r = run_chatd({"--check-config", "--max-clients", "7"});
  ASSERT_TRUE(r.exited()) << r.describe();
  EXPECT_EQ(r.exit_code(), 0) << r.describe();
  std::string all = r.out + r.err;
  EXPECT_TRUE(has_setting(all, "max_clients", "7")) << r.describe();
  EXPECT_TRUE(has_setting(all, "announce_limit", "200")) << "defaults are part of it\n"
                                                         << r.describe();
}

TEST(CheckConfig, FlagsOverrideTheFile) {
  TempConfig file("max_clients = 5\nannounce_limit = 3\n");
  RunResult r = run_chatd({"--config", file.path(), "--check-config", "--max-clients", "9"});
  ASSERT_TRUE(r.exited()) << r.describe();
  EXPECT_EQ(r.exit_code(), 0) << r.describe();
  std::string all = r.out + r.err;
  EXPECT_TRUE(has_setting(all, "max_clients", "9")) << r.describe();
  EXPECT_TRUE(has_setting(all, "announce_limit", "3")) << r.describe();
}

TEST(CheckConfig, FailsOnABrokenFile) {
  TempConfig file("announce_limit = [\n");
  RunResult r = run_chatd({"--config", file.path(), "--check-config"});
  expect_clear_failure(r, file.path());
}

}  // namespace
}  // namespace chatd::test
