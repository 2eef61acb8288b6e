#!/usr/bin/env bash
# Before and after: the REST and cluster-mode scenarios of bench/run.sh, run on an earlier build and on this one, in
# one invocation and against the same kind of baselines (each side measures its own bare Kestrel and stateless
# Redis endpoint right before the OrleansKv rows, so the ratios, not the raw rates, are what compare).
#
#   bench/compare.sh [COMMIT]     default: 9deec22, the last build on the home-made runtime (before Orleans and the
#                                 answer-after-durable rule)
#   BENCH_COMPARE_ONLY=rest,cluster (default) and every bench/run.sh knob apply to both sides (e.g. --quick).
#
# Writes bench/results/<date>-before-after.md: the ratio of each OrleansKv row to its baseline on both sides, the
# change, CPU and allocations per request, then both full tables.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BEFORE=${1:-9deec22}
shift $(( $# > 0 ? 1 : 0 ))
ONLY=${BENCH_COMPARE_ONLY:-rest,cluster}
STAMP=$(date -u +%Y-%m-%d-%H%M)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/orleanskv-compare.XXXXXX")
cleanup() { git worktree remove --force "$WORK/before" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

echo "== Building $BEFORE in a temporary worktree"
git worktree add -q --detach "$WORK/before" "$BEFORE"
dotnet build "$WORK/before/src/OrleansKv.Server/OrleansKv.Server.csproj" -c Release --nologo -v q -clp:ErrorsOnly >"$WORK/build.log" 2>&1 || {
  cat "$WORK/build.log"; echo "bench/compare.sh: the build of $BEFORE failed" >&2; exit 1; }

echo "== Before: $BEFORE"
BENCH_SERVER_DLL="$WORK/before/src/OrleansKv.Server/bin/Release/net10.0/OrleansKv.Server.dll" BENCH_OUT="$WORK/before-result" \
  bash bench/run.sh --only "$ONLY" "$@"
echo "== After: $(git rev-parse --short HEAD)"
BENCH_OUT="$WORK/after-result" bash bench/run.sh --only "$ONLY" "$@"

mkdir -p bench/results
OUT="bench/results/$STAMP-before-after.md"
/usr/bin/python3 - "$WORK/before-result.jsonl" "$WORK/after-result.jsonl" "$BEFORE" "$(git rev-parse --short HEAD)" "$*" >"$OUT" <<'PY'
import sys
sys.path.insert(0, "bench/scripts")
from report import fmt_ratio, load, median, ratios, summary

before, after, b_name, a_name, args = load(sys.argv[1]), load(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
pairs = [
    ("REST GET /{key}", "rest_get_okv", "rest_get_kestrel", "bare Kestrel"),
    ("REST durable SET (64 connections)", "rest_set_okv", "rest_set_kestrel", "bare Kestrel"),
    ("REST durable SET (wide)", "rest_set_okv_wide", "rest_set_kestrel", "bare Kestrel"),
    ("REST 90/10 mix", "rest_mix_okv", "rest_mix_kestrel", "bare Kestrel"),
    ("cluster-mode GET", "cluster_get_okv", "cluster_get_stateless", "stateless + Redis"),
    ("cluster-mode GET", "cluster_get_okv", "cluster_get_embedded", "embedded GET"),
    ("cluster-mode SET", "cluster_set_okv", "cluster_set_stateless", "stateless + Redis"),
]
print(f"# OrleansKv before and after: {b_name} → {a_name}")
print()
command = f"bench/compare.sh {b_name} {args}".strip()
print(f"Command: `{command}`. Each side ran bench/run.sh's scenarios with its own baselines, "
      "back to back on the same machine, in alternating rounds; compare the ratios (median of the per-round ratios, "
      "with their spread).")
print()
print("| scenario | baseline | before: req/s (ratio) | after: req/s (ratio) | ratio change | server CPU per request, before → after | allocated per request, before → after |")
print("|---|---|---:|---:|---:|---:|---:|")
def cpu_us(s):
    return s["server_cpu"] / 100 / s["rps"] * 1e6 if s and s.get("server_cpu") is not None and s.get("rps") else None
def fmt(v, spec):
    return spec.format(v) if v is not None else "–"
for label, okv, base, base_label in pairs:
    cells, medians = [], []
    for side in (before, after):
        s, values = summary(side, okv), ratios(side, okv, base)
        medians.append(median(values) if values else None)
        cells.append(f"{s['rps']:,.0f} ({fmt_ratio(values)})" if s and values else (f"{s['rps']:,.0f}" if s else "–"))
    if medians[1] is None and medians[0] is None:
        continue
    change = f"{medians[1] / medians[0]:.2f}×" if all(medians) else "–"
    cpu = f"{fmt(cpu_us(summary(before, okv)), '{:.0f}')} → {fmt(cpu_us(summary(after, okv)), '{:.0f}')} µs"
    alloc = f"{fmt((summary(before, okv) or {}).get('alloc_per_req'), '{:,.0f}')} → {fmt((summary(after, okv) or {}).get('alloc_per_req'), '{:,.0f}')} B"
    print(f"| {label} | {base_label} | {cells[0]} | {cells[1]} | {change} | {cpu} | {alloc} |")
PY
{ echo; echo "## Before ($BEFORE)"; echo; sed '1d' "$WORK/before-result.md"; echo; echo "## After ($(git rev-parse --short HEAD))"; echo; sed '1d' "$WORK/after-result.md"; } >>"$OUT"
cat "$OUT" | head -20
echo
echo "Wrote $OUT"
