// The shipped units and config, checked offline: `systemd-analyze verify` says
// nothing, `systemd-analyze security` keeps the exposure at or below 2.0, the
// example config loads, and `cmake --install` puts everything where the units say.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>

#include "tests/support/chatd_process.h"
#include "tests/support/subprocess.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// This file is tests/integration/systemd_units_test.cc in the source tree.
const fs::path kSourceDir = fs::path(__FILE__).parent_path().parent_path().parent_path();
const fs::path kUnits = kSourceDir / "systemd";
// chatd is BUILD/daemon/chatd.
const fs::path kBuildDir = fs::path(chatd_binary()).parent_path().parent_path();

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool has_line(const std::string& text, const std::string& line) {
  return std::regex_search(text, std::regex("(^|\n)" + line + "(\n|$)"));
}

struct TempDir {
  fs::path path =
      fs::temp_directory_path() / ("chatd-units-" + std::to_string(getpid()) + "-" +
                                   std::to_string(Clock::now().time_since_epoch().count()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

// Installs chatd from this build under `prefix`, as an operator would (only the
// "chatd" component: the test must not depend on chatbench having been built).
ToolResult install_to(const fs::path& prefix) {
  return run_tool({"cmake", "--install", kBuildDir.string(), "--component", "chatd", "--prefix",
                   prefix.string()},
                  within(60s));
}

TEST(SystemdUnits, ServiceIsHardenedAndEachSocketNamesItsProtocolAndPort) {
  const std::string service = read_file(kUnits / "chatd.service");
  for (const char* line :
       {"Type=notify", "ExecReload=/bin/kill -HUP \\$MAINPID", "WatchdogSec=10s",
        "Restart=on-failure", "LimitNOFILE=65536", "DynamicUser=yes", "StateDirectory=chatd",
        "ProtectSystem=strict", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
        "SystemCallFilter=@system-service", "MemoryDenyWriteExecute=yes", "CapabilityBoundingSet=",
        "Requires=chatd.socket chatd-irc.socket", "Sockets=chatd.socket chatd-irc.socket"}) {
    EXPECT_TRUE(has_line(service, line)) << "chatd.service lacks " << line;
  }
  const std::string socket = read_file(kUnits / "chatd.socket");
  for (const char* line :
       {"ListenStream=0.0.0.0:2023", "ListenStream=\\[::\\]:2023", "BindIPv6Only=ipv6-only",
        "WantedBy=sockets.target", "FileDescriptorName=plain"}) {
    EXPECT_TRUE(has_line(socket, line)) << "chatd.socket lacks " << line;
  }
  const std::string irc = read_file(kUnits / "chatd-irc.socket");
  for (const char* line :
       {"ListenStream=0.0.0.0:6667", "ListenStream=\\[::\\]:6667", "BindIPv6Only=ipv6-only",
        "FileDescriptorName=irc", "Service=chatd.service"}) {
    EXPECT_TRUE(has_line(irc, line)) << "chatd-irc.socket lacks " << line;
  }
  // Reaches the service through Service= alone, so it is off until an operator with a
  // certificate enables it.
  const std::string ircs = read_file(kUnits / "chatd-ircs.socket");
  for (const char* line :
       {"ListenStream=0.0.0.0:6697", "ListenStream=\\[::\\]:6697", "BindIPv6Only=ipv6-only",
        "FileDescriptorName=irc\\+tls", "Service=chatd.service"}) {
    EXPECT_TRUE(has_line(ircs, line)) << "chatd-ircs.socket lacks " << line;
  }
  EXPECT_FALSE(has_line(service, "Requires=.*chatd-ircs.socket.*"));
  // The metrics socket is loopback only, and off until enabled.
  const std::string metrics = read_file(kUnits / "chatd-metrics.socket");
  for (const char* line :
       {"ListenStream=127.0.0.1:9100", "FileDescriptorName=metrics", "Service=chatd.service"}) {
    EXPECT_TRUE(has_line(metrics, line)) << "chatd-metrics.socket lacks " << line;
  }
  EXPECT_FALSE(has_line(service, "Requires=.*chatd-metrics.socket.*"));
  // The web page socket: both families, off until enabled.
  const std::string web = read_file(kUnits / "chatd-web.socket");
  for (const char* line :
       {"ListenStream=0.0.0.0:8080", "ListenStream=\\[::\\]:8080", "BindIPv6Only=ipv6-only",
        "FileDescriptorName=web", "Service=chatd.service"}) {
    EXPECT_TRUE(has_line(web, line)) << "chatd-web.socket lacks " << line;
  }
  EXPECT_FALSE(has_line(service, "Requires=.*chatd-web.socket.*"));
}

// The lines from "# Identity" up to [Install]: the sandbox.
std::string sandbox_of(const std::string& unit) {
  const auto from = unit.find("# Identity");
  const auto to = unit.find("[Install]");
  if (from == std::string::npos || to == std::string::npos || to < from) return {};
  return unit.substr(from, to - from);
}

TEST(SystemdUnits, NodeTemplateSharesAPortAndHasTheServicesSandbox) {
  const std::string service = read_file(kUnits / "chatd.service");
  const std::string node = read_file(kUnits / "chatd@.service");
  for (const char* line :
       {"Type=notify",
        "ExecStart=/usr/bin/chatd --config /etc/chatd/chatd.toml --node-name %l:%i --reuseport",
        "WatchdogSec=10s", "Restart=on-failure", "StateDirectory=chatd-%i",
        "WantedBy=multi-user.target"}) {
    EXPECT_TRUE(has_line(node, line)) << "chatd@.service lacks " << line;
  }
  EXPECT_EQ(node.find("Sockets="), std::string::npos) << "nodes bind their own listeners";
  std::string expected = sandbox_of(service);
  std::string actual = sandbox_of(node);
  ASSERT_FALSE(expected.empty());
  // The lines that differ: each node keeps its own state, and may read
  // net.ipv4.tcp_migrate_req.
  expected = std::regex_replace(expected, std::regex("\nStateDirectory=chatd\n"), "\n");
  actual = std::regex_replace(actual, std::regex("\nStateDirectory=chatd-%i\n"), "\n");
  expected = std::regex_replace(expected, std::regex("\nProcSubset=pid\n"), "\n");
  actual = std::regex_replace(actual, std::regex("\nProcSubset=all\n"), "\n");
  const auto code = [](const std::string& text) {
    return std::regex_replace(text, std::regex("(^|\n)#[^\n]*"), "");
  };
  EXPECT_EQ(code(actual), code(expected))
      << "chatd@.service's sandbox differs from chatd.service's";
}

TEST(SystemdUnits, ExampleConfigLoadsWithFloodControlOn) {
  const RunResult r = run_chatd({"--config", (kUnits / "chatd.toml").string(), "--check-config"});
  ASSERT_EQ(r.exit_code(), 0) << r.describe();
  EXPECT_TRUE(has_line(r.out, "flood_rate = [1-9][0-9.]*")) << r.out;
  EXPECT_TRUE(has_line(r.out, "max_per_ip = [1-9][0-9]*")) << r.out;
}

TEST(SystemdUnits, InstallPutsBinaryUnitsAndConfigUnderThePrefix) {
  TempDir prefix;
  const ToolResult r = install_to(prefix.path);
  ASSERT_EQ(r.exit_code(), 0) << r.output;
  const fs::path service = prefix.path / "lib/systemd/system/chatd.service";
  const fs::path config = prefix.path / "etc/chatd/chatd.toml";
  EXPECT_TRUE(fs::exists(prefix.path / "bin/chatd"));
  EXPECT_TRUE(fs::exists(prefix.path / "lib/systemd/system/chatd.socket"));
  EXPECT_TRUE(fs::exists(prefix.path / "lib/systemd/system/chatd-irc.socket"));
  EXPECT_TRUE(has_line(read_file(prefix.path / "lib/systemd/system/chatd@.service"),
                       "ExecStart=" + (prefix.path / "bin/chatd").string() + " --config " +
                           config.string() + " --node-name %l:%i --reuseport"));
  EXPECT_TRUE(fs::exists(prefix.path / "lib/systemd/system/chatd-ircs.socket"));
  EXPECT_TRUE(fs::exists(prefix.path / "lib/systemd/system/chatd-metrics.socket"));
  EXPECT_TRUE(fs::exists(prefix.path / "lib/systemd/system/chatd-web.socket"));
  ASSERT_TRUE(fs::exists(config));
  EXPECT_TRUE(has_line(read_file(service), "ExecStart=" + (prefix.path / "bin/chatd").string() +
                                               " --config " + config.string()));

  std::ofstream(config, std::ios::app) << "# edited by the operator\n";
  ASSERT_EQ(install_to(prefix.path).exit_code(), 0);
  EXPECT_NE(read_file(config).find("edited by the operator"), std::string::npos)
      << "a second install overwrote the operator's config";
}

// verify exits 0 on most mistakes (unknown keys, bad values) and only prints
// them: the test wants no output at all. The installed copy names a real binary.
TEST(SystemdUnits, VerifyIsSilent) {
  if (!have_program("systemd-analyze")) GTEST_SKIP() << "systemd-analyze missing";
  TempDir prefix;
  ASSERT_EQ(install_to(prefix.path).exit_code(), 0);
  const fs::path units = prefix.path / "lib/systemd/system";
  const ToolResult r =
      run_tool({"systemd-analyze", "verify", "--man=no", (units / "chatd.service").string(),
                (units / "chatd@.service").string(), (units / "chatd.socket").string(),
                (units / "chatd-irc.socket").string(), (units / "chatd-ircs.socket").string(),
                (units / "chatd-metrics.socket").string(), (units / "chatd-web.socket").string()},
               within(30s));
  EXPECT_EQ(r.exit_code(), 0) << r.output;
  EXPECT_EQ(r.output, "");
}

TEST(SystemdUnits, SecurityExposureAtMostTwo) {
  if (!have_program("systemd-analyze")) GTEST_SKIP() << "systemd-analyze missing";
  const ToolResult r = run_tool({"systemd-analyze", "security", "--offline=yes", "--threshold=20",
                                 "--no-pager", (kUnits / "chatd.service").string()},
                                within(30s));
  EXPECT_EQ(r.exit_code(), 0) << r.output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.output, m,
                                std::regex("Overall exposure level for "
                                           "chatd\\.service: ([0-9.]+)")))
      << r.output;
  EXPECT_LE(std::stod(m[1]), 2.0) << r.output;
  std::cout << "[ exposure ] chatd.service: " << m[1] << "\n";
}

}  // namespace
}  // namespace chatd::test
