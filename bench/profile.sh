#!/usr/bin/env bash
# CPU profile of the OrleansKv server under one load scenario (bench/README.md, "Profiling").
#
#   bench/profile.sh rest-set     durable REST SET (DURABILITY=full), wrk, 64 connections
#   bench/profile.sh rest-get     REST GET of preloaded keys
#   bench/profile.sh grpc-set     durable gRPC Set, h2load
#   bench/profile.sh grpc-get     gRPC Get
#
# Starts the embedded server pinned like bench/run.sh (server on the second core), preloads BENCH_KEYS keys, warms
# up, then samples the server with dotnet-trace (dotnet-sampled-thread-time) for BENCH_DURATION seconds while the load runs. Writes
# bench/results/<date>-profile-<scenario>.md (the frames with the most inclusive and exclusive CPU samples, and the
# share of each layer) and, beside it in artifacts/profiles/, the .nettrace and a .speedscope.json to open in
# https://www.speedscope.app or PerfView. Installs dotnet-trace into .tools/ when missing.
#
#   BENCH_PROFILER=perf bench/profile.sh rest-set   Linux perf instead (on-CPU samples of every thread, kernel included,
#                                                   JIT frames named through the runtime's perf map): the CPU split per
#                                                   thread, per library (kernel, JIT code, SQLite, libc...) and the top
#                                                   functions, in bench/results/<date>-perf-<scenario>.md. The thread-time
#                                                   sampler above sees managed stacks, blocked threads too, and no kernel.
#   BENCH_PROFILER=alloc bench/profile.sh rest-get  where the bytes are allocated: the runtime's GC allocation ticks (one
#                                                   per about 100 KB, with type and stack), summarised by type, by caller
#                                                   and by frame in bench/results/<date>-alloc-<scenario>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH="$ROOT/bench"
SCENARIO=${1:-}
case "$SCENARIO" in
  rest-get|rest-set|grpc-get|grpc-set) ;;
  *) sed -n '2,15p' "$0"; exit 2 ;;
esac
DURATION=${BENCH_DURATION:-10}
PROFILER=${BENCH_PROFILER:-dotnet-trace}
WARMUP=${BENCH_WARMUP:-5}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
KEYS=${BENCH_KEYS:-10000}
VALUE_BYTES=${BENCH_VALUE_BYTES:-64}
TRACE_VERSION=10.0.750501
TOKEN="bench-token-$$-$RANDOM"
STAMP=$(date -u +%Y-%m-%d-%H%M)
PY=${PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/orleanskv-profile.XXXXXX")
OUT_DIR="$ROOT/artifacts/profiles"
mkdir -p "$OUT_DIR" "$BENCH/results"

missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v h2load >/dev/null 2>&1 || missing+=(nghttp2-client)
command -v taskset >/dev/null 2>&1 || missing+=(util-linux)
[ "$PROFILER" = perf ] && { command -v perf >/dev/null 2>&1 || missing+=(linux-perf); }
if [ "${#missing[@]}" -gt 0 ]; then
  echo "== Installing: ${missing[*]}"
  run_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
  run_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive run_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
TRACE="$ROOT/.tools/dotnet-trace"
if [ "$PROFILER" != perf ] && [ ! -x "$TRACE" ]; then
  echo "== Installing dotnet-trace $TRACE_VERSION into .tools/"
  dotnet tool install --tool-path "$ROOT/.tools" dotnet-trace --version "$TRACE_VERSION" >/dev/null
fi

SERVER_CPUS=1; CLIENT_CPUS=0
[ "$(nproc)" -lt 2 ] && { SERVER_CPUS=""; CLIENT_CPUS=""; }
pinned() { local cpus=$1; shift; if [ -n "$cpus" ]; then taskset -c "$cpus" "$@"; else "$@"; fi; }
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

echo "== Building (Release)"
for project in src/OrleansKv.Server/OrleansKv.Server.csproj bench/tools/BenchTool/OrleansKv.Bench.Tool.csproj; do
  dotnet build "$project" -c Release --nologo -v q -clp:ErrorsOnly >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
done
TOOL="dotnet $BENCH/tools/BenchTool/bin/Release/net10.0/OrleansKv.Bench.Tool.dll"
# As in bench/run.sh: no tiering delay, so the warm-up reaches tier-1 code on one pinned core.
export DOTNET_TC_CallCountingDelayMs=0

HTTP=$(free_port); GRPC=$(free_port)
mkdir -p "$WORK/data"
# Started as a simple command, so $! is the server itself (taskset and env exec into dotnet), which dotnet-trace attaches to.
pin_server=(); [ -n "$SERVER_CPUS" ] && pin_server=(taskset -c "$SERVER_CPUS")
perf_env=(); [ "$PROFILER" = perf ] && perf_env=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0)
[ "$PROFILER" = alloc ] && perf_env=(DOTNET_ENABLE_DIAGNOSTICS=1)
"${pin_server[@]}" env "${perf_env[@]}" HTTP_PORT="$HTTP" GRPC_PORT="$GRPC" SILO_PORT="$(free_port)" DATA_DIR="$WORK/data" DURABILITY=full \
  TOKEN="$TOKEN" LOG_LEVEL=Warning BIND_ADDRESS=127.0.0.1 dotnet src/OrleansKv.Server/bin/Release/net10.0/OrleansKv.Server.dll >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$HTTP/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$HTTP/healthz" >/dev/null || { echo "profile.sh: the server did not start"; tail -5 "$WORK/server.log"; exit 1; }
$TOOL preload --url "http://127.0.0.1:$HTTP" --token "$TOKEN" --keys "$KEYS" --value-bytes "$VALUE_BYTES" >/dev/null

load() { # SECONDS
  case "$SCENARIO" in
    rest-*) pinned "$CLIENT_CPUS" wrk -t 1 -c "$CONNECTIONS" -d "${1}s" --latency -s "$BENCH/scripts/kv.lua" "http://127.0.0.1:$HTTP" -- "${SCENARIO#rest-}" "$KEYS" "$TOKEN" "$VALUE_BYTES" 0 ;;
    grpc-*) pinned "$CLIENT_CPUS" h2load -c 8 -m $((CONNECTIONS / 8)) -t 1 -D "$1" -d "$WORK/body.bin" -H 'content-type: application/grpc' -H 'te: trailers' \
              -H "authorization: Bearer $TOKEN" "http://127.0.0.1:$GRPC/orleanskv.v1.KvStore/$(m=${SCENARIO#grpc-}; echo "${m^}")" ;;
  esac
}
# Runs the load for DURATION + 2 s and, a second into it, the sampler given as arguments (which runs DURATION s);
# waits for both. Fails when the sampler fails; the load's output is in $WORK/load.out.
under_load() {
  load $((DURATION + 2)) >"$WORK/load.out" 2>&1 &
  local pid=$!
  sleep 1
  local status=0
  "$@" || status=$?
  wait "$pid" || true
  return "$status"
}
[[ "$SCENARIO" == grpc-* ]] && $TOOL grpc-body --method "${SCENARIO#grpc-}" --key bench:1 --value-bytes "$VALUE_BYTES" --out "$WORK/body.bin"

echo "== Warm-up: ${WARMUP} s of $SCENARIO"
load "$WARMUP" >/dev/null 2>&1 || true
name="$STAMP-profile-$SCENARIO"
if [ "$PROFILER" = perf ]; then
  name="$STAMP-perf-$SCENARIO"
  echo "== perf: sampling every thread of the server (pid $SERVER) for ${DURATION} s under $SCENARIO"
  under_load perf record -F 999 -g -p "$SERVER" -o "$OUT_DIR/$name.perf.data" -- sleep "$DURATION" >"$WORK/perf.log" 2>&1 || { cat "$WORK/perf.log"; exit 1; }
  report() { perf report -i "$OUT_DIR/$name.perf.data" --no-children -g none --stdio --percent-limit "$2" --sort "$1" 2>/dev/null | grep -v '^#' | grep -v '^$'; }
  {
    echo "# perf profile: $SCENARIO"
    echo
    echo "Command: \`BENCH_PROFILER=perf bench/profile.sh $SCENARIO\` (commit \`$(git rev-parse --short HEAD)\`): \`perf record -F 999 -g\` of the server"
    echo "process for ${DURATION} s while the load ran, on-CPU samples of every thread, kernel included. Load during the sample:"
    echo "\`$(grep -m1 -E '^BENCH_RESULT|finished in' "$WORK/load.out" | cut -c1-160)\`. Data: \`artifacts/profiles/$name.perf.data\` (not committed)."
    for section in "comm:By thread:0.5" "dso:By library (kernel, [JIT] = managed code, native libraries):0.3" "sym:Functions where the samples end:0.35"; do
      IFS=: read -r key title limit <<<"$section"
      echo; echo "## $title"; echo; echo "| share | $key |"; echo "|---:|---|"
      report "$key" "$limit" | head -n 45 | sed -E 's/^ *([0-9.]+%) +/| \1 | /; s/ *$/ |/; s/`/\x27/g' | cut -c1-220
    done
  } >"$BENCH/results/$name.md"
  sed -n '1,40p' "$BENCH/results/$name.md"
  echo; echo "Wrote bench/results/$name.md; perf.data is in artifacts/profiles/"
  exit 0
fi
if [ "$PROFILER" = alloc ]; then
  name="$STAMP-alloc-$SCENARIO"
  echo "== Allocation ticks of the server (pid $SERVER) for ${DURATION} s under $SCENARIO"
  under_load "$TRACE" collect -p "$SERVER" --providers Microsoft-Windows-DotNETRuntime:0x1:5 --duration "00:00:$(printf "%02d" "$DURATION")" \
    -o "$OUT_DIR/$name.nettrace" >"$WORK/trace.log" 2>&1 || { echo "profile.sh: dotnet-trace failed:"; cat "$WORK/trace.log"; exit 1; }
  # The load ran DURATION + 2 s and the trace DURATION s of it: its share of the requests, at the load's mean rate.
  # wrk's BENCH_RESULT line, or h2load's "requests: N total, ... M succeeded".
  total=$( { grep -o '"requests":[0-9]*' "$WORK/load.out" || true; } | head -n1 | cut -d: -f2)
  [ -n "$total" ] || total=$( { grep -Eo '[0-9]+ succeeded' "$WORK/load.out" || true; } | head -n1 | cut -d' ' -f1)
  requests=$(( ${total:-0} * DURATION / (DURATION + 2) ))
  {
    echo "# Allocation profile: $SCENARIO"
    echo
    echo "Command: \`BENCH_PROFILER=alloc bench/profile.sh $SCENARIO\` (commit \`$(git rev-parse --short HEAD)\`): dotnet-trace's GC allocation"
    echo "ticks of the server for ${DURATION} s of load (requests in that window estimated at the load's mean rate). Trace:"
    echo "\`artifacts/profiles/$name.nettrace\` (not committed)."
    echo
    $TOOL alloc-summary --trace "$OUT_DIR/$name.nettrace" --requests "$requests"
  } >"$BENCH/results/$name.md"
  sed -n '1,30p' "$BENCH/results/$name.md"
  echo; echo "Wrote bench/results/$name.md; the trace is in artifacts/profiles/"
  exit 0
fi
echo "== Sampling the server (pid $SERVER) for ${DURATION} s under $SCENARIO"
under_load "$TRACE" collect -p "$SERVER" --profile dotnet-sampled-thread-time --duration "00:00:$(printf "%02d" "$DURATION")" -o "$OUT_DIR/$name.nettrace" >"$WORK/trace.log" 2>&1 || { echo "profile.sh: dotnet-trace failed:"; cat "$WORK/trace.log"; exit 1; }
"$TRACE" convert "$OUT_DIR/$name.nettrace" --format Speedscope -o "$OUT_DIR/$name" >>"$WORK/trace.log" 2>&1
speedscope=$(ls "$OUT_DIR/$name"*.speedscope.json 2>/dev/null | head -n1)
[ -n "$speedscope" ] || { echo "profile.sh: no speedscope file was written"; cat "$WORK/trace.log"; exit 1; }

$PY "$BENCH/scripts/profile_summary.py" "$speedscope" --scenario "$SCENARIO" --load "$WORK/load.out" \
  --command "bench/profile.sh $SCENARIO" --commit "$(git rev-parse --short HEAD)" --trace "artifacts/profiles/$(basename "$speedscope")" \
  >"$BENCH/results/$name.md"
echo
sed -n '1,60p' "$BENCH/results/$name.md"
echo; echo "Wrote bench/results/$name.md; the trace is in artifacts/profiles/"
