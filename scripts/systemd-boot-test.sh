#!/usr/bin/env bash
# Boots a real systemd (PID 1 of a systemd-nspawn container on a throw-away overlay
# of this machine's own root), installs chatd there with `cmake --install`, and checks
# it as an operator would use it. Needs root; installs systemd-container if missing.
# Usage: scripts/systemd-boot-test.sh [BUILD_DIR]   (default: build/release, built)
set -euo pipefail

port=2023                  # what the shipped chatd.socket listens on
irc_port=6667              # and chatd-irc.socket
ircs_port=6697             # and chatd-ircs.socket (IRC over TLS, enabled by the test)
tls_dir=/etc/chatd/tls     # the test's certificates, inside the container
watchdog_sec=2             # a drop-in shortens the shipped WatchdogSec= for the test
unit=chatd.service

say() { echo "boot-test: $*"; }
fail() {
    echo "boot-test: FAIL: $*" >&2
    exit 1
}
ct() { nsenter -t "$leader" -a "$@"; }   # run a command inside the container

# Polls "$@" every 0.1 s for at most $1 seconds; true once it succeeds.
wait_until() {
    local seconds=$1 i
    shift
    for ((i = 0; i < seconds * 10; i++)); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}
is_active() { [[ $(ct systemctl is-active "$unit" || true) == active ]]; }
# Output is captured before grep: with pipefail, `grep -q` closing the pipe early
# would fail the producer with SIGPIPE.
status_text() { ct systemctl show -p StatusText --value "$unit"; }
status_has() { [[ $(status_text) == *"$1"* ]]; }
journal() { ct journalctl -u "$unit" -o cat --no-pager "$@"; }
journal_has() {
    local text
    text=$(journal "${@:2}")
    grep -q -- "$1" <<<"$text"
}
main_pid() { ct systemctl show -p MainPID --value "$unit"; }

# ---- the checks: run inside the container's network namespace ("--drive") -------------

# A chat client is a bash fd on /dev/tcp; every read has a deadline.
connect() { exec {client}<>"/dev/tcp/127.0.0.1/$port"; }
send_line() { printf '%s\n' "$2" >&"$1"; }
expect_line() {   # FD TEXT: skip lines until one contains TEXT (5 s at most per line)
    local line
    while IFS= read -r -t 5 -u "$1" line; do
        [[ $line == *"$2"* ]] && return 0
    done
    fail "client fd $1 never got a line containing '$2'"
}
join_as() {   # NICK: connect, rename, leave the new fd in $client
    connect
    expect_line "$client" "welcome to chatd"
    send_line "$client" "/nick $1"
    expect_line "$client" "is now known as $1"
}

# IRC registration over a bash fd: NICK and USER, then the 001 welcome.
check_irc() {
    local irc
    exec {irc}<>"/dev/tcp/127.0.0.1/$irc_port"
    printf 'NICK ircuser\r\nUSER ircuser 0 * :IRC User\r\nJOIN #lobby\r\n' >&"$irc"
    expect_line "$irc" " 001 ircuser "
    expect_line "$irc" " 366 ircuser #lobby "
    expect_line "$alice" "*** ircuser joined #lobby"
    journal_has "listening on irc://0.0.0.0:$irc_port (socket activation)" ||
        fail "chatd did not serve the inherited IRC socket as IRC"
    exec {irc}>&-
    say "IRC over chatd-irc.socket ok"
}

check_socket_activation() {
    ct systemctl enable --now --quiet chatd.socket chatd-irc.socket
    [[ $(ct systemctl is-active "$unit" || true) == inactive ]] ||
        fail "chatd.service runs before any connection"
    join_as alice
    alice=$client
    wait_until 10 is_active || fail "first connection did not activate $unit"
    join_as bob
    bob=$client
    wait_until 5 status_has "2 clients" || fail "StatusText never showed 2 clients: $(status_text)"
    say "socket activation ok; StatusText='$(status_text)'"
    journal_has "listening on plain://0.0.0.0:$port (socket activation)" ||
        fail "chatd did not serve the inherited IPv4 socket"
    journal_has "listening on plain://\[::\]:$port (socket activation)" ||
        fail "chatd did not serve the inherited IPv6 socket"
}

# The config file chatd.service runs with (cmake --install puts it under the prefix).
config_file() {
    local exec
    exec=$(ct systemctl show -p ExecStart --value "$unit")
    grep -o -- '--config [^ ;]*' <<<"$exec" | head -1 | cut -d' ' -f2
}
# SHA-256 fingerprint of the certificate chatd serves on the TLS port now.
served_fingerprint() {
    openssl s_client -connect "127.0.0.1:$ircs_port" -servername localhost </dev/null 2>/dev/null |
        openssl x509 -noout -fingerprint -sha256
}
file_fingerprint() { openssl x509 -noout -fingerprint -sha256 -in "$1"; }

# IRC over TLS through chatd-ircs.socket, with a key readable by group ssl-cert only
# (SupplementaryGroups=ssl-cert, as the README says); then a renewal is a reload.
check_tls() {
    local config tls before
    config=$(config_file)
    ct sh -c "printf 'tls_cert = \"%s\"\ntls_key = \"%s\"\n' $tls_dir/cert.pem $tls_dir/key.pem >>'$config'"
    ct chgrp ssl-cert "$tls_dir/key.pem"
    ct chmod 0640 "$tls_dir/key.pem"
    # systemd starts no socket unit whose service is running: stop, enable, start.
    ct systemctl stop "$unit" 2>/dev/null
    ct systemctl enable --now --quiet chatd-ircs.socket
    ct systemctl start "$unit"
    wait_until 10 is_active || fail "chatd did not start again with chatd-ircs.socket"
    join_as alice
    alice=$client
    join_as bob
    bob=$client
    journal_has "listening on irc+tls://0.0.0.0:$ircs_port (socket activation)" ||
        fail "chatd did not serve the inherited TLS socket as irc+tls"
    coproc TLS { openssl s_client -quiet -connect "127.0.0.1:$ircs_port" -servername localhost \
        -CAfile "$root$tls_dir/ca.pem" -verify_return_error -verify_hostname localhost 2>/dev/null; }
    tls=${TLS[1]}
    printf 'NICK tlsuser\r\nUSER tlsuser 0 * :TLS User\r\n' >&"$tls"
    expect_line "${TLS[0]}" " 001 tlsuser "
    kill "$TLS_PID" 2>/dev/null || true
    say "IRC over TLS through chatd-ircs.socket ok (key readable by group ssl-cert only)"

    before=$(served_fingerprint)
    [[ $before == "$(file_fingerprint "$root$tls_dir/cert.pem")" ]] ||
        fail "chatd serves '$before', not the configured certificate"
    ct cp "$tls_dir/renewed-cert.pem" "$tls_dir/cert.pem"
    ct cp "$tls_dir/renewed-key.pem" "$tls_dir/key.pem"
    ct chgrp ssl-cert "$tls_dir/key.pem"
    ct chmod 0640 "$tls_dir/key.pem"
    ct systemctl reload "$unit"
    wait_until 5 journal_has "TLS certificate reloaded" || fail "reload did not reload the certificate"
    [[ $(served_fingerprint) == "$(file_fingerprint "$root$tls_dir/renewed-cert.pem")" ]] ||
        fail "after the reload chatd still serves $(served_fingerprint)"
    say "certificate renewal by systemctl reload ok"
}

check_sandbox() {
    local pid status
    pid=$(main_pid)
    status=$(ct cat "/proc/$pid/status")
    grep -qE '^Uid:\s+[1-9]' <<<"$status" || fail "chatd runs as root (DynamicUser=)"
    grep -qE '^CapEff:\s+0+$' <<<"$status" || fail "chatd has capabilities"
    grep -qE '^NoNewPrivs:\s+1$' <<<"$status" || fail "NoNewPrivileges= not in force"
    journal_has "file descriptor limit" || fail "chatd did not log its fd limit"
    local limit
    limit=$(journal | grep '^file descriptor limit' | tail -1)
    say "sandbox ok: user $(ct systemctl show -p User --value "$unit"), CapEff 0, NoNewPrivs;" \
        "chatd says: $limit"
}

check_journal() {
    # <6> lines are filed as info, not err, and carry no timestamp of chatd's own.
    journal_has "listening on" -p info || fail "info lines missing from the journal"
    ! journal_has "listening on" -p err || fail "info lines filed as errors"
    # Here LimitNOFILE= is clamped below the example's max_clients: chatd warns.
    local limit
    limit=$(journal | sed -n 's/^file descriptor limit \([0-9]*\).*/\1/p' | tail -1)
    if ((limit < 50000)); then
        journal_has "does not fit the file descriptor limit" -p warning ||
            fail "the fd-limit warning is not filed at priority warning"
        ! journal_has "does not fit the file descriptor limit" -p err || fail "a warning filed as error"
    fi
    local text
    text=$(journal)
    ! grep -qE '^(<[0-7]>|[0-9]{4}-[0-9]{2}-[0-9]{2})' <<<"$text" ||
        fail "chatd's lines reach the journal with a <N> prefix or a timestamp of their own"
    say "journal priorities ok"
}

check_reload() {
    local pid config
    pid=$(main_pid)
    ct systemctl reload "$unit"
    wait_until 5 journal_has "configuration reloaded" || fail "reload did not reload"
    config=$(config_file)
    ct cp "$config" "$config.good"
    ct sh -c "echo 'max_clients = \"many\"' >>'$config'"
    ct systemctl reload "$unit"
    wait_until 5 journal_has "reload failed" -p err || fail "a broken config was not logged as an error"
    ct mv "$config.good" "$config"
    [[ $(main_pid) == "$pid" ]] && is_active || fail "reload restarted or stopped chatd"
    send_line "$alice" "still here after two reloads"
    expect_line "$bob" "<alice> still here after two reloads"
    say "reload ok: same pid, clients kept, broken config reported at priority err"
}

check_stop() {
    ct systemctl stop "$unit" 2>/dev/null # warns that chatd.socket can start it again
    expect_line "$alice" "server shutting down"
    [[ $(ct systemctl show -p Result --value "$unit") == success ]] ||
        fail "stop ended with Result=$(ct systemctl show -p Result --value "$unit")"
    journal_has "shut down" || fail "chatd did not log its shutdown"
    say "stop ok: clients told, Result=success"
}

check_watchdog() {
    local pid
    join_as carol
    wait_until 10 is_active || fail "a new connection did not start $unit again"
    pid=$(main_pid)
    ct kill -STOP "$pid"
    # A queued connection restarts the service at once: assert on the journal.
    wait_until 15 journal_has "Failed with result 'watchdog'" ||
        fail "a frozen chatd was not killed by the watchdog"
    ct kill -CONT "$pid" 2>/dev/null || true
    wait_until 10 is_active || fail "$unit was not restarted after the watchdog kill"
    [[ $(main_pid) != "$pid" ]] || fail "the frozen chatd is still the main process"
    say "watchdog ok: frozen loop killed after WatchdogSec=${watchdog_sec}s, service restarted"
    ct systemctl stop "$unit" chatd.socket chatd-irc.socket chatd-ircs.socket
}

# Two nodes of the chatd@.service template on one port (SO_REUSEPORT), one chat
# through the container's own Redis (Debian's redis-server, as an operator runs it).
node_active() { [[ $(ct systemctl is-active "chatd@$1" || true) == active ]]; }
node_linked() {
    local text
    text=$(ct journalctl -u "chatd@$1" -o cat --no-pager)
    grep -q -- "cluster: linked" <<<"$text"
}
node_users() { # the client count at the start of chatd@N's StatusText, 0 if none
    local text
    text=$(ct systemctl show -p StatusText --value "chatd@$1")
    [[ $text =~ ^([0-9]+)\  ]] && echo "${BASH_REMATCH[1]}" || echo 0
}
both_nodes_have_users() { (($(node_users 1) > 0 && $(node_users 2) > 0)); }
check_nodes() {
    local config users=() i
    config=$(config_file)
    ct systemctl start redis-server || fail "redis-server did not start in the container"
    ct sh -c "printf 'redis = \"redis://127.0.0.1:6379\"\n' >>'$config'"
    ct systemctl start chatd@1 chatd@2
    for i in 1 2; do
        wait_until 10 node_active "$i" || fail "chatd@$i did not start"
        wait_until 15 node_linked "$i" || fail "chatd@$i did not link to Redis"
    done
    # Users until the kernel has put some on each node (StatusText counts them).
    for i in $(seq 16); do
        join_as "node$i"
        users+=("$client")
        ((i >= 4)) && wait_until 2 both_nodes_have_users && break
    done
    both_nodes_have_users || fail "${#users[@]} connections did not reach both nodes"
    send_line "${users[0]}" "one port, two nodes"
    for ((i = 1; i < ${#users[@]}; i++)); do
        expect_line "${users[$i]}" "<node1> one port, two nodes"
    done
    ct systemctl stop chatd@1
    join_as later
    send_line "$client" "still served"
    local told=0 heard=0 line
    for ((i = 0; i < ${#users[@]}; i++)); do
        # chatd@1's users were told it shut down; chatd@2's hear the newcomer.
        while IFS= read -r -t 5 -u "${users[$i]}" line; do
            [[ $line == *"server shutting down"* ]] && { told=$((told + 1)); break; }
            [[ $line == *"<later> still served"* ]] && { heard=$((heard + 1)); break; }
        done
    done
    ((told >= 1 && heard >= 1 && told + heard == ${#users[@]})) ||
        fail "after chatd@1 stopped: $told told, $heard heard the newcomer, of ${#users[@]}"
    say "chatd@1 and chatd@2 shared port $port and one chat; after chatd@1 stopped," \
        "$told of its users were told and $heard on chatd@2 chatted on"
    ct systemctl stop chatd@2 redis-server
}

drive() {
    check_socket_activation
    check_irc
    check_tls
    check_sandbox
    check_journal
    check_reload
    check_stop
    check_watchdog
    check_nodes
}

if [[ ${1:-} == --drive ]]; then
    leader=$2
    root=$3
    drive
    exit 0
fi

# ---- setup: overlay, install, boot --------------------------------------------------------

if [[ $(id -u) -ne 0 ]]; then
    say "SKIP: needs root (overlay mount, systemd-nspawn); run as root to test the units"
    exit 0
fi
cd "$(dirname "$0")/.."
build=${1:-build/release}
[[ -x $build/daemon/chatd ]] || fail "no chatd in $build (build it first)"
if ! command -v systemd-nspawn >/dev/null; then
    say "installing systemd-container"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd-container >/dev/null
fi

work=$(mktemp -d /tmp/chatd-boot-test.XXXXXX)
machine=chatd-boot-$$
nspawn_pid=
leader=

# Without a host systemd, nspawn --keep-unit splits the caller's cgroup into payload/
# and supervisor/ and leaves them behind: run it from a cgroup of our own, removed after.
cgroup_trees=()
v1_home=$(sed -n 's/^[0-9]*:name=systemd://p' /proc/self/cgroup)
v2_home=$(sed -n 's/^0:://p' /proc/self/cgroup)
if [[ -d /sys/fs/cgroup/systemd ]]; then # hybrid: v1 name=systemd + v2 "unified"
    cgroup_trees=("/sys/fs/cgroup/systemd$v1_home")
    [[ -d /sys/fs/cgroup/unified ]] && cgroup_trees+=("/sys/fs/cgroup/unified$v2_home")
else
    cgroup_trees=("/sys/fs/cgroup$v2_home")
fi

cleanup() {
    local rc=$?
    if ((rc != 0)) && [[ -n $leader ]]; then
        echo "---- journal of $unit in the container ----" >&2
        ct journalctl -u "$unit" -u chatd.socket -u chatd-irc.socket -u chatd-ircs.socket \
            -u chatd@1 -u chatd@2 -u redis-server --no-pager \
            -o short-monotonic >&2 || true
    fi
    if [[ -n $nspawn_pid ]] && kill -0 "$nspawn_pid" 2>/dev/null; then
        kill -TERM "$nspawn_pid" # nspawn asks the container's systemd to power off
        timeout 20 tail --pid="$nspawn_pid" -f /dev/null || kill -KILL "$nspawn_pid"
    fi
    ((rc == 0)) || cat "$work/console.log" >&2 2>/dev/null || true
    umount "$work/merged" 2>/dev/null || true
    umount "$work/rw" 2>/dev/null || true
    rm -rf "$work" "/run/systemd/nspawn/propagate/$machine"
    for tree in "${cgroup_trees[@]}"; do
        echo $$ >"$tree/cgroup.procs"
        find "$tree/$machine" -depth -type d -exec rmdir {} + 2>/dev/null || true
    done
    exit "$rc"
}
trap cleanup EXIT
for tree in "${cgroup_trees[@]}"; do
    mkdir "$tree/$machine"
    echo $$ >"$tree/$machine/cgroup.procs"
done

# The writable layer lives on a tmpfs: upper/work may not be on the lower filesystem.
mkdir -p "$work/rw" "$work/merged"
mount -t tmpfs tmpfs "$work/rw"
mkdir -p "$work/rw/upper" "$work/rw/work"
mount -t overlay overlay -o "lowerdir=/,upperdir=$work/rw/upper,workdir=$work/rw/work" \
    "$work/merged"
root=$work/merged

# Exactly what an operator runs: cmake --install (default prefix /usr/local).
DESTDIR=$root cmake --install "$build" --component chatd >"$work/install.log"
mkdir -p "$root/etc/systemd/system/$unit.d"
printf '[Service]\nWatchdogSec=%ss\n' "$watchdog_sec" >"$root/etc/systemd/system/$unit.d/test.conf"
# What an operator with a certificate does: a key for group ssl-cert, and the group for chatd.
grep -q '^ssl-cert:' "$root/etc/group" || groupadd -R "$root" --system ssl-cert
printf '[Service]\nSupplementaryGroups=ssl-cert\n' >"$root/etc/systemd/system/$unit.d/tls.conf"
make_certificates() { # a test CA, a localhost certificate and its renewal, ECDSA P-256
    local d=$root$tls_dir name
    mkdir -p "$d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
        -subj /CN=chatd-boot-test-ca -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null
    for name in cert renewed-cert; do
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
            -keyout "$d/${name%cert}key.pem" -out "$d/$name.csr" 2>/dev/null
        openssl x509 -req -in "$d/$name.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
            -days 2 -out "$d/$name.pem" -extfile <(printf 'subjectAltName=DNS:localhost\n') 2>/dev/null
    done
    chmod 0644 "$d"/*.pem
}
make_certificates || fail "openssl could not make the test certificates"

t0=$(date +%s%N)
# --private-network: the container's own loopback, so port 2023 never clashes with
# the host or a parallel run. --console=pipe: CI has no tty.
systemd-nspawn -D "$root" -M "$machine" --boot --register=no --keep-unit \
    --private-network --link-journal=no --console=pipe \
    -- --unit=basic.target </dev/null >"$work/console.log" 2>&1 &
nspawn_pid=$!

find_leader() { # nspawn forks a short-lived helper first; PID 1 is the one whose NSpid ends in 1
    local pid
    for pid in $(ps -o pid= --ppid "$nspawn_pid"); do
        grep -qE '^NSpid:.*[[:space:]]1$' "/proc/$pid/status" 2>/dev/null && leader=$pid
    done
    [[ -n $leader ]]
}
wait_until 10 find_leader || fail "the container did not start"
booted() { [[ $(ct systemctl is-system-running 2>/dev/null || true) =~ ^(running|degraded)$ ]]; }
wait_until 60 booted || fail "the container's systemd did not finish booting"
say "systemd booted in $(((($(date +%s%N) - t0) / 1000000))) ms"

# Every wait inside is bounded; this bounds a systemctl call that would hang.
timeout 120 nsenter -t "$leader" -n -- bash "$0" --drive "$leader" "$root" ||
    fail "the checks failed or did not finish in 120 s"
say "PASS in $(((($(date +%s%N) - t0) / 1000000))) ms"
