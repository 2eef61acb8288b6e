#!/usr/bin/env bash
# OrleansKv benchmarks on loopback, side by side with their ceilings and peers (bench/README.md).
#
#   bench/run.sh                 load scenarios: REST, gRPC, Redis reference, cluster mode: one redis-server,
#                                with REDIS_WAIT_REPLICAS=1, on three Redis Cluster masters; 3 alternating rounds per goal pair (~18 minutes)
#   bench/run.sh --only rest,grpc   a subset: rest, grpc, redis, resp, cluster
#   bench/run.sh --quick         3 s per scenario instead of 10 (a smoke run; numbers are rough)
#   bench/run.sh --micro         BenchmarkDotNet micro-benchmarks only (grain call, store commit)
#   bench/run.sh --memory        RAM per resident key and per activation only
#   bench/run.sh --profile S     a CPU profile of the server under one scenario (rest-get, rest-set, grpc-get, grpc-set):
#                                bench/profile.sh, which writes bench/results/<date>-profile-<S>.md and a speedscope file
#   bench/run.sh --storage       space and PUT/GET CPU with content dedup and compression on and off (~3 minutes;
#                                "off" is the build before content objects, BENCH_STORAGE_BASELINE, in a temporary worktree)
#
# Writes bench/results/<date>.md and bench/results/latest.md (--micro and --memory: <date>-micro.md /
# latest-micro.md, <date>-memory.md / latest-memory.md). Every scenario stops by itself; a scenario whose
# prerequisite is missing (the server does not answer gRPC, cluster mode does not start...) is skipped with
# the reason printed and written into the table. Loopback only.
#
# Tunables (environment): BENCH_DURATION (10 s), BENCH_WARMUP (3 s), BENCH_PREWARM (20 s of mixed load per server
# before its first scenario, so the JIT is done), BENCH_CONNECTIONS (64),
# BENCH_WIDE_CONNECTIONS (256, the wide durable SET row), BENCH_H2_CLIENTS (8; streams per client = connections / clients), BENCH_KEYS (10000), BENCH_VALUE_BYTES (64),
# BENCH_ROUNDS (3 alternating rounds of each pair that has a goal: baseline, OrleansKv, baseline, OrleansKv...; 1 with --quick),
# BENCH_REDIS_REQUESTS (1000000), BENCH_RESP_REQUESTS (200000 per RESP row), BENCH_SERVER_DLL (another OrleansKv build to measure; bench/compare.sh), BENCH_SERVER_CPUS / BENCH_CLIENT_CPUS (taskset lists; default: on 2 cores
# server side on CPU 1 and load generator on CPU 0), BENCH_PIN=0 to not pin.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH="$ROOT/bench"

ORIG_ARGS="$*"
MODE=load
ONLY="rest,grpc,redis,resp,cluster"
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-3}
PREWARM=${BENCH_PREWARM:-20}
ROUNDS=${BENCH_ROUNDS:-3}
while [ $# -gt 0 ]; do
  case "$1" in
    --micro) MODE=micro ;;
    --memory) MODE=memory ;;
    --storage) MODE=storage ;;
    --profile) exec "$(dirname "$0")/profile.sh" "${2:-}" ;;
    --quick) DURATION=3; WARMUP=1; PREWARM=2; ROUNDS=${BENCH_ROUNDS:-1} ;;
    --only) ONLY="$2"; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "bench/run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

CONNECTIONS=${BENCH_CONNECTIONS:-64}
WIDE_CONNECTIONS=${BENCH_WIDE_CONNECTIONS:-256}
H2_CLIENTS=${BENCH_H2_CLIENTS:-8}
H2_STREAMS=$(( CONNECTIONS / H2_CLIENTS > 0 ? CONNECTIONS / H2_CLIENTS : 1 ))
KEYS=${BENCH_KEYS:-10000}
VALUE_BYTES=${BENCH_VALUE_BYTES:-64}
REDIS_REQUESTS=${BENCH_REDIS_REQUESTS:-1000000}
TOKEN="bench-token-$$-$RANDOM"
STAMP=$(date -u +%Y-%m-%d-%H%M)
RESULTS_DIR="$BENCH/results"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/orleanskv-bench.XXXXXX")
RESULTS="$WORK/results.jsonl"
NOTES="$WORK/notes.txt"
: >"$RESULTS"
LOADAVG_START=$(cut -d" " -f1-3 /proc/loadavg)
: >"$NOTES"

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
say() { printf '\n== %s\n' "$*"; }
note() { echo "$*" >>"$NOTES"; echo "  note: $*"; }

# --- prerequisites -------------------------------------------------------------------------------------------
install_missing() {
  local missing=()
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  command -v h2load >/dev/null 2>&1 || missing+=(nghttp2-client)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v redis-benchmark >/dev/null 2>&1 || missing+=(redis-tools)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v taskset >/dev/null 2>&1 || missing+=(util-linux)
  [ -x /usr/bin/python3 ] || missing+=(python3)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installing benchmark prerequisites: ${missing[*]}"
    sudo_if_needed apt-get update -qq
    DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}
install_missing
PY=/usr/bin/python3
REPORT="$PY $BENCH/scripts/report.py"

# --- processes: every one we start is remembered by pid and stopped on exit -----------------------------------
declare -A PIDS=()
stop_proc() {
  local name=$1 pid=${PIDS[$1]:-}
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  unset "PIDS[$name]"
}
cleanup() {
  local name
  for name in "${!PIDS[@]}"; do stop_proc "$name"; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_proc NAME CPUS COMMAND... : runs in the background, output to $WORK/NAME.log, pinned when CPUS is set.
start_proc() {
  local name=$1 cpus=$2
  shift 2
  if [ -n "$cpus" ]; then
    taskset -c "$cpus" "$@" >"$WORK/$name.log" 2>&1 &
  else
    "$@" >"$WORK/$name.log" 2>&1 &
  fi
  PIDS[$name]=$!
}

# wait_http NAME URL SECONDS : 0 when URL answers 200; 1 when the process died or time ran out.
LAST_HTTP=""
wait_http() {
  local name=$1 url=$2 seconds=$3 i
  for i in $(seq 1 $((seconds * 10))); do
    if ! kill -0 "${PIDS[$name]}" 2>/dev/null; then
      return 1
    fi
    LAST_HTTP=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)
    if [ "$LAST_HTTP" = "200" ]; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

last_log_line() { grep -v '^\s*$' "$WORK/$1.log" 2>/dev/null | grep -iE 'error|invalid|fail|exception|cannot' | head -n 1 | cut -c1-240 || true; }

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
# A Redis Cluster node also listens on its port + 10000 (the cluster bus), so both must be free and at most 65535: an
# ephemeral port above 55535 leaves the node no bus port, and it exits at start.
free_cluster_port() {
  $PY -c '
import random, socket
for _ in range(200):
    port = random.randint(20000, 45000)
    try:
        for p in (port, port + 10000):
            s = socket.socket(); s.bind(("127.0.0.1", p)); s.close()
        print(port); break
    except OSError:
        pass'
}

# --- CPU pinning -----------------------------------------------------------------------------------------------
CORES=$(nproc)
SERVER_CPUS=${BENCH_SERVER_CPUS:-}
CLIENT_CPUS=${BENCH_CLIENT_CPUS:-}
if [ "${BENCH_PIN:-1}" = "1" ] && [ -z "$SERVER_CPUS$CLIENT_CPUS" ] && [ "$CORES" -ge 2 ]; then
  half=$((CORES / 2))
  CLIENT_CPUS="0-$((half - 1))"
  SERVER_CPUS="$half-$((CORES - 1))"
fi
if [ "${BENCH_PIN:-1}" != "1" ]; then SERVER_CPUS=""; CLIENT_CPUS=""; fi
count_cpus() { [ -n "$1" ] && taskset -c "$1" nproc || echo "$CORES"; }
CLIENT_THREADS=$(count_cpus "$CLIENT_CPUS")
client() { if [ -n "$CLIENT_CPUS" ]; then taskset -c "$CLIENT_CPUS" "$@"; else "$@"; fi; }

# fsync latency of the file system under $WORK: durable writes/s <= writes in flight / (commit latency >= fsync).
FSYNC_MS=$($PY - "$WORK/fsync.probe" <<'EOF'
import os, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT, 0o600)
start = time.perf_counter()
for _ in range(50):
    os.write(fd, b"x" * 4096)
    os.fsync(fd)
print(f"{(time.perf_counter() - start) / 50 * 1000:.2f}")
os.close(fd)
EOF
)

# --- build -------------------------------------------------------------------------------------------------------
build() {
  say "Building (Release)"
  local project
  for project in "$@"; do
    dotnet build "$project" -c Release --nologo -v q -clp:ErrorsOnly >"$WORK/build.log" 2>&1 || {
      cat "$WORK/build.log"; echo "bench/run.sh: build of $project failed" >&2; exit 1; }
  done
}

machine_meta() {
  local cpu mem
  cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)
  mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)
  $PY - "$WORK/meta.json" <<EOF
import json, sys
notes = [l.strip() for l in open("$NOTES", encoding="utf-8") if l.strip()]
json.dump({
  "date": "$(date -u '+%Y-%m-%d %H:%M UTC')",
  "command": "bench/run.sh ${BENCH_ARGS:-}".strip(),
  "commit": "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (dirty)')",
  "cores": "$CORES",
  "cores_count": $CORES,
  "wide_connections": $WIDE_CONNECTIONS,
  "cpu": "$cpu",
  "memory": "$mem",
  "kernel": "$(uname -r)",
  "dotnet": "$(dotnet --version 2>/dev/null) (runtime $(dotnet --list-runtimes 2>/dev/null | awk '/Microsoft.NETCore.App/ {v=$2} END {print v}'))",
  "wrk": "$(wrk -v 2>&1 | head -n1 | awk '{print $2}')",
  "h2load": "$(h2load --version 2>&1 | head -n1)",
  "redis": "$(redis-server --version | awk '{print $3}' | sed 's/v=//')",
  "pinning": "server side on CPUs ${SERVER_CPUS:-any}, load generator on CPUs ${CLIENT_CPUS:-any}",
  "pinning_note": "${PIN_NOTE:-}",
  "fsync": "$FSYNC_MS ms per 4 KiB write + fsync in the data directory's file system (a durable group commit costs at least one)",
  "loadavg": "1/5/15-min load average $LOADAVG_START at the start, $(cut -d" " -f1-3 /proc/loadavg) at the end (other work on the machine shows here)",
  "load": "${DURATION} s measured after ${WARMUP} s warm-up per scenario, ${ROUNDS} alternating round(s) of each REST, gRPC and cluster pair (and ${PREWARM} s of mixed load per server before its first scenario); ${CONNECTIONS} connections (wrk, ${CLIENT_THREADS} thread(s)); h2load ${H2_CLIENTS} clients x ${H2_STREAMS} streams; ${KEYS} keys of ${VALUE_BYTES}-byte values; redis-benchmark -c ${CONNECTIONS} -P 1 -d ${VALUE_BYTES}, about ${DURATION} s per test (at most ${REDIS_REQUESTS} requests)",
  "notes": notes,
}, open(sys.argv[1], "w"), indent=1)
EOF
}

# --- micro-benchmarks and memory -------------------------------------------------------------------------------
if [ "$MODE" = "micro" ]; then
  BENCH_ARGS="--micro"
  build bench/OrleansKv.Benchmarks/OrleansKv.Benchmarks.csproj
  say "BenchmarkDotNet (ShortRun, MemoryDiagnoser); several minutes"
  mkdir -p "$RESULTS_DIR"
  artifacts="$WORK/bdn"
  (cd bench/OrleansKv.Benchmarks && dotnet bin/Release/net10.0/OrleansKv.Benchmarks.dll --filter '*' --artifacts "$artifacts" ${BENCH_MICRO_ARGS:-}) | tee "$WORK/micro.log"
  {
    echo "# OrleansKv micro-benchmarks — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Command: \`bench/run.sh --micro\` (commit \`$(git rev-parse --short HEAD)\`), BenchmarkDotNet ShortRun with MemoryDiagnoser,"
    echo "$CORES cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), shared and noisy: compare within a table."
    for report in "$artifacts"/results/*-report-github.md; do
      [ -e "$report" ] || continue
      echo
      echo "## $(basename "$report" -report-github.md | sed 's/^OrleansKv\.Benchmarks\.//')"
      echo
      sed -n '/^|/,$p' "$report" | sed -e "s/&#39;/'/g" -e 's/\*\*//g'
    done
  } >"$RESULTS_DIR/$STAMP-micro.md"
  cp "$RESULTS_DIR/$STAMP-micro.md" "$RESULTS_DIR/latest-micro.md"
  echo; echo "Wrote bench/results/$STAMP-micro.md and bench/results/latest-micro.md"
  exit 0
fi

if [ "$MODE" = "memory" ]; then
  build bench/memory/OrleansKv.MemoryBench.csproj
  say "Memory: 1M keys in one namespace, 100k namespaces of one key (each in a fresh process)"
  mkdir -p "$RESULTS_DIR"
  dotnet bench/memory/bin/Release/net10.0/OrleansKv.MemoryBench.dll --out "$RESULTS_DIR/$STAMP-memory.md" --work "$WORK" ${BENCH_MEMORY_ARGS:-}
  cp "$RESULTS_DIR/$STAMP-memory.md" "$RESULTS_DIR/latest-memory.md"
  echo; echo "Wrote bench/results/$STAMP-memory.md and bench/results/latest-memory.md"
  exit 0
fi

if [ "$MODE" = "storage" ]; then
  build src/OrleansKv.Server/OrleansKv.Server.csproj bench/storage/OrleansKv.StorageBench.csproj
  baseline_commit=${BENCH_STORAGE_BASELINE:-e3e100f}
  say "Building the baseline $baseline_commit (values stored in full, uncompressed) in a temporary worktree"
  git worktree add -q --detach "$WORK/baseline" "$baseline_commit"
  dotnet build "$WORK/baseline/src/OrleansKv.Server/OrleansKv.Server.csproj" -c Release --nologo -v q -clp:ErrorsOnly >"$WORK/build-baseline.log" 2>&1 || {
    cat "$WORK/build-baseline.log"; echo "bench/run.sh: build of the baseline failed" >&2; exit 1; }
  trap 'git worktree remove --force "$WORK/baseline" 2>/dev/null || true; cleanup' EXIT
  say "Storage: dedup and compression, duplicate-heavy and incompressible workloads, a fresh server per row"
  mkdir -p "$RESULTS_DIR"
  client dotnet bench/storage/bin/Release/net10.0/OrleansKv.StorageBench.dll \
    --server-dll "$ROOT/src/OrleansKv.Server/bin/Release/net10.0/OrleansKv.Server.dll" \
    --baseline-dll "$WORK/baseline/src/OrleansKv.Server/bin/Release/net10.0/OrleansKv.Server.dll" \
    --baseline-name "off: build $baseline_commit (each value in full)" \
    --server-cpus "$SERVER_CPUS" --work "$WORK" --out "$RESULTS_DIR/$STAMP-storage.md" ${BENCH_STORAGE_ARGS:-}
  cp "$RESULTS_DIR/$STAMP-storage.md" "$RESULTS_DIR/latest-storage.md"
  echo; echo "Wrote bench/results/$STAMP-storage.md and bench/results/latest-storage.md"
  exit 0
fi

# --- load scenarios ----------------------------------------------------------------------------------------------
BENCH_ARGS="$ORIG_ARGS"
wants() { [[ ",$ONLY," == *",$1,"* ]]; }
if [ "$CORES" -le 2 ]; then
  PIN_NOTE="the server side gets one core and the load generator the other, so the ceilings here are one-core ceilings."
else
  PIN_NOTE="the server side and the load generator each get half the cores."
fi
[ -z "$SERVER_CPUS" ] && PIN_NOTE="nothing is pinned (BENCH_PIN=0 or one core): load generator and server share every core."

build src/OrleansKv.Server/OrleansKv.Server.csproj bench/baselines/BareKestrel/OrleansKv.Bench.BareKestrel.csproj \
  bench/baselines/StatelessRedis/OrleansKv.Bench.StatelessRedis.csproj bench/tools/BenchTool/OrleansKv.Bench.Tool.csproj
# Every .NET process started from here (OrleansKv and the baselines alike) skips the tiering delay. Pinned to one core,
# .NET counts one processor and multiplies its 100 ms tier-1 delay by 10, renewed while methods are still being
# jitted; under saturated load a server then needs about two minutes to reach tier-1 code (OrleansKv's REST GET:
# 4.9k req/s after 10 s of load, 17k after 60 s, 27k after 120 s). Without the delay the prewarm gets there.
export DOTNET_TC_CallCountingDelayMs=0
SERVER_DLL=${BENCH_SERVER_DLL:-"$ROOT/src/OrleansKv.Server/bin/Release/net10.0/OrleansKv.Server.dll"}
KESTREL_DLL="$BENCH/baselines/BareKestrel/bin/Release/net10.0/OrleansKv.Bench.BareKestrel.dll"
STATELESS_DLL="$BENCH/baselines/StatelessRedis/bin/Release/net10.0/OrleansKv.Bench.StatelessRedis.dll"
TOOL="dotnet $BENCH/tools/BenchTool/bin/Release/net10.0/OrleansKv.Bench.Tool.dll"

# CPU use over a load run, in % of one core: the server side from /proc (utime + stime of its process), the load
# generator from the shell's children times. A load generator near 100% with the server below it means the row
# measured the client, not the server.
CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)
cpu_ticks() { if [ -n "${1:-}" ] && [ -r "/proc/$1/stat" ]; then sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; fi; }
# measure NAME OUTFILE COMMAND... : runs the load generator; sets SERVER_CPU and CLIENT_CPU.
measure() {
  local name=$1 out=$2 spid s0 s1 t0 t1
  shift 2
  spid=${PIDS[$name]:-}
  s0=$(cpu_ticks "$spid"); t0=$(date +%s.%N)
  ( "$@" >"$out" 2>&1; times >"$out.times" ) || true
  s1=$(cpu_ticks "$spid"); t1=$(date +%s.%N)
  read -r SERVER_CPU CLIENT_CPU < <($PY - "$out.times" "$t0" "$t1" "${s0:-0}" "${s1:-0}" "$CLK_TCK" <<'EOF'
import re, sys
times, t0, t1, s0, s1, tck = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4] or 0), int(sys.argv[5] or 0), int(sys.argv[6])
elapsed = max(t1 - t0, 1e-3)
client = 0.0
try:
    lines = open(times).read().split("\n")
    for m, sec in re.findall(r"(\d+)m([\d.]+)s", lines[1]):
        client += int(m) * 60 + float(sec)
except (OSError, IndexError):
    pass
print(f"{(s1 - s0) / tck / elapsed * 100:.0f} {client / elapsed * 100:.0f}")
EOF
)
}
cpu_args() { echo "--server-cpu $SERVER_CPU --client-cpu $CLIENT_CPU"; }

# alloc_bytes NAME URL : bytes the server process allocated since start (OrleansKv: /metrics; baselines: /_bench/alloc).
alloc_bytes() {
  if [ "$1" = okv ] || [[ "$1" == cluster* ]]; then
    # OpenTelemetry's runtime instrumentation names it dotnet_gc_heap_total_allocated_bytes_total; builds before it
    # (bench/compare.sh) dotnet_gc_allocated_bytes_total.
    curl -s --max-time 5 "$2/metrics" | awk '/^dotnet_gc_(heap_total_)?allocated_bytes_total[ {]/ {print $NF; exit}'
  else
    curl -s --max-time 5 "$2/_bench/alloc"
  fi
}

# run_wrk ID NAME URL MODE [DELAY_MS] [CONNECTIONS] : warm-up, measured run, record (NAME: the server process) as
# round $ROUND of ID.
ROUND=1
run_wrk() {
  local id=$1 kind=$2 url=$3 mode=$4 delay=${5:-0} conns=${6:-$CONNECTIONS} before after alloc=() note=()
  local args=(-t "$CLIENT_THREADS" -c "$conns" --latency -s "$BENCH/scripts/kv.lua" "$url" -- "$mode" "$KEYS" "$TOKEN" "$VALUE_BYTES" "$delay")
  client wrk -d "${WARMUP}s" "${args[@]}" >/dev/null 2>&1 || true
  before=$(alloc_bytes "$kind" "$url" || true)
  measure "$kind" "$WORK/$id.r$ROUND.out" client wrk -d "${DURATION}s" "${args[@]}"
  after=$(alloc_bytes "$kind" "$url" || true)
  if [[ "$before" =~ ^[0-9]+$ && "$after" =~ ^[0-9]+$ ]]; then alloc=(--alloc-bytes "$((after - before))"); fi
  if [ "$delay" != "0" ]; then note=(--note "paced: $conns connections, ${delay} ms between requests"); fi
  # shellcheck disable=SC2046
  $REPORT record "$RESULTS" --id "$id" --kind wrk --out "$WORK/$id.r$ROUND.out" --round "$ROUND" "${alloc[@]}" "${note[@]}" $(cpu_args) || true
}

skip() { $REPORT skip "$RESULTS" --id "$1" --reason "$2"; }

# A server pinned to one busy core leaves its tier-1 JIT little time: before the first measured scenario each
# server gets BENCH_PREWARM seconds of the mixed load (every route it will serve), unmeasured.
prewarm_rest() { # URL
  client wrk -t "$CLIENT_THREADS" -c "$CONNECTIONS" -d "${PREWARM}s" -s "$BENCH/scripts/kv.lua" "$1" -- mix "$KEYS" "$TOKEN" "$VALUE_BYTES" 0 >/dev/null 2>&1 || true
}
prewarm_grpc() { # PORT METHOD
  client h2load -c "$H2_CLIENTS" -m "$H2_STREAMS" -t 1 -D "$((PREWARM / 2 > 0 ? PREWARM / 2 : 1))" -d "$WORK/grpc-$2.bin" -H 'content-type: application/grpc' \
    -H 'te: trailers' -H "authorization: Bearer $TOKEN" "http://127.0.0.1:$1/orleanskv.v1.KvStore/${2^}" >/dev/null 2>&1 || true
}

preload() { # NAME URL
  if ! $TOOL preload --url "$2" --token "$TOKEN" --keys "$KEYS" --value-bytes "$VALUE_BYTES" >"$WORK/preload-$1.log" 2>&1; then
    echo "preload failed: $(head -c 300 "$WORK/preload-$1.log")"
    return 1
  fi
  sed 's/^/  /' "$WORK/preload-$1.log"
}

rate() { $REPORT get "$RESULTS" "$1" rps 2>/dev/null | cut -d. -f1; }

start_kestrel() {
  KESTREL_HTTP=$(free_port); KESTREL_GRPC=$(free_port)
  start_proc kestrel "$SERVER_CPUS" env BENCH_HTTP_PORT="$KESTREL_HTTP" BENCH_GRPC_PORT="$KESTREL_GRPC" BENCH_TOKEN="$TOKEN" dotnet "$KESTREL_DLL"
  wait_http kestrel "http://127.0.0.1:$KESTREL_HTTP/_bench/alloc" 60
}

start_okv() { # embedded, DURABILITY=full
  OKV_HTTP=$(free_port); OKV_GRPC=$(free_port)
  mkdir -p "$WORK/okv-data"
  start_proc okv "$SERVER_CPUS" env HTTP_PORT="$OKV_HTTP" GRPC_PORT="$OKV_GRPC" SILO_PORT="$(free_port)" DATA_DIR="$WORK/okv-data" \
    DURABILITY=full TOKEN="$TOKEN" LOG_LEVEL=Warning BIND_ADDRESS=127.0.0.1 dotnet "$SERVER_DLL"
  wait_http okv "http://127.0.0.1:$OKV_HTTP/healthz" 60
}

if wants rest || wants grpc; then
  say "Starting bare Kestrel (ceiling) and OrleansKv embedded (DURABILITY=full), server side on CPUs ${SERVER_CPUS:-any}"
  KESTREL_OK=1; OKV_OK=1
  start_kestrel || { KESTREL_OK=0; note "bare Kestrel did not start: $(last_log_line kestrel)"; }
  start_okv || { OKV_OK=0; note "OrleansKv embedded did not start: $(last_log_line okv)"; }
  [ "$KESTREL_OK" = 1 ] && { preload kestrel "http://127.0.0.1:$KESTREL_HTTP" || KESTREL_OK=0; }
  [ "$OKV_OK" = 1 ] && { preload okv "http://127.0.0.1:$OKV_HTTP" || OKV_OK=0; }
fi

if wants rest; then
  say "REST (wrk, ${CONNECTIONS} connections, ${DURATION} s each after ${WARMUP} s warm-up; $ROUNDS alternating rounds per pair)"
  [ "$KESTREL_OK" = 1 ] && prewarm_rest "http://127.0.0.1:$KESTREL_HTTP"
  [ "$OKV_OK" = 1 ] && prewarm_rest "http://127.0.0.1:$OKV_HTTP"
  for mode in get set mix; do
    for ROUND in $(seq 1 "$ROUNDS"); do
      if [ "$KESTREL_OK" = 1 ]; then run_wrk "rest_${mode}_kestrel" kestrel "http://127.0.0.1:$KESTREL_HTTP" "$mode"; else skip "rest_${mode}_kestrel" "bare Kestrel did not start"; fi
      if [ "$OKV_OK" = 1 ]; then run_wrk "rest_${mode}_okv" okv "http://127.0.0.1:$OKV_HTTP" "$mode"; else skip "rest_${mode}_okv" "OrleansKv did not start"; fi
    done
  done
  ROUND=1

  # Durable writes per second are bounded by writes in flight / commit latency (fsync): the same SET with more
  # connections shows how far group commit scales on this disk.
  if [ "$OKV_OK" = 1 ]; then run_wrk rest_set_okv_wide okv "http://127.0.0.1:$OKV_HTTP" set 0 "$WIDE_CONNECTIONS"; else skip rest_set_okv_wide "OrleansKv did not start"; fi

  peak=$(rate rest_get_okv || true)
  if [ -n "$peak" ] && [ "$peak" -gt 100 ]; then
    # Pace GET at half the peak: wrk's delay() between the requests of each connection (wrk2 is not packaged).
    target=$((peak / 2))
    pace_conns=$CONNECTIONS
    delay=$($PY -c "print(round(max(0.05, $pace_conns * 1000 / $target), 3))")
    # One calibration pass (it also warms up): the round-trip time adds to the delay, so correct for it.
    client wrk -d "${WARMUP}s" -t "$CLIENT_THREADS" -c "$pace_conns" -s "$BENCH/scripts/kv.lua" "http://127.0.0.1:$OKV_HTTP" -- get "$KEYS" "$TOKEN" "$VALUE_BYTES" "$delay" >"$WORK/calibrate.out" 2>&1 || true
    delay=$($PY - "$WORK/calibrate.out" "$pace_conns" "$target" "$delay" <<'EOF'
import json, re, sys
text = open(sys.argv[1]).read()
conns, target, delay = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
m = re.search(r"^BENCH_RESULT (\{.*\})$", text, re.M)
if not m:
    print(delay); sys.exit()
r = json.loads(m.group(1))
achieved = r["requests"] / (r["duration_us"] / 1e6)
overhead_ms = max(0.0, conns * 1000 / achieved - delay)  # per-request time that is not the delay
print(round(max(0.05, conns * 1000 / target - overhead_ms), 3))
EOF
)
    echo "  pacing GET at ~${target} req/s (half of ${peak}): ${pace_conns} connections, ${delay} ms between requests"
    WARMUP_SAVED=$WARMUP; WARMUP=0
    for ROUND in $(seq 1 "$ROUNDS"); do run_wrk rest_get_okv_half okv "http://127.0.0.1:$OKV_HTTP" get "$delay" "$pace_conns"; done
    WARMUP=$WARMUP_SAVED; ROUND=1
  else
    skip rest_get_okv_half "no REST GET peak was measured"
  fi
fi

if wants grpc; then
  say "gRPC (h2load, h2c prior knowledge, ${H2_CLIENTS} clients x ${H2_STREAMS} streams; $ROUNDS alternating rounds per pair)"
  $TOOL grpc-body --method get --key bench:1 --value-bytes "$VALUE_BYTES" --out "$WORK/grpc-get.bin"
  $TOOL grpc-body --method set --key bench:1 --value-bytes "$VALUE_BYTES" --out "$WORK/grpc-set.bin"

  # run_h2load ID PORT METHOD : status check, warm-up + measured run, status check again.
  run_h2load() {
    local id=$1 port=$2 method=$3 kind=$4 http=$5 path before after alloc=() check
    path="/orleanskv.v1.KvStore/${method^}"
    if ! check=$($TOOL grpc-check --url "http://127.0.0.1:$port" --method "$method" --body "$WORK/grpc-$method.bin" --token "$TOKEN" --count 20 2>&1); then
      skip "$id" "gRPC ${method^} does not succeed: ${check//$'\n'/ }"
      return
    fi
    before=$(alloc_bytes "$kind" "$http" || true)
    measure "$kind" "$WORK/$id.r$ROUND.out" client h2load -c "$H2_CLIENTS" -m "$H2_STREAMS" -t 1 -D "$DURATION" --warm-up-time="$WARMUP" \
      -d "$WORK/grpc-$method.bin" -H 'content-type: application/grpc' -H 'te: trailers' -H "authorization: Bearer $TOKEN" \
      --log-file="$WORK/$id.r$ROUND.log" "http://127.0.0.1:$port$path"
    after=$(alloc_bytes "$kind" "$http" || true)
    if [[ "$before" =~ ^[0-9]+$ && "$after" =~ ^[0-9]+$ ]]; then alloc=(--alloc-bytes "$((after - before))"); fi
    if ! check=$($TOOL grpc-check --url "http://127.0.0.1:$port" --method "$method" --body "$WORK/grpc-$method.bin" --token "$TOKEN" --count 20 2>&1); then
      note "$id: gRPC ${method^} failed after the load run: $check"
    fi
    # shellcheck disable=SC2046
    $REPORT record "$RESULTS" --id "$id" --kind h2load --out "$WORK/$id.r$ROUND.out" --log "$WORK/$id.r$ROUND.log" --round "$ROUND" "${alloc[@]}" $(cpu_args) || true
  }

  for method in get set; do
    [ "$KESTREL_OK" = 1 ] && prewarm_grpc "$KESTREL_GRPC" "$method"
    [ "$OKV_OK" = 1 ] && prewarm_grpc "$OKV_GRPC" "$method"
  done
  for method in get set; do
    for ROUND in $(seq 1 "$ROUNDS"); do
      if [ "$KESTREL_OK" = 1 ]; then
        run_h2load "grpc_${method}_h2c" "$KESTREL_GRPC" "$method" kestrel "http://127.0.0.1:$KESTREL_HTTP"
      else
        skip "grpc_${method}_h2c" "bare Kestrel did not start"
      fi
      if [ "$OKV_OK" = 1 ]; then
        run_h2load "grpc_${method}_okv" "$OKV_GRPC" "$method" okv "http://127.0.0.1:$OKV_HTTP"
      else
        skip "grpc_${method}_okv" "OrleansKv did not start"
      fi
    done
  done
  ROUND=1
fi
stop_proc kestrel
stop_proc okv

REDIS_OK=0
if wants redis || wants resp || wants cluster; then
  say "redis-server on loopback (server side CPUs ${SERVER_CPUS:-any}; no persistence)"
  REDIS_PORT=$(free_port)
  start_proc redis "$SERVER_CPUS" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --protected-mode yes
  for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && { REDIS_OK=1; break; }; sleep 0.1; done
  [ "$REDIS_OK" = 1 ] || note "redis-server did not start: $(last_log_line redis)"
fi

if wants redis; then
  say "redis-benchmark reference (-c $CONNECTIONS -P 1 -d $VALUE_BYTES, about $DURATION s per test)"
  for test in set get; do
    if [ "$REDIS_OK" = 1 ]; then
      # redis-benchmark counts requests, not seconds: the warm-up's rate sizes the measured run to about
      # BENCH_DURATION seconds (at most BENCH_REDIS_REQUESTS requests).
      warm=$(client redis-benchmark -p "$REDIS_PORT" -c "$CONNECTIONS" -P 1 -n 100000 -d "$VALUE_BYTES" -r "$KEYS" -t "$test" -q 2>/dev/null \
        | tr '\r' '\n' | awk '/requests per second/ {v=$2} END {printf "%d", v}' || true)
      requests=$REDIS_REQUESTS
      if [ -n "$warm" ] && [ "$warm" -gt 0 ] && [ $((warm * DURATION)) -lt "$REDIS_REQUESTS" ]; then requests=$((warm * DURATION)); fi
      measure redis "$WORK/redis_$test.out" client redis-benchmark -p "$REDIS_PORT" -c "$CONNECTIONS" -P 1 -n "$requests" -d "$VALUE_BYTES" -r "$KEYS" -t "$test"
      # shellcheck disable=SC2046
      $REPORT record "$RESULTS" --id "redis_$test" --kind redis --out "$WORK/redis_$test.out" $(cpu_args) || true
    else
      skip "redis_$test" "redis-server did not start"
    fi
  done
fi

if wants resp; then
  # The same redis-benchmark against redis-server and against OrleansKv's RESP port (DURABILITY=full), each pair
  # back to back: SET first (it also creates the keys the GET rows read), at -P 1 and -P 16.
  RESP_REQUESTS=${BENCH_RESP_REQUESTS:-200000}
  [ "$DURATION" -lt 10 ] && RESP_REQUESTS=$((RESP_REQUESTS / 4))
  say "RESP: redis-benchmark against redis-server and OrleansKv (RESP_PORT, DURABILITY=full), -c $CONNECTIONS, -P 1 and -P 16"
  RESP_OK=0
  OKV_RESP=$(free_port)
  mkdir -p "$WORK/resp-data"
  start_proc okvresp "$SERVER_CPUS" env HTTP_PORT="$(free_port)" GRPC_PORT="$(free_port)" RESP_PORT="$OKV_RESP" SILO_PORT="$(free_port)" \
    DATA_DIR="$WORK/resp-data" DURABILITY=full TOKEN="$TOKEN" LOG_LEVEL=Warning BIND_ADDRESS=127.0.0.1 dotnet "$SERVER_DLL"
  for _ in $(seq 1 600); do redis-cli -p "$OKV_RESP" -a "$TOKEN" --no-auth-warning ping 2>/dev/null | grep -q PONG && { RESP_OK=1; break; }; sleep 0.1; done
  [ "$RESP_OK" = 1 ] || note "OrleansKv with RESP_PORT did not start: $(last_log_line okvresp)"
  if [ "$RESP_OK" = 1 ]; then
    client redis-benchmark -p "$OKV_RESP" -a "$TOKEN" -c "$CONNECTIONS" -P 16 -n "$RESP_REQUESTS" -d "$VALUE_BYTES" -r "$KEYS" -t set,get -q >/dev/null 2>&1 || true
  fi
  for pipeline in 1 16; do
    for test in set get; do
      for target in redis okv; do
        id="resp_${test}_p${pipeline}_${target}"
        if [ "$target" = redis ] && [ "$REDIS_OK" = 1 ]; then
          measure redis "$WORK/$id.out" client redis-benchmark -p "$REDIS_PORT" -c "$CONNECTIONS" -P "$pipeline" -n "$RESP_REQUESTS" -d "$VALUE_BYTES" -r "$KEYS" -t "$test"
        elif [ "$target" = okv ] && [ "$RESP_OK" = 1 ]; then
          measure okvresp "$WORK/$id.out" client redis-benchmark -p "$OKV_RESP" -a "$TOKEN" -c "$CONNECTIONS" -P "$pipeline" -n "$RESP_REQUESTS" -d "$VALUE_BYTES" -r "$KEYS" -t "$test"
        else
          skip "$id" "$target did not start"
          continue
        fi
        # shellcheck disable=SC2046
        $REPORT record "$RESULTS" --id "$id" --kind redis --out "$WORK/$id.out" $(cpu_args) || true
      done
    done
  done
  stop_proc okvresp
fi

if wants cluster; then
  say "Cluster mode (Redis): stateless ASP.NET + StackExchange.Redis vs an OrleansKv silo with REDIS_URL"
  STATELESS_OK=0; CLUSTER_OK=0; CLUSTER_REASON="redis-server did not start"
  if [ "$REDIS_OK" = 1 ]; then
    STATELESS_HTTP=$(free_port)
    start_proc stateless "$SERVER_CPUS" env BENCH_HTTP_PORT="$STATELESS_HTTP" BENCH_REDIS="127.0.0.1:$REDIS_PORT" BENCH_TOKEN="$TOKEN" dotnet "$STATELESS_DLL"
    if wait_http stateless "http://127.0.0.1:$STATELESS_HTTP/_bench/alloc" 60 && preload stateless "http://127.0.0.1:$STATELESS_HTTP"; then
      STATELESS_OK=1
    else
      note "stateless Redis baseline did not start: $(last_log_line stateless)"
    fi
    CLUSTER_HTTP=$(free_port)
    start_proc cluster "$SERVER_CPUS" env HTTP_PORT="$CLUSTER_HTTP" GRPC_PORT="$(free_port)" SILO_PORT="$(free_port)" \
      REDIS_URL="127.0.0.1:$REDIS_PORT" CLUSTER_ID="bench-$$" DATA_DIR="$WORK/cluster-data" TOKEN="$TOKEN" LOG_LEVEL=Warning dotnet "$SERVER_DLL"
    if wait_http cluster "http://127.0.0.1:$CLUSTER_HTTP/readyz" 45; then
      if preload cluster "http://127.0.0.1:$CLUSTER_HTTP" >"$WORK/cluster-preload.txt"; then
        cat "$WORK/cluster-preload.txt"; CLUSTER_OK=1
      else
        CLUSTER_REASON="cluster mode started but writes fail: $(tail -c 300 "$WORK/cluster-preload.txt")"
      fi
    elif kill -0 "${PIDS[cluster]}" 2>/dev/null; then
      CLUSTER_REASON="cluster mode did not become ready within 45 s (/readyz last answered HTTP ${LAST_HTTP:-nothing}): $(last_log_line cluster)"
    else
      CLUSTER_REASON="cluster mode failed to start: $(last_log_line cluster)"
    fi
  fi
  # The embedded server beside them: a silo's GET is the same grain-memory read, so its ceiling is the embedded GET,
  # measured in the same rounds.
  OKV_OK=0
  start_okv && preload okv "http://127.0.0.1:$OKV_HTTP" && OKV_OK=1
  [ "$OKV_OK" = 1 ] || note "OrleansKv embedded (the cluster GET's ceiling) did not start: $(last_log_line okv)"
  [ "$STATELESS_OK" = 1 ] && prewarm_rest "http://127.0.0.1:$STATELESS_HTTP"
  [ "$CLUSTER_OK" = 1 ] && prewarm_rest "http://127.0.0.1:$CLUSTER_HTTP"
  [ "$OKV_OK" = 1 ] && prewarm_rest "http://127.0.0.1:$OKV_HTTP"
  for mode in get set; do
    for ROUND in $(seq 1 "$ROUNDS"); do
      if [ "$STATELESS_OK" = 1 ]; then run_wrk "cluster_${mode}_stateless" stateless "http://127.0.0.1:$STATELESS_HTTP" "$mode"; else skip "cluster_${mode}_stateless" "stateless baseline did not start"; fi
      if [ "$CLUSTER_OK" = 1 ]; then run_wrk "cluster_${mode}_okv" cluster "http://127.0.0.1:$CLUSTER_HTTP" "$mode"; else skip "cluster_${mode}_okv" "$CLUSTER_REASON"; fi
      if [ "$mode" = get ]; then
        if [ "$OKV_OK" = 1 ]; then run_wrk cluster_get_embedded okv "http://127.0.0.1:$OKV_HTTP" get; else skip cluster_get_embedded "OrleansKv embedded did not start"; fi
      fi
    done
  done
  ROUND=1
  stop_proc okv
  stop_proc cluster
  stop_proc stateless

  # The cost of REDIS_WAIT_REPLICAS=1: the same SET through a silo whose commits wait for a replica (WAIT 1)
  # of the same redis-server, on loopback.
  if [ "$REDIS_OK" = 1 ]; then
    say "Cluster mode with REDIS_WAIT_REPLICAS=1 (a replica of the same redis-server)"
    REPLICA_PORT=$(free_port)
    start_proc replica "$SERVER_CPUS" redis-server --port "$REPLICA_PORT" --bind 127.0.0.1 --dir "$WORK" --save '' --appendonly no --replicaof 127.0.0.1 "$REDIS_PORT"
    for _ in $(seq 1 100); do redis-cli -p "$REPLICA_PORT" info replication 2>/dev/null | grep -q 'master_link_status:up' && break; sleep 0.1; done
    WAIT_HTTP=$(free_port)
    start_proc cluster_wait "$SERVER_CPUS" env HTTP_PORT="$WAIT_HTTP" GRPC_PORT="$(free_port)" SILO_PORT="$(free_port)" REDIS_WAIT_REPLICAS=1 \
      REDIS_URL="127.0.0.1:$REDIS_PORT" CLUSTER_ID="bench-wait-$$" DATA_DIR="$WORK/cluster-wait-data" TOKEN="$TOKEN" LOG_LEVEL=Warning dotnet "$SERVER_DLL"
    if wait_http cluster_wait "http://127.0.0.1:$WAIT_HTTP/readyz" 45 && preload cluster_wait "http://127.0.0.1:$WAIT_HTTP"; then
      prewarm_rest "http://127.0.0.1:$WAIT_HTTP"
      run_wrk cluster_set_okv_wait1 cluster_wait "http://127.0.0.1:$WAIT_HTTP" set
    else
      skip cluster_set_okv_wait1 "cluster mode with REDIS_WAIT_REPLICAS=1 did not start: $(last_log_line cluster_wait)"
    fi
    stop_proc cluster_wait
    stop_proc replica
  else
    skip cluster_set_okv_wait1 "redis-server did not start"
  fi

  # Three Redis Cluster masters against the one redis-server above, the same load, the same CPUs.
  say "Cluster mode on a Redis Cluster of three masters (redis-cli --cluster create)"
  SHARDS_OK=0; SHARD_SEEDS=""
  for i in 1 2 3; do
    port=$(free_cluster_port)
    mkdir -p "$WORK/shard-$i"
    start_proc "shard$i" "$SERVER_CPUS" redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK/shard-$i" \
      --cluster-enabled yes --cluster-announce-ip 127.0.0.1
    for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    SHARD_SEEDS="${SHARD_SEEDS:+$SHARD_SEEDS,}127.0.0.1:$port"
  done
  # shellcheck disable=SC2046
  if redis-cli --cluster create $(echo "$SHARD_SEEDS" | tr ',' ' ') --cluster-yes >"$WORK/shards.log" 2>&1; then
    SHARDS_HTTP=$(free_port)
    start_proc cluster_shards "$SERVER_CPUS" env HTTP_PORT="$SHARDS_HTTP" GRPC_PORT="$(free_port)" SILO_PORT="$(free_port)" \
      REDIS_URL="$SHARD_SEEDS" CLUSTER_ID="bench-shards-$$" DATA_DIR="$WORK/cluster-shards-data" TOKEN="$TOKEN" LOG_LEVEL=Warning dotnet "$SERVER_DLL"
    if wait_http cluster_shards "http://127.0.0.1:$SHARDS_HTTP/readyz" 45 && preload cluster_shards "http://127.0.0.1:$SHARDS_HTTP"; then
      SHARDS_OK=1
      prewarm_rest "http://127.0.0.1:$SHARDS_HTTP"
      for mode in get set; do run_wrk "cluster_${mode}_okv_3masters" cluster_shards "http://127.0.0.1:$SHARDS_HTTP" "$mode"; done
    fi
    stop_proc cluster_shards
  fi
  if [ "$SHARDS_OK" = 0 ]; then
    for mode in get set; do skip "cluster_${mode}_okv_3masters" "Redis Cluster or the silo on it did not start: $(tail -n 1 "$WORK/shards.log" 2>/dev/null) $(last_log_line cluster_shards)"; done
  fi
  for i in 1 2 3; do stop_proc "shard$i"; done
fi
stop_proc redis

say "Results"
mkdir -p "$RESULTS_DIR"
machine_meta
if [ -n "${BENCH_OUT:-}" ]; then # bench/compare.sh: one side of a before/after run
  $REPORT render "$RESULTS" "$WORK/meta.json" "$BENCH_OUT.md" --memory "$RESULTS_DIR/latest-memory.md"
  cp "$RESULTS" "$BENCH_OUT.jsonl"
  echo "Wrote $BENCH_OUT.md"
  exit 0
fi
$REPORT render "$RESULTS" "$WORK/meta.json" "$RESULTS_DIR/$STAMP.md" --memory "$RESULTS_DIR/latest-memory.md"
cp "$RESULTS_DIR/$STAMP.md" "$RESULTS_DIR/latest.md"
cat "$RESULTS_DIR/latest.md"
echo
echo "Wrote bench/results/$STAMP.md and bench/results/latest.md"
