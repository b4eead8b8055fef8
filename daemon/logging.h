// Logging to stderr through spdlog's default logger: timestamped lines on a
// terminal or file, sd-daemon "<N>" priority prefixes when stderr is the journal.
#pragma once

#include <string_view>

namespace chatd {

// True for the levels --log-level accepts: trace, debug, info, warn, error.
bool is_log_level(std::string_view level);

// Installs the default spdlog logger (so plain spdlog::info(...) works
// everywhere) writing to stderr, flushed after every line: tests and journald
// read it through a pipe. Call once at startup. Throws std::invalid_argument
// for a level is_log_level() rejects.
void setup_logging(std::string_view level);

// Changes the running logger's level, for SIGHUP. Throws like setup_logging.
void set_log_level(std::string_view level);

// Whether fd 2 is the stream $JOURNAL_STREAM names ("DEV:INODE" of fstat(2)).
bool stderr_is_journal();

// For an error before or instead of logging (bad flags or config): one line on
// stderr, "chatd: MESSAGE", with the journal's "<3>" prefix when it applies.
void print_fatal_error(std::string_view message);

}  // namespace chatd
