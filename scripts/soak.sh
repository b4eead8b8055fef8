#!/usr/bin/env bash
# The full chaos soak: builds chatd and chatd_soak in Release, then runs chatd_soak, which
# spawns chatd on 127.0.0.1 with limits that make every rule fire and, for 10 minutes, drives
# well-behaved chatters, junk, slowloris, never-reading and RST clients and connection churn
# at the fd limit against it. Prints the report; exits non-zero if any check failed.
#
#   scripts/soak.sh [--duration SECONDS] [other chatd_soak flags, see --help]
#   scripts/soak.sh --port 2023 --pid "$(pidof chatd)"   # attach to a chatd already running
set -euo pipefail
cd "$(dirname "$0")/.."

duration=600
args=()
while (($#)); do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --duration=*) duration=${1#*=}; shift ;;
    *) args+=("$1"); shift ;;
  esac
done

scripts/setup.sh
cmake --preset release -DCHATD_BUILD_TESTS=ON >/dev/null
cmake --build --preset release --target chatd chatd_soak
echo "== chatd soak: build/release/tests/soak/chatd_soak --duration $duration ${args[*]}"
exec build/release/tests/soak/chatd_soak --duration "$duration" "${args[@]}"
