// chatd's entry point: configuration, logging, the server on one loop, signals,
// and the mapping of startup errors to a message and a non-zero exit.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>

#include "daemon/config.h"
#include "daemon/fd_limit.h"
#include "daemon/logging.h"
#include "daemon/server.h"
#include "daemon/systemd.h"
#include "daemon/tls_certificate.h"
#include "reactor/loop.h"
#include "reactor/password_hash.h"
#include "reactor/signal_watch.h"

namespace {

// The limit chatd really got: systemd's LimitNOFILE= can be clamped by the
// host's hard limit. (The Server lowers max_clients to fit it, and says so.)
void log_fd_limit() {
  const std::uint64_t limit = chatd::fd_limit();
  if (limit == 0) {
    spdlog::info("no file descriptor limit");
  } else {
    spdlog::info("file descriptor limit {}", limit);
  }
}

// --check-config: the pair a +tls listener would serve is loaded and checked
// too, so a bad renewal is caught before a restart or reload.
void check_certificate(const chatd::Config& config) {
  if (!config.serves_tls() && config.tls_cert.empty()) return;
  const auto cert = chatd::load_certificate(config);
  std::fputs(fmt::format("# TLS certificate {}\n", chatd::describe_certificate(*cert)).c_str(),
             stdout);
}

// --hash-password: the first line of standard input (a terminal echoes it; pipe
// it in, or type it and clear the screen), its hash on standard output.
int print_password_hash() {
  std::string password;
  if (!std::getline(std::cin, password) || password.empty()) {
    chatd::print_fatal_error("--hash-password: give the password on standard input, one line");
    return 1;
  }
  if (password.back() == '\r') password.pop_back();
  std::fputs((chatd::reactor::hash_password(password) + "\n").c_str(), stdout);
  return 0;
}

int serve(const chatd::ConfigLoader& loader, chatd::Config config) {
  chatd::setup_logging(config.log_level);
  spdlog::info("chatd {} starting", CHATD_VERSION);
  log_fd_limit();
  chatd::reactor::Loop loop;
  {
    chatd::Server server(loop, loader, std::move(config));
    chatd::reactor::SignalWatch term(loop, SIGTERM, [&] { server.shutdown(); });
    chatd::reactor::SignalWatch intr(loop, SIGINT, [&] { server.shutdown(); });
    chatd::reactor::SignalWatch hup(loop, SIGHUP, [&] { server.reload(); });
    term.unref();
    intr.unref();
    hup.unref();
    server.start();
    loop.run();
    spdlog::info("shut down");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // A peer that vanishes mid-write must cost one connection, not the process.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    const chatd::ConfigLoader loader = chatd::ConfigLoader::from_args(argc, argv);
    if (!loader.early_output().empty()) {
      std::fputs(loader.early_output().c_str(), stdout);
      return 0;
    }
    if (loader.hash_password()) return print_password_hash();
    chatd::Config config = loader.load();
    if (loader.check_only()) {
      std::fputs(chatd::to_toml(config).c_str(), stdout);
      check_certificate(config);
      return 0;
    }
    return serve(loader, std::move(config));
  } catch (const std::exception& e) {
    chatd::print_fatal_error(e.what());
    // `systemctl status` shows why, beside the exit code.
    chatd::systemd::notify(std::string("STATUS=failed to start: ") + e.what());
    return 1;
  }
}
