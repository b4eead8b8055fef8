// chatd's entry point: configuration, logging, the server on one loop, signals,
// and the mapping of startup errors to a message and a non-zero exit.
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <string>

#include "daemon/config.h"
#include "daemon/logging.h"
#include "daemon/server.h"
#include "daemon/systemd.h"
#include "reactor/loop.h"
#include "reactor/signal_watch.h"

namespace {

// The limit chatd really got (systemd's LimitNOFILE= can be clamped by the
// host's hard limit), and a warning when max_clients cannot be reached under it.
void log_fd_limit(std::size_t max_clients) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  spdlog::info("file descriptor limit {} (about that many clients at most)", rl.rlim_cur);
  if (rl.rlim_cur != RLIM_INFINITY && max_clients > rl.rlim_cur) {
    spdlog::warn(
        "max_clients {} is above the file descriptor limit {}: accepts will fail with "
        "EMFILE first (raise LimitNOFILE= or ulimit -n)",
        max_clients, rl.rlim_cur);
  }
}

int serve(const chatd::ConfigLoader& loader, chatd::Config config) {
  chatd::setup_logging(config.log_level);
  spdlog::info("chatd {} starting", CHATD_VERSION);
  log_fd_limit(config.max_clients);
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
    chatd::Config config = loader.load();
    if (loader.check_only()) {
      std::fputs(chatd::to_toml(config).c_str(), stdout);
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
