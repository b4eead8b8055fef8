#!/usr/bin/env bash
# Benchmarks chatd against Redis pub/sub on this machine with chatbench: builds Release,
# pins each server to one core and chatbench to the others, runs the standard suite, and
# prints a markdown table (chatd, Redis, ratio, target) plus JSON files and a PNG chart.
# Then the protocol suite: plain, IRC, a 50/50 mixed room and WebSocket (the web front end),
# IRC and WebSocket connections and their memory, and chatd against chatbench_relay, the
# bare line relay that is its fan-out ceiling.
#
#   scripts/bench.sh [OUTDIR]        default OUTDIR: build/bench-results/YYYYmmdd-HHMMSS
#
# Environment: ACCEPT_ROUNDS (5: accept runs per server, the median is reported),
# DURATION (10 s per broadcast run), WARMUP (2 s), INFLIGHT (closed loop:
# unacknowledged messages per sender, 256), OPEN_RATE (open-loop messages/s, 500),
# OPEN_SENDERS (10), SOURCES (127.0.0.1-127.0.0.8: loopback source addresses, so the
# ~28k ephemeral ports per address pair and TIME_WAIT never run out), PROTOCOL_ROUNDS (3:
# rounds of the protocol suite, medians reported), QUIET_WAIT (15: seconds
# to wait before each run for other work on the machine to pause), SKIP_BUILD=1,
# ONLY=protocols (the protocol suite alone, without the comparison with Redis),
# ONLY=cluster (the cluster suite alone: chatd nodes sharing one chat through their own
# Redis; CLUSTER_RATE_LOW, 20 messages/s, is its baseline for Redis's cost per line).
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${1:-build/bench-results/$(date +%Y%m%d-%H%M%S)}
ACCEPT_ROUNDS=${ACCEPT_ROUNDS:-5}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
INFLIGHT=${INFLIGHT:-256}
OPEN_RATE=${OPEN_RATE:-500}
OPEN_SENDERS=${OPEN_SENDERS:-10}
# The cluster suite's open-loop receivers: at 500 messages/s, 1,000 receivers are 500,000
# deliveries/s, which saturate chatbench's one core here and measure its queue, not chatd's.
CLUSTER_RECEIVERS=${CLUSTER_RECEIVERS:-100}
SOURCES=${SOURCES:-127.0.0.1-127.0.0.8}
QUIET_WAIT=${QUIET_WAIT:-15}
CHATD=build/release/daemon/chatd
CHATBENCH=build/release/bench/chatbench
RELAY=build/release/bench/chatbench_relay
mkdir -p "$OUT"
LOGS=$OUT/logs
mkdir -p "$LOGS"

log() { printf '== %s\n' "$*" >&2; }
# j FILE FILTER: one value from a JSON report; R: where a report's figures are.
j() { jq -r "$2" "$OUT/$1.json"; }
R='.runs[0].results'

# ---- build and machine layout ---------------------------------------------------------------

if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  scripts/setup.sh
  log "building Release (-O2)"
  cmake --preset release -DCHATD_BUILD_BENCH=ON >/dev/null
  cmake --build --preset release --target chatd chatbench chatbench_relay
fi
for tool in redis-server redis-cli gnuplot jq taskset; do
  command -v "$tool" >/dev/null || { echo "bench.sh: $tool is missing (scripts/setup.sh installs it)" >&2; exit 1; }
done

CPUS=$(nproc)
if ((CPUS >= 2)); then
  SERVER_PIN=(taskset -c 0)
  BENCH_CPUS=1
  ((CPUS == 2)) || BENCH_CPUS="1-$((CPUS - 1))"
  BENCH_PIN=(taskset -c "$BENCH_CPUS")
  LAYOUT="servers pinned to CPU 0, chatbench to CPU $BENCH_CPUS"
else
  SERVER_PIN=()
  BENCH_PIN=()
  LAYOUT="one CPU: server and chatbench share it (figures are not comparable with 2+ cores)"
fi
log "$LAYOUT; fd limit $(ulimit -Hn)"

# ---- servers --------------------------------------------------------------------------------

CHATD_PID="" CHATD_PORT="" CHATD_IRC_PORT="" REDIS_PID="" REDIS_PORT="" RELAY_PID="" RELAY_PORT=""
cleanup() { stop_chatd; stop_nodes; stop_redis; stop_relay; }
trap cleanup EXIT

stop_pid() {
  local pid=$1
  [[ -n $pid ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
stop_chatd() { stop_pid "$CHATD_PID"; CHATD_PID=""; }
stop_redis() { stop_pid "$REDIS_PID"; REDIS_PID=""; }
stop_relay() { stop_pid "$RELAY_PID"; RELAY_PID=""; }

# Waits (at most 10 s) until a server's log shows that it is ready.
wait_for_log() {
  local pid=$1 file=$2 pattern=$3
  for _ in $(seq 100); do
    grep -q "$pattern" "$file" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench.sh: server did not start; its log:" >&2
  cat "$file" >&2
  exit 1
}

start_chatd() {
  local logfile=$LOGS/chatd-$1.log
  "${SERVER_PIN[@]}" "$CHATD" --listen 127.0.0.1:0 --listen irc://127.0.0.1:0 \
    --listen web://127.0.0.1:0 --announce-limit 10 >"$logfile" 2>&1 &
  CHATD_PID=$!
  wait_for_log "$CHATD_PID" "$logfile" "listening on web://"
  CHATD_PORT=$(grep -o 'listening on plain://127.0.0.1:[0-9]*' "$logfile" | head -1 | sed 's/.*://')
  CHATD_IRC_PORT=$(grep -o 'listening on irc://127.0.0.1:[0-9]*' "$logfile" | head -1 | sed 's/.*://')
  CHATD_WEB_PORT=$(grep -o 'listening on web://127.0.0.1:[0-9]*' "$logfile" | head -1 | sed 's/.*://')
}

start_relay() {
  local logfile=$LOGS/relay-$1.log
  "${SERVER_PIN[@]}" "$RELAY" --listen 127.0.0.1:0 >"$logfile" 2>&1 &
  RELAY_PID=$!
  wait_for_log "$RELAY_PID" "$logfile" "listening on "
  RELAY_PORT=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$logfile" | head -1 | sed 's/.*://')
}

free_port() {
  local p
  for p in $(seq 16379 16479); do
    ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
  echo "bench.sh: no free port for redis in 16379-16479" >&2
  exit 1
}

# Persistence off; protected mode off because it would refuse the 127.0.0.x sources (it
# listens on 127.0.0.1 only); maxclients just under the fd limit.
start_redis() {
  local logfile=$LOGS/redis-$1.log
  REDIS_PORT=$(free_port)
  "${SERVER_PIN[@]}" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' \
    --appendonly no --daemonize no --maxclients 19900 --protected-mode no --logfile "" \
    >"$logfile" 2>&1 &
  REDIS_PID=$!
  wait_for_log "$REDIS_PID" "$logfile" "Ready to accept connections"
}

# Cluster nodes: chatd with --redis (pinned with the servers), each on its own plain port.
NODE_PIDS=() NODE_PORTS=()
# start_node NAME [ARGS...]: one more node; given ARGS (--redis ...), waits until it is linked.
start_node() {
  local name=$1 logfile=$LOGS/node-$1.log pid
  shift
  "${SERVER_PIN[@]}" "$CHATD" --listen 127.0.0.1:0 --announce-limit 10 "$@" >"$logfile" 2>&1 &
  pid=$!
  NODE_PIDS+=("$pid")
  wait_for_log "$pid" "$logfile" "listening on plain://"
  NODE_PORTS+=("$(grep -o 'listening on plain://127.0.0.1:[0-9]*' "$logfile" | head -1 | sed 's/.*://')")
  if (($# > 0)); then wait_for_log "$pid" "$logfile" "cluster: linked"; fi
}
stop_nodes() {
  local pid
  for pid in "${NODE_PIDS[@]}"; do stop_pid "$pid"; done
  NODE_PIDS=() NODE_PORTS=()
}
# CPU seconds (user + system) the running redis-server has used.
redis_cpu() {
  [[ -n $REDIS_PID ]] || { echo 0; return; }
  redis-cli -p "$REDIS_PORT" INFO cpu | tr -d '\r' |
    awk -F: '$1 == "used_cpu_user" || $1 == "used_cpu_sys" { s += $2 } END { printf "%.6f\n", s }'
}

# ---- a quiet machine -------------------------------------------------------------------------

# CPU the whole machine used over the last second, in percent of one CPU.
busy_percent() {
  local u n s i w q sq st u2 n2 s2 i2 w2 q2 sq2 st2
  read -r _ u n s i w q sq st _ </proc/stat
  sleep 1
  read -r _ u2 n2 s2 i2 w2 q2 sq2 st2 _ </proc/stat
  local busy=$(((u2 + n2 + s2 + q2 + sq2 + st2) - (u + n + s + q + sq + st)))
  local idle=$(((i2 + w2) - (i + w)))
  echo $((100 * CPUS * busy / (busy + idle + 1)))
}

# Waits up to QUIET_WAIT seconds for other work on the machine (builds, tests) to pause,
# since it would take CPU from the server or chatbench; a run that starts anyway says how
# busy the machine was in its notes and in the CPU table.
wait_quiet() {
  local deadline=$((SECONDS + QUIET_WAIT)) busy
  while :; do
    busy=$(busy_percent)
    ((busy < 25)) && return 0
    if ((SECONDS >= deadline)); then
      log "machine still ${busy}% busy after ${QUIET_WAIT} s: measuring anyway"
      return 0
    fi
  done
}

# ---- the suite ------------------------------------------------------------------------------

# bench SERVER MODE NAME ARGS...: one chatbench run against that running server; the JSON
# report is kept as OUT/SERVER-NAME.json, the table goes to stderr with the progress.
bench() {
  local server=$1 mode=$2 name=$3 pid port
  shift 3
  if [[ $server == chatd ]]; then pid=$CHATD_PID port=$CHATD_PORT; else pid=$REDIS_PID port=$REDIS_PORT; fi
  wait_quiet
  log "$server: $mode $name"
  "${BENCH_PIN[@]}" "$CHATBENCH" "$mode" --proto "$server" --target "127.0.0.1:$port" \
    --server-pid "$pid" --source "$SOURCES" --json-out "$OUT/$server-$name.json" "$@" >&2
}

# bench_proto PROTO NAME ARGS...: a run against chatd in PROTO (chatd = plain, irc, mix, ws) or
# against the relay; the report is OUT/PROTO-NAME.json.
# A room per run, named as briefly as a real one ("#b12"): IRC lines carry the room name.
RUN_COUNT=0
bench_proto() {
  local proto=$1 name=$2 pid=$CHATD_PID port=$CHATD_PORT
  shift 2
  RUN_COUNT=$((RUN_COUNT + 1))
  ROOM="b$RUN_COUNT"
  [[ $proto == irc ]] && port=$CHATD_IRC_PORT
  [[ $proto == ws ]] && port=$CHATD_WEB_PORT
  [[ $proto == relay ]] && pid=$RELAY_PID port=$RELAY_PORT
  wait_quiet
  log "$proto: $name"
  "${BENCH_PIN[@]}" "$CHATBENCH" broadcast --proto "$proto" --target "127.0.0.1:$port" \
    --irc-target "127.0.0.1:$CHATD_IRC_PORT" --room "$ROOM" --server-pid "$pid" \
    --source "$SOURCES" --json-out "$OUT/$proto-$name.json" "$@" >&2
}

# bench_nodes NAME ARGS...: a plain broadcast over every running node (receivers and senders
# spread over them in turn); the report is OUT/cluster-NAME.json (its server CPU and RSS are
# the first node's), and the CPU seconds Redis used meanwhile OUT/cluster-NAME.redis-cpu.
bench_nodes() {
  local name=$1 port before after targets=()
  shift
  for port in "${NODE_PORTS[@]}"; do targets+=(--target "127.0.0.1:$port"); done
  RUN_COUNT=$((RUN_COUNT + 1))
  wait_quiet
  log "cluster: $name (${#NODE_PORTS[@]} node(s))"
  before=$(redis_cpu)
  "${BENCH_PIN[@]}" "$CHATBENCH" broadcast --proto chatd "${targets[@]}" --room "c$RUN_COUNT" \
    --server-pid "${NODE_PIDS[0]}" --source "$SOURCES" --json-out "$OUT/cluster-$name.json" "$@" >&2
  after=$(redis_cpu)
  awk -v a="$before" -v b="$after" 'BEGIN { printf "%.6f\n", b - a }' >"$OUT/cluster-$name.redis-cpu"
}

# keep_median NAME PROTOS...: of the rounds of run NAME (OUT/rounds/PROTO-NAME-N.json), the
# one with the median deliveries/s stands for each protocol as OUT/PROTO-NAME.json.
keep_median() {
  local name=$1 proto median
  shift
  for proto in "$@"; do
    median=$(for f in "$OUT/rounds/$proto-$name"-*.json; do
      printf '%s %s\n' "$(jq '.runs[0].results.deliveries_per_s' "$f")" "$f"
    done | sort -g | awk '{ f[NR] = $2 } END { print f[int((NR + 1) / 2)] }')
    cp "$median" "$OUT/$proto-$name.json"
  done
}

# Plain, IRC, mixed and WebSocket rooms on one chatd, then chatd against the relay at 16 and
# 256 messages in flight, in PROTOCOL_ROUNDS rounds that alternate the protocols (each figure
# is its median round, as the machine's noise moves single runs by 10-20%); then 10,000 IRC
# registrations and 10,000 WebSocket upgrades (RSS per connection).
protocol_runs() {
  local closed=(--duration "$DURATION" --warmup "$WARMUP" --inflight "$INFLIGHT" --size 64)
  local senders proto inflight round
  mkdir -p "$OUT/rounds"
  start_chatd protocols
  start_relay protocols
  for round in $(seq "${PROTOCOL_ROUNDS:-3}"); do
    for senders in 1 10; do
      for proto in chatd irc mix ws; do
        bench_proto "$proto" "p-r1000-s$senders" --receivers 1000 --senders "$senders" \
          "${closed[@]}"
        mv "$OUT/$proto-p-r1000-s$senders.json" "$OUT/rounds/$proto-p-r1000-s$senders-$round.json"
      done
    done
    for inflight in 16 256; do
      for proto in chatd relay; do
        bench_proto "$proto" "ceiling-$inflight" --receivers 1000 --senders 10 \
          --duration "$DURATION" --warmup "$WARMUP" --inflight "$inflight" --size 64
        mv "$OUT/$proto-ceiling-$inflight.json" "$OUT/rounds/$proto-ceiling-$inflight-$round.json"
      done
    done
  done
  for senders in 1 10; do keep_median "p-r1000-s$senders" chatd irc mix ws; done
  for inflight in 16 256; do keep_median "ceiling-$inflight" chatd relay; done
  stop_relay
  stop_chatd
  start_chatd irc-accept
  wait_quiet
  log "irc: accept 10,000"
  "${BENCH_PIN[@]}" "$CHATBENCH" accept --proto irc --target "127.0.0.1:$CHATD_IRC_PORT" \
    --server-pid "$CHATD_PID" --source "$SOURCES" --connections 10000 --hold 1 \
    --json-out "$OUT/irc-accept-10k.json" >&2
  stop_chatd
  start_chatd ws-accept
  wait_quiet
  log "ws: accept 10,000"
  "${BENCH_PIN[@]}" "$CHATBENCH" accept --proto ws --target "127.0.0.1:$CHATD_WEB_PORT" \
    --server-pid "$CHATD_PID" --source "$SOURCES" --connections 10000 --hold 1 \
    --json-out "$OUT/ws-accept-10k.json" >&2
  stop_chatd
}

# Each round on freshly started servers (memory per connection needs one), chatd then Redis.
# 10,000 connections take well under a second, so one run is at the mercy of the machine:
# the rounds alternate between the servers and the round with the median greetings/s stands
# for each (its report is copied to SERVER-accept-10k.json; every round is in accept-rounds/).
accept_runs() {
  local round server median
  mkdir -p "$OUT/accept-rounds"
  for round in $(seq "$ACCEPT_ROUNDS"); do
    for server in chatd redis; do
      "start_$server" "accept-$round"
      bench "$server" accept "accept-10k-round$round" --connections 10000 --hold 1
      mv "$OUT/$server-accept-10k-round$round.json" "$OUT/accept-rounds/"
      "stop_$server"
    done
  done
  for server in chatd redis; do
    median=$(for f in "$OUT/accept-rounds/$server"-*.json; do
      printf '%s %s\n' "$(jq '.runs[0].results.greetings_per_s' "$f")" "$f"
    done | sort -g | awk '{ f[NR] = $2 } END { print f[int((NR + 1) / 2)] }')
    cp "$median" "$OUT/$server-accept-10k.json"
  done
}

# Both servers run (pinned to the same core, the idle one costs nothing); the scenarios
# alternate between them, so a disturbance on the machine hits both alike.
broadcast_runs() {
  local closed=(--duration "$DURATION" --warmup "$WARMUP" --inflight "$INFLIGHT" --size 64)
  local server
  start_chatd broadcast
  start_redis broadcast
  for server in chatd redis; do
    bench "$server" broadcast r1000-s1 --receivers 1000 --senders 1 "${closed[@]}"
  done
  for server in chatd redis; do
    bench "$server" broadcast r1000-s10 --receivers 1000 --senders 10 "${closed[@]}"
  done
  for server in chatd redis; do
    bench "$server" broadcast r5000-s1 --receivers 5000 --senders 1 "${closed[@]}"
  done
  for server in chatd redis; do
    bench "$server" broadcast open --receivers 1000 --senders "$OPEN_SENDERS" \
      --rate "$OPEN_RATE" --duration "$DURATION" --warmup "$WARMUP" --size 64
  done
  stop_chatd
  stop_redis
}

# As many connections as the fd limit allows (chatbench sizes itself and says so; chatd
# refuses, in words, those beyond its own limit minus the 64 fds it keeps back), held, then a
# broadcast to as many receivers as it greeted, less one for the sender.
max_runs() {
  start_chatd max
  bench chatd accept max-accept --connections 1000000 --hold 2
  bench chatd broadcast max-broadcast --receivers "$(($(j chatd-max-accept "$R.greeted") - 1))" \
    --senders 1 --duration 5 --warmup 1 --inflight "$INFLIGHT" --size 64
  stop_chatd
}

# One node alone against the same node with --redis, R=1000 S=1 and S=10 (what the backplane
# costs the node that has everyone); then 2 and 4 nodes with the receivers and senders spread
# over them, open loop: latency between users of one node and of two, and Redis's CPU per room
# line, from two runs that differ only in their rate (setup costs Redis the same in both).
cluster_runs() {
  local closed=(--duration "$DURATION" --warmup "$WARMUP" --inflight "$INFLIGHT" --size 64)
  local senders n i rate url
  start_redis cluster
  url="redis://127.0.0.1:$REDIS_PORT"
  for senders in 1 10; do
    start_node alone
    bench_nodes "alone-s$senders" --receivers 1000 --senders "$senders" "${closed[@]}"
    stop_nodes
    start_node linked --redis "$url" --node-name bench1
    bench_nodes "redis-s$senders" --receivers 1000 --senders "$senders" "${closed[@]}"
    stop_nodes
  done
  for n in 2 4; do
    for i in $(seq "$n"); do start_node "n$i-of-$n" --redis "$url" --node-name "n$i"; done
    for rate in "$OPEN_RATE" "${CLUSTER_RATE_LOW:-20}"; do
      bench_nodes "nodes$n-rate$rate" --receivers "$CLUSTER_RECEIVERS" --senders "$OPEN_SENDERS" --rate "$rate" \
        --duration "$DURATION" --warmup "$WARMUP" --size 64
    done
    stop_nodes
  done
  redis-cli -p "$REDIS_PORT" INFO commandstats | tr -d '\r' >"$OUT/cluster-commandstats.txt"
  stop_redis
}

# cluster_table: the cluster suite's figures.
cluster_table() {
  local a r n senders hi lo cpu_hi cpu_lo sent_hi sent_lo per_line
  lo=${CLUSTER_RATE_LOW:-20}
  echo "| scenario | figure | value | target | met |"
  echo "| --- | --- | ---: | --- | --- |"
  for senders in 1 10; do
    a=$(jq -r "$R.deliveries_per_s" "$OUT/cluster-alone-s$senders.json")
    r=$(jq -r "$R.deliveries_per_s" "$OUT/cluster-redis-s$senders.json")
    echo "| R=1000 S=$senders, one node | deliveries/s alone, with --redis | $(group "$a"), $(group "$r") ($(ratio "$r" "$a")) | >= 0.9x | $(verdict "$(awk -v a="$r" -v b="$a" 'BEGIN{print (b>0)?a/b:0}')" ge 0.9) |"
  done
  for n in 2 4; do
    hi=$OUT/cluster-nodes$n-rate$OPEN_RATE.json
    echo "| $n nodes, R=$CLUSTER_RECEIVERS S=$OPEN_SENDERS, $OPEN_RATE msg/s | p50 / p99 same node | $(ms "$(jq -r "$R.latency_same_node_ns.p50" "$hi")") / $(ms "$(jq -r "$R.latency_same_node_ns.p99" "$hi")") | - | - |"
    echo "| $n nodes, R=$CLUSTER_RECEIVERS S=$OPEN_SENDERS, $OPEN_RATE msg/s | p50 / p99 cross node | $(ms "$(jq -r "$R.latency_cross_node_ns.p50" "$hi")") / $(ms "$(jq -r "$R.latency_cross_node_ns.p99" "$hi")") | added p99 <= 1 ms | $(verdict "$(jq -r "($R.latency_cross_node_ns.p99 - $R.latency_same_node_ns.p99) / 1e6" "$hi")" le 1) |"
    cpu_hi=$(cat "$OUT/cluster-nodes$n-rate$OPEN_RATE.redis-cpu")
    cpu_lo=$(cat "$OUT/cluster-nodes$n-rate$lo.redis-cpu")
    sent_hi=$(jq -r "$R.sent" "$hi")
    sent_lo=$(jq -r "$R.sent" "$OUT/cluster-nodes$n-rate$lo.json")
    per_line=$(awk -v a="$cpu_hi" -v b="$cpu_lo" -v x="$sent_hi" -v y="$sent_lo" \
      'BEGIN { if (x > y) printf "%.2f", (a - b) / (x - y) * 1e6; else print 0 }')
    echo "| $n nodes | Redis CPU per room line (lines/s one Redis core sustains) | $per_line µs ($(awk -v p="$per_line" 'BEGIN { if (p > 0) printf "%.0f", 1e6 / p; else print "-" }')) | - | - |"
  done
  echo "| all cluster runs | lost + reordered | $(for f in "$OUT"/cluster-*.json; do jq '.runs[0].results | .lost + .reordered' "$f"; done | awk '{ s += $1 } END { print s + 0 }') | 0 | - |"
  echo
  echo "Redis commandstats over the suite: $(grep -E '^cmdstat_(evalsha|publish):' "$OUT/cluster-commandstats.txt" | tr '\n' ' ')"
}

if [[ ${ONLY:-} == cluster ]]; then
  cluster_runs
else
  if [[ ${ONLY:-} != protocols ]]; then
    accept_runs
    broadcast_runs
    max_runs
    cluster_runs
  fi
  protocol_runs
fi

# ---- the table ------------------------------------------------------------------------------

group() { LC_ALL=C printf '%.0f' "$1" | sed -E ':a;s/^([0-9]+)([0-9]{3})/\1,\2/;ta'; }
ms() { awk -v ns="$1" 'BEGIN { printf "%.2f ms", ns / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }
# verdict VALUE OP LIMIT: "yes"/"NO" for VALUE >= LIMIT ("ge") or VALUE <= LIMIT ("le").
verdict() {
  awk -v v="$1" -v op="$2" -v l="$3" \
    'BEGIN { ok = (op == "ge") ? v >= l : v <= l; print ok ? "yes" : "**NO**" }'
}

row_deliveries() {
  local name=$1 label=$2 target=$3
  local c r
  c=$(j "chatd-$name" "$R.deliveries_per_s")
  r=$(j "redis-$name" "$R.deliveries_per_s")
  echo "| $label | deliveries/s | $(group "$c") | $(group "$r") | $(ratio "$c" "$r") | >= ${target}x | $(verdict "$(awk -v a="$c" -v b="$r" 'BEGIN{print (b>0)?a/b:0}')" ge "$target") |"
  c=$(j "chatd-$name" "$R.latency_ns.p99")
  r=$(j "redis-$name" "$R.latency_ns.p99")
  echo "| $label | p99 latency | $(ms "$c") | $(ms "$r") | $(ratio "$c" "$r") | - | - |"
}

losses() {
  local total=0 f
  for f in "$OUT"/*.json; do
    [[ $(jq -r '.mode' "$f") == broadcast ]] || continue
    total=$((total + $(jq '[.runs[].results | .lost + .reordered] | add' "$f")))
  done
  echo "$total"
}

table() {
  local c r
  echo "| scenario | figure | chatd | redis | chatd/redis | target | met |"
  echo "| --- | --- | ---: | ---: | ---: | --- | --- |"
  c=$(j chatd-accept-10k "$R.greetings_per_s")
  r=$(j redis-accept-10k "$R.greetings_per_s")
  echo "| accept 10,000 (median of $ACCEPT_ROUNDS) | greetings/s (redis: PING replies/s) | $(group "$c") | $(group "$r") | $(ratio "$c" "$r") | >= 1.2x | $(verdict "$(awk -v a="$c" -v b="$r" 'BEGIN{print (b>0)?a/b:0}')" ge 1.2) |"
  c=$(j chatd-accept-10k "$R.server_rss_per_connection_bytes")
  r=$(j redis-accept-10k "$R.server_rss_per_connection_bytes")
  echo "| accept 10,000 (median of $ACCEPT_ROUNDS) | RSS per idle connection | $(group "$c") B | $(group "$r") B | $(ratio "$c" "$r") | <= 1024 B | $(verdict "$c" le 1024) |"
  row_deliveries r1000-s1 "broadcast R=1000 S=1" 1.5
  row_deliveries r1000-s10 "broadcast R=1000 S=10" 2.5
  row_deliveries r5000-s1 "broadcast R=5000 S=1" 1.5
  local label="open loop R=1000 S=$OPEN_SENDERS, $OPEN_RATE msg/s"
  c=$(j chatd-open "$R.latency_ns.p99")
  r=$(j redis-open "$R.latency_ns.p99")
  echo "| $label | p99 latency (from schedule) | $(ms "$c") | $(ms "$r") | $(ratio "$c" "$r") | <= 1.0x | $(verdict "$c" le "$r") |"
  c=$(j chatd-open "$R.latency_uncorrected_ns.p99")
  r=$(j redis-open "$R.latency_uncorrected_ns.p99")
  echo "| $label | p99 latency (uncorrected) | $(ms "$c") | $(ms "$r") | $(ratio "$c" "$r") | - | - |"
  c=$(j chatd-open "$R.messages_per_s")
  r=$(j redis-open "$R.messages_per_s")
  echo "| $label | messages/s sustained | $(group "$c") | $(group "$r") | - | $OPEN_RATE | $(verdict "$(awk -v a="$c" -v b="$r" 'BEGIN{print (a<b)?a:b}')" ge "$(awk -v x="$OPEN_RATE" 'BEGIN{print x*0.99}')") |"
  local lost
  lost=$(losses)
  echo "| every broadcast run | lost + reordered | - | - | - | 0 | $(verdict "$lost" le 0) ($lost) |"
  c=$(j chatd-max-accept "$R.greeted")
  echo "| chatd at the fd limit | connections held | $(group "$c") | - | - | (fd limit $(ulimit -Hn)) | - |"
  c=$(j chatd-max-accept "$R.server_rss_after_bytes")
  r=$(j chatd-max-accept "$R.server_rss_per_connection_bytes")
  echo "| chatd at the fd limit | RSS (per connection) | $(group "$c") B ($(group "$r") B) | - | - | - | - |"
  c=$(j chatd-max-broadcast "$R.deliveries_per_s")
  r=$(j chatd-max-broadcast "$R.receivers")
  echo "| chatd at the fd limit | broadcast to $(group "$r"): deliveries/s, p99 | $(group "$c"), $(ms "$(j chatd-max-broadcast "$R.latency_ns.p99")") | - | - | - | - |"
}

# Deliveries per second of the server's CPU: on two cores chatbench, which parses every
# line, runs out of CPU before the server does, so this is the server's own figure.
per_cpu() { jq -r '.runs[0].results | if (.cpu_percent.server // 0) > 0 then .deliveries_per_s / (.cpu_percent.server / 100) else 0 end' "$OUT/$1.json"; }

# median_ratio A B NAME: the median over the rounds of A's deliveries/s over B's in the same
# round (runs minutes apart would otherwise compare the machine's moods, not the servers).
median_ratio() {
  local a=$1 b=$2 name=$3 round
  for round in $(seq "${PROTOCOL_ROUNDS:-3}"); do
    jq -n --slurpfile x "$OUT/rounds/$a-$name-$round.json" --slurpfile y "$OUT/rounds/$b-$name-$round.json" \
      '$x[0].runs[0].results.deliveries_per_s / $y[0].runs[0].results.deliveries_per_s'
  done | sort -g | awk '{ v[NR] = $1 } END { printf "%.2fx", v[int((NR + 1) / 2)] }'
}

row_protocol() {
  local proto=$1 senders=$2 label=$3
  local name="p-r1000-s$senders" c pc pp
  c=$(j "$proto-$name" "$R.deliveries_per_s")
  pc=$(per_cpu "$proto-$name")
  pp=$(per_cpu "chatd-$name")
  echo "| $label S=$senders | $(group "$c") | $(j "$proto-$name" "$R.wire_mb_per_s | floor") | $(ms "$(j "$proto-$name" "$R.latency_ns.p99")") | $(j "$proto-$name" "$R.cpu_percent.server // 0 | floor")% | $(group "$pc") | $(median_ratio "$proto" chatd "$name") | $(ratio "$pc" "$pp") |"
}

protocol_table() {
  local senders
  echo "| R=1000, 64-byte lines (median round) | deliveries/s | wire MB/s | p99 | server CPU | deliveries per server CPU-second | deliveries/s vs plain (median of rounds) | per CPU-second vs plain |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for senders in 1 10; do
    row_protocol chatd "$senders" "plain"
    row_protocol irc "$senders" "IRC"
    row_protocol mix "$senders" "50/50 mix"
    row_protocol ws "$senders" "WebSocket"
  done
  echo
  echo "| fan-out ceiling, R=1000 S=10 (median round) | chatd deliveries/s | relay deliveries/s | chatd/relay (median of rounds) | chatd per server CPU-s | relay per server CPU-s | chatd/relay per CPU-s |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  local inflight c r pc pr
  for inflight in 16 256; do
    c=$(j "chatd-ceiling-$inflight" "$R.deliveries_per_s")
    r=$(j "relay-ceiling-$inflight" "$R.deliveries_per_s")
    pc=$(per_cpu "chatd-ceiling-$inflight")
    pr=$(per_cpu "relay-ceiling-$inflight")
    echo "| $inflight in flight | $(group "$c") | $(group "$r") | $(median_ratio chatd relay "ceiling-$inflight") | $(group "$pc") | $(group "$pr") | $(ratio "$pc" "$pr") |"
  done
  echo
  echo "IRC accept of 10,000 (registration to 001): $(group "$(j irc-accept-10k "$R.greetings_per_s")") registrations/s, RSS $(group "$(j irc-accept-10k "$R.server_rss_per_connection_bytes")") B per idle IRC connection (target <= 1536 B)."
  echo
  echo "WebSocket accept of 10,000 (upgrade to greeting): $(group "$(j ws-accept-10k "$R.greetings_per_s")") upgrades/s, RSS $(group "$(j ws-accept-10k "$R.server_rss_per_connection_bytes")") B per idle WebSocket connection (target <= 1536 B)."
}

# Who used the CPU in each run: a server below ~95% with chatbench near 100% or other
# processes busy means the figure is not the server's limit.
cpu_table() {
  local f name
  echo "| run | server CPU | chatbench CPU (busiest thread) | other processes | notes |"
  echo "| --- | ---: | ---: | ---: | --- |"
  for f in "$OUT"/*.json; do
    name=$(basename "$f" .json)
    jq -r --arg n "$name" '.runs[0] | "| \($n) | \(.results.cpu_percent.server // 0 | floor)% | \(.results.cpu_percent.chatbench | floor)% (\(.results.cpu_percent.busiest_thread | floor)%) | \(.results.cpu_percent.others | floor)% | \(.notes | join("; ")) |"' "$f"
  done
}

redis_summary() {
  echo "### chatd vs Redis $(redis-server --version | grep -o 'v=[0-9.]*' | cut -c3-) ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs; $LAYOUT)"
  echo
  echo "Closed loop: $INFLIGHT unacknowledged messages per sender, 64-byte messages, $DURATION s after $WARMUP s warm-up."
  echo
  table
  echo
  for server in chatd redis; do
    echo "Accept rounds, $server greetings/s: $(for f in "$OUT/accept-rounds/$server"-*.json; do
      group "$(jq '.runs[0].results.greetings_per_s' "$f")"
      echo
    done | paste -sd ' ')"
  done
  echo
}

{
  if [[ ${ONLY:-} == cluster ]]; then
    echo "### Several nodes through one Redis ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs; $LAYOUT)"
    echo
    cluster_table
  else
    if [[ ${ONLY:-} != protocols ]]; then
      redis_summary
      echo "### Several nodes through one Redis"
      echo
      cluster_table
      echo
    fi
    echo "### Protocols: plain, IRC, mixed and WebSocket rooms; chatd against the bare relay"
    echo
    protocol_table
    echo
    cpu_table
  fi
} >"$OUT/summary.md"

# ---- the chart ------------------------------------------------------------------------------

if [[ ${ONLY:-} == protocols || ${ONLY:-} == cluster ]]; then
  cat "$OUT/summary.md"
  echo
  echo "JSON reports, logs and summary.md are in $OUT"
  exit 0
fi

{
  echo "# scenario chatd_deliveries redis_deliveries chatd_p99_ms redis_p99_ms"
  for name in r1000-s1 r1000-s10 r5000-s1 open; do
    printf '"%s" %s %s %s %s\n' "$(j "chatd-$name" '.runs[0].params | if .loop == "open" then "open \(.rate|floor)/s R=\(.receivers) S=\(.senders)" else "R=\(.receivers) S=\(.senders)" end')" \
      "$(j "chatd-$name" "$R.deliveries_per_s")" "$(j "redis-$name" "$R.deliveries_per_s")" \
      "$(j "chatd-$name" "$R.latency_ns.p99 / 1e6")" "$(j "redis-$name" "$R.latency_ns.p99 / 1e6")"
  done
} >"$OUT/chart.dat"

gnuplot <<EOF
set terminal pngcairo size 1200,900 font "sans,11"
set output "$OUT/chart.png"
set multiplot layout 2,1 title "chatd vs Redis pub/sub (64-byte messages; chatbench, $LAYOUT)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set grid ytics
set key top right
set ylabel "deliveries/s (millions)"
set title "broadcast throughput (closed loop, $INFLIGHT in flight per sender; open loop at a fixed rate)"
plot "$OUT/chart.dat" using (\$2/1e6):xtic(1) title "chatd" lc rgb "#1f77b4", \
     "" using (\$3/1e6) title "redis" lc rgb "#d62728"
set ylabel "p99 latency (ms, log scale)"
set logscale y
set title "p99 end-to-end latency (open loop: from the scheduled send time)"
plot "$OUT/chart.dat" using 4:xtic(1) title "chatd" lc rgb "#1f77b4", \
     "" using 5 title "redis" lc rgb "#d62728"
unset multiplot
EOF

cat "$OUT/summary.md"
echo
echo "JSON reports, logs, summary.md and chart.png are in $OUT"
