#!/usr/bin/env bash
# Installs what chatd needs, then builds and runs every test twice: a g++ build
# and a clang build under AddressSanitizer + UndefinedBehaviorSanitizer (with
# LeakSanitizer). Also checks formatting and that daemon/ never uses libuv directly.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

echo "== layering: daemon/ must not include <uv.h> or call uv_*"
if grep -rnE '#include <uv\.h>|\buv_[a-z_]+\(' daemon/; then
  echo "daemon/ uses libuv directly; go through reactor/" >&2
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
