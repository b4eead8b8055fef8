// spdlog setup for chatd: one stderr sink, a level from the config, and the
// journal's priority prefixes as a custom pattern flag.
#include "daemon/logging.h"

#include <fmt/format.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

namespace chatd {
namespace {

struct LevelName {
  std::string_view name;
  spdlog::level::level_enum level;
};

constexpr LevelName kLevels[] = {
    {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug}, {"info", spdlog::level::info},
    {"warn", spdlog::level::warn},   {"error", spdlog::level::err},
};

spdlog::level::level_enum parse_level(std::string_view name) {
  for (const LevelName& l : kLevels) {
    if (l.name == name) return l.level;
  }
  throw std::invalid_argument(
      fmt::format("unknown log level '{}': trace, debug, info, warn or error", name));
}

// sd-daemon(3) priorities: journald strips the "<N>" and files the line under N,
// so its own timestamp replaces ours.
std::string_view journal_prefix(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return "<7>";
    case spdlog::level::info:
      return "<6>";
    case spdlog::level::warn:
      return "<4>";
    case spdlog::level::err:
      return "<3>";
    default:
      return "<2>";
  }
}

// %* in the pattern: the journal prefix of the line's level.
class JournalPriority final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const std::string_view prefix = journal_prefix(msg.level);
    dest.append(prefix.data(), prefix.data() + prefix.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JournalPriority>();
  }
};

std::unique_ptr<spdlog::formatter> make_formatter(bool journal) {
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  if (journal) {
    formatter->add_flag<JournalPriority>('*').set_pattern("%*%v");
  } else {
    formatter->set_pattern("%Y-%m-%d %H:%M:%S.%e [%l] %v");
  }
  return formatter;
}

}  // namespace

bool is_log_level(std::string_view level) {
  for (const LevelName& l : kLevels) {
    if (l.name == level) return true;
  }
  return false;
}

void setup_logging(std::string_view level) {
  const auto parsed = parse_level(level);
  // _mt although chatd has one thread: the cost is one uncontended mutex per
  // line, and a library or test thread that logs stays safe.
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  sink->set_formatter(make_formatter(stderr_is_journal()));
  auto logger = std::make_shared<spdlog::logger>("chatd", std::move(sink));
  logger->set_level(parsed);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(std::move(logger));
}

void set_log_level(std::string_view level) {
  spdlog::default_logger_raw()->set_level(parse_level(level));
}

bool stderr_is_journal() {
  const char* env = std::getenv("JOURNAL_STREAM");
  if (env == nullptr) return false;
  unsigned long long dev = 0;
  unsigned long long ino = 0;
  if (std::sscanf(env, "%llu:%llu", &dev, &ino) != 2) return false;
  struct stat st {};
  if (fstat(2, &st) != 0) return false;
  return st.st_dev == dev && st.st_ino == ino;
}

void print_fatal_error(std::string_view message) {
  std::fprintf(stderr, "%schatd: %.*s\n", stderr_is_journal() ? "<3>" : "",
               static_cast<int>(message.size()), message.data());
  std::fflush(stderr);
}

}  // namespace chatd
