// chatd_soak: sizes the churn to the fd limits, spawns chatd (or attaches to one), runs the
// soak, prints the report and exits 0 only if every check passed.
#include <fmt/format.h>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "tests/soak/options.h"
#include "tests/soak/soak.h"
#include "tests/support/chatd_process.h"

namespace {

using chatd::test::ChatdProcess;
using soak::Options;

constexpr int kFdReserve = 64;        // each side's own fds: listeners, epoll, pipes, /proc
constexpr int kRefusedPerWave = 256;  // a spawned chatd's --max-clients leaves these out
constexpr int kMinChurnPeak = 100;

struct Sizing {
  int peak = 0;
  int max_clients = 0;  // for a spawned chatd
  std::string text;
};

// How many non-churn clients can be open at once (junk clients live at most 60 s).
int other_clients(const Options& o) {
  const int chatters = o.rooms * o.chatters_per_room + 1;
  const int junk = static_cast<int>(std::ceil(60 / o.junk_every_s));
  const int rst = static_cast<int>(std::ceil(12 / o.rst_every_s));
  return chatters + junk + rst + 3 + 2 * o.slowloris_pairs;
}

Sizing size_churn(const Options& o, long own_limit, long chatd_limit, bool spawned) {
  const int others = other_clients(o);
  const long room = std::min(own_limit, chatd_limit) - kFdReserve - others;
  Sizing s;
  s.peak = static_cast<int>(std::max<long>(kMinChurnPeak, room));
  if (o.churn_peak > 0) s.peak = std::min(s.peak, o.churn_peak);
  s.max_clients = std::max(1, s.peak + others - kRefusedPerWave);
  s.text = fmt::format(
      "RLIMIT_NOFILE: soak {}, chatd {}; reserve {} fds each and {} for the other clients -> "
      "churn peak {} concurrent connections{}",
      own_limit, chatd_limit, kFdReserve, others, s.peak,
      o.churn_peak > 0 ? fmt::format(" (--churn-peak {})", o.churn_peak) : "");
  if (spawned) {
    s.text += fmt::format("; chatd --max-clients {}, so about {} a wave are refused", s.max_clients,
                          kRefusedPerWave);
  }
  return s;
}

std::vector<std::string> chatd_args(const Options& o, const Sizing& s) {
  const soak::Limits& l = o.limits;
  std::vector<std::string> args = {"--output-limit",   std::to_string(l.output_limit),
                                   "--max-line-bytes", std::to_string(l.max_line_bytes),
                                   "--flood-rate",     fmt::format("{}", l.flood_rate),
                                   "--flood-burst",    fmt::format("{}", l.flood_burst),
                                   "--announce-limit", std::to_string(l.announce_limit),
                                   "--idle-timeout",   std::to_string(l.idle_timeout_s),
                                   "--max-clients",    std::to_string(s.max_clients)};
  args.insert(args.end(), o.chatd_args.begin(), o.chatd_args.end());
  return args;
}

// A sanitizer build of chatd holds freed memory in ASan's quarantine (256 MiB by default), so
// its RSS would climb for reasons of the sanitizer's own. Capped here, before the caller's
// own ASAN_OPTIONS (which win); ignored by a build without ASan.
std::string asan_options() {
  const char* given = std::getenv("ASAN_OPTIONS");
  std::string value = "ASAN_OPTIONS=quarantine_size_mb=16";
  if (given != nullptr && *given != '\0') value += std::string(":") + given;
  return value;
}

std::string describe_exit(ChatdProcess& chatd) {
  const auto status = chatd.wait_exit(chatd::test::within(std::chrono::seconds(10)));
  if (!status) return "did not exit within 10 s of SIGTERM";
  if (WIFEXITED(*status) && WEXITSTATUS(*status) == 0) return "";
  return chatd::test::describe_wait_status(*status);
}

// The end of chatd's log, without the churn's routine refusals, for a failed run.
void print_log_tail(const ChatdProcess& chatd) {
  std::vector<std::string> lines = chatd.log_lines();
  std::erase_if(lines, [](const std::string& l) { return l.find("] refused ") != l.npos; });
  const std::size_t from = lines.size() > 40 ? lines.size() - 40 : 0;
  fmt::print(stderr, "---- the last {} lines of chatd's log (refusals left out) ----\n",
             lines.size() - from);
  for (std::size_t i = from; i < lines.size(); ++i)
    fmt::print(stderr, "{}\n", lines[i]);
}

int run_spawned(const Options& o, long own_limit) {
  if (!o.chatd_binary.empty()) setenv("CHATD_BINARY", o.chatd_binary.c_str(), 1);
  Sizing sizing = size_churn(o, own_limit, own_limit, true);  // chatd inherits our limit
  chatd::test::ChatdOptions spawn;
  spawn.args = chatd_args(o, sizing);
  spawn.env.push_back(asan_options());
  const auto& args = spawn.args;
  ChatdProcess chatd(spawn);
  const long chatd_limit = soak::nofile_limit(chatd.pid()).value_or(own_limit);
  if (chatd_limit != own_limit) sizing = size_churn(o, own_limit, chatd_limit, true);

  soak::RunSummary summary;
  summary.options = o;
  summary.sizing = sizing.text;
  summary.chatd = fmt::format("spawned {} (pid {}, port {}) {}", chatd::test::chatd_binary(),
                              chatd.pid(), chatd.port(), fmt::join(args, " "));
  soak::Target target{chatd.port(), chatd.pid(), [&] { return chatd.running(); },
                      [&] { chatd.send_signal(SIGTERM); }, [&] { return describe_exit(chatd); }};
  soak::Soak run(o, std::move(target), {sizing.peak, o.churn_rate, o.churn_hold_s}, summary);
  run.run();
  soak::add_checks(summary, run.score());
  soak::print_report(summary, run.score(), stdout);
  if (!run.score().passed()) print_log_tail(chatd);
  return run.score().passed() ? 0 : 1;
}

int run_attached(const Options& o, long own_limit) {
  const long chatd_limit = o.pid > 0 ? soak::nofile_limit(o.pid).value_or(own_limit) : own_limit;
  const Sizing sizing = size_churn(o, own_limit, chatd_limit, false);
  soak::RunSummary summary;
  summary.options = o;
  summary.sizing = sizing.text;
  summary.chatd = fmt::format("attached to 127.0.0.1:{} (pid {})", o.port,
                              o.pid > 0 ? std::to_string(o.pid) : "unknown");
  const pid_t pid = o.pid;
  soak::Target target{o.port, pid, [pid] { return pid <= 0 || kill(pid, 0) == 0; }, {}, {}};
  soak::Soak run(o, std::move(target), {sizing.peak, o.churn_rate, o.churn_hold_s}, summary);
  run.run();
  soak::add_checks(summary, run.score());
  soak::print_report(summary, run.score(), stdout);
  return run.score().passed() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  int code = 0;
  const auto options = soak::parse_options(argc, argv, &code);
  if (!options) return code;
  signal(SIGPIPE, SIG_IGN);
  rlimit nofile{};
  getrlimit(RLIMIT_NOFILE, &nofile);
  const long own_limit = static_cast<long>(nofile.rlim_cur);
  try {
    return options->port != 0 ? run_attached(*options, own_limit)
                              : run_spawned(*options, own_limit);
  } catch (const std::exception& e) {
    fmt::print(stderr, "chatd_soak: {}\n", e.what());
    return 2;
  }
}
