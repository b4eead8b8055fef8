#!/usr/bin/env bash
# Installs what chatd needs, builds it in Release and runs it in the foreground.
# Arguments go to chatd: scripts/run.sh --listen 127.0.0.1:2023 --motd "hello"
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release -DCHATD_BUILD_TESTS=OFF -DCHATD_BUILD_BENCH=OFF >/dev/null
cmake --build --preset release --target chatd
exec build/release/daemon/chatd "$@"
