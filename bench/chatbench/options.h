// What a chatbench run was asked to do: the parsed command line of each mode.
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bench/chatbench/client_tls.h"
#include "bench/chatbench/protocol.h"
#include "bench/chatbench/source_pool.h"

namespace chatd::bench {

// Options every mode shares.
struct CommonOptions {
  // HOST:PORT or [V6]:PORT each; with several (nodes of one chat), client g
  // connects to targets[g % n], so senders and receivers are spread evenly.
  std::vector<std::string> targets{"127.0.0.1:2023"};
  std::string irc_target = "127.0.0.1:6667";  // --proto mix: where the IRC half goes
  Proto proto = Proto::kChatd;
  unsigned threads = 0;  // 0: one per CPU this process may run on
  std::vector<std::string> sources;
  SourcePool source_pool;
  pid_t server_pid = 0;              // 0: unknown; RSS and CPU of the server are not read
  std::size_t connect_window = 256;  // connects in flight (accept: --window)
  double setup_timeout_s = 60;
  bool json = false;
  std::string json_out;      // also write the JSON here
  bool progress = true;      // on a terminal only
  std::size_t fd_limit = 0;  // RLIMIT_NOFILE as raised at startup
  // --tls: every connection speaks TLS, verified against --ca for --tls-name, or
  // not verified (--insecure). Made once in main, shared by every worker.
  bool tls = false;
  std::string ca_file;
  std::string tls_name = "localhost";
  bool insecure = false;
  std::shared_ptr<const ClientTlsContext> tls_context;

  // --proto ws: the Host of every upgrade request (the first target); else null.
  const std::string* websocket_host() const {
    return proto == Proto::kWs ? &targets.front() : nullptr;
  }

  std::string targets_text() const;  // "A, B"
};

// Where client g connects: element g % size. For kMix the plain target and
// --irc-target; else one per --target. Throws std::invalid_argument.
std::vector<sockaddr_storage> target_addresses(const CommonOptions& c);

struct AcceptOptions {
  std::size_t connections = 1000;
  double rate = 0;  // connects per second; 0: as fast as the window allows
  double hold_s = 1;
  // After the hold: SIGTERM to --server-pid while every connection stays open
  // after the server's FIN (as nc does), and time the server's exit.
  bool then_sigterm = false;
  double exit_timeout_s = 30;
};

struct BroadcastOptions {
  std::size_t receivers = 100;
  std::size_t senders = 1;
  std::size_t size = 64;  // payload bytes per message
  double duration_s = 10;
  double warmup_s = 2;
  std::size_t inflight = 64;  // closed loop: unacknowledged messages per sender
  double rate = 0;            // open loop: messages per second over all senders; 0 = closed loop
  double drain_timeout_s = 5;
  std::string room = "chatbench";
  std::vector<std::size_t> sweep;  // receiver counts, one run each
  bool open_loop() const { return rate > 0; }
};

}  // namespace chatd::bench
