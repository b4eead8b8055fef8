#!/usr/bin/env bash
# Installs what chatd needs, then builds and runs every test twice: a g++ build
# and a clang build under AddressSanitizer + UndefinedBehaviorSanitizer (with
# LeakSanitizer). Also checks formatting and that daemon/ never uses libuv or
# OpenSSL directly. The real-client tests run irssi, WeeChat and ZNC; the browser
# test runs the chat page in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# puppeteer-core for the browser test, at the versions of the lock file (it
# downloads no browser: the test drives Debian's chromium).
npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error

echo "== layering: daemon/ must not include <uv.h> or OpenSSL, or call uv_*"
if grep -rnE '#include <uv\.h>|\buv_[a-z_]+\(|#include <openssl/' daemon/; then
  echo "daemon/ uses libuv or OpenSSL directly; go through reactor/" >&2
  exit 1
fi

echo "== clang-format"
git ls-files '*.h' '*.cc' | xargs clang-format --dry-run --Werror

jobs=$(nproc)
echo "== g++ build (release presets: -O2) and tests"
cmake --preset release -DCHATD_BUILD_TESTS=ON -DCHATD_BUILD_BENCH=ON >/dev/null
cmake --build --preset release -j "$jobs"
ctest --preset release -j "$jobs"

echo "== systemd: the installed units under a real systemd (PID 1 in an nspawn container)"
# Installs systemd-container if needed; skips (exit 0) only when not root.
scripts/systemd-boot-test.sh build/release

echo "== clang ASan+UBSan build and tests"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cmake --preset asan-ubsan -DCHATD_BUILD_TESTS=ON >/dev/null
cmake --build --preset asan-ubsan -j "$jobs"
ctest --preset asan-ubsan -j "$jobs"

echo "== libFuzzer: the client input path for 60 s (fuzz/), seeded from fuzz/corpus"
# A separate clang build with only the fuzz target. The fuzzer writes new inputs into
# a temporary copy of the corpus, never into the repo; on a crash the input and the
# log stay there for a regression test in tests/unit/fuzz_regression_test.cc.
cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
  -DCHATD_BUILD_FUZZ=ON -DCHATD_BUILD_TESTS=OFF -DCHATD_BUILD_BENCH=OFF >/dev/null
cmake --build build/fuzz --target chatd_input_fuzz -j "$jobs"
fuzz_tmp=$(mktemp -d)
mkdir "$fuzz_tmp/corpus"
cp fuzz/corpus/input_path/* "$fuzz_tmp/corpus/"
if ! build/fuzz/fuzz/chatd_input_fuzz "$fuzz_tmp/corpus" -max_total_time=60 -rss_limit_mb=2048 \
  -max_len=8192 -timeout=10 -print_final_stats=1 -artifact_prefix="$fuzz_tmp/" \
  >"$fuzz_tmp/log" 2>&1; then
  tail -n 60 "$fuzz_tmp/log" >&2
  echo "the fuzzer failed; its input (crash-*, leak-*, oom-*, timeout-*) and log are in $fuzz_tmp" >&2
  exit 1
fi
grep -E '^#[0-9]+[[:space:]]+DONE|^stat::number_of_executed_units' "$fuzz_tmp/log"
rm -rf "$fuzz_tmp"
