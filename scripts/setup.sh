#!/usr/bin/env bash
# Installs the Debian 12 packages chatd needs to build, test and benchmark, and
# the peers the tests run against it (irssi, WeeChat, ZNC, HAProxy, stunnel, openssl,
# Chromium and Node.js for the chat page's browser test) and the clients the README
# suggests (nc, telnet).
# Safe to run again: apt-get skips what is already installed.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang clang-format clang-tidy libclang-rt-14-dev
  libuv1-dev libhiredis-dev libfmt-dev libspdlog-dev libcli11-dev libtomlplusplus-dev libsystemd-dev libssl-dev
  googletest libgtest-dev libbenchmark-dev nlohmann-json3-dev
  netcat-openbsd telnet redis-server gnuplot-nox jq python3-prometheus-client
  openssl irssi tmux weechat-headless weechat-plugins znc haproxy stunnel4 chromium
)
# Node.js drives Chromium (puppeteer-core needs Node 18 or later): Debian's, unless
# one is installed already.
command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
