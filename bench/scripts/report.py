#!/usr/bin/env python3
"""bench/run.sh's bookkeeping: parses wrk, h2load and redis-benchmark output into one JSON line per
scenario, and renders the markdown table with ratios against the baselines and the goals.

  report.py record RESULTS.jsonl --id ID --kind wrk|h2load|redis --out STDOUT [--log H2LOAD_LOG]
                    [--alloc-bytes N] [--note TEXT] [--round N]
  report.py skip RESULTS.jsonl --id ID --reason TEXT
  report.py get RESULTS.jsonl ID FIELD          (the median of one field over a scenario's rounds, e.g. rps)
  report.py render RESULTS.jsonl META.json OUT.md [--memory LATEST-MEMORY.md]
A scenario measured in rounds (baseline, ours, baseline, ours...) has one line per round; the table shows the
median and the min-max spread, and a ratio is the median of the per-round ratios (round i of the row over round i
of its baseline). Standard library only.
"""
import argparse
import json
import math
import re
import statistics
import sys

# id -> (section, target, what it measures)
SCENARIOS = {
    "rest_get_kestrel": ("REST", "bare Kestrel (ceiling)", "GET /{key}, preloaded keys"),
    "rest_get_okv": ("REST", "OrleansKv embedded", "GET /{key}, preloaded keys (grain cache)"),
    "rest_set_kestrel": ("REST", "bare Kestrel (ceiling)", "POST /{key} JSON"),
    "rest_set_okv": ("REST", "OrleansKv embedded", "POST /{key}, DURABILITY=full (fsync per group commit)"),
    "rest_set_okv_wide": ("REST", "OrleansKv embedded", "POST /{key}, DURABILITY=full, {wide} connections"),
    "rest_mix_kestrel": ("REST", "bare Kestrel (ceiling)", "90% GET / 10% POST"),
    "rest_mix_okv": ("REST", "OrleansKv embedded", "90% GET / 10% durable POST"),
    "rest_get_okv_half": ("REST", "OrleansKv embedded", "GET paced at half the measured peak"),
    "grpc_get_h2c": ("gRPC", "bare Grpc.AspNetCore (ceiling)", "KvStore/Get, one key"),
    "grpc_get_okv": ("gRPC", "OrleansKv embedded", "KvStore/Get, one key"),
    "grpc_set_h2c": ("gRPC", "bare Grpc.AspNetCore (ceiling)", "KvStore/Set, one key"),
    "grpc_set_okv": ("gRPC", "OrleansKv embedded", "KvStore/Set, one key, DURABILITY=full"),
    "redis_get": ("Redis reference", "redis-server (redis-benchmark)", "GET, -P 1"),
    "redis_set": ("Redis reference", "redis-server (redis-benchmark)", "SET, -P 1"),
    "resp_set_p1_redis": ("RESP", "redis-server (no persistence)", "SET, -P 1"),
    "resp_set_p1_okv": ("RESP", "OrleansKv embedded, RESP_PORT", "SET, -P 1, DURABILITY=full"),
    "resp_get_p1_redis": ("RESP", "redis-server (no persistence)", "GET, -P 1"),
    "resp_get_p1_okv": ("RESP", "OrleansKv embedded, RESP_PORT", "GET, -P 1"),
    "resp_set_p16_redis": ("RESP", "redis-server (no persistence)", "SET, -P 16"),
    "resp_set_p16_okv": ("RESP", "OrleansKv embedded, RESP_PORT", "SET, -P 16, DURABILITY=full"),
    "resp_get_p16_redis": ("RESP", "redis-server (no persistence)", "GET, -P 16"),
    "resp_get_p16_okv": ("RESP", "OrleansKv embedded, RESP_PORT", "GET, -P 16"),
    "cluster_get_embedded": ("Cluster (Redis)", "OrleansKv embedded", "GET /{key}, no REDIS_URL (the same work without a cluster)"),
    "cluster_get_stateless": ("Cluster (Redis)", "stateless ASP.NET + Redis", "GET /{key}: one Redis GET per request"),
    "cluster_get_okv": ("Cluster (Redis)", "OrleansKv cluster silo", "GET /{key}, REDIS_URL set"),
    "cluster_set_stateless": ("Cluster (Redis)", "stateless ASP.NET + Redis", "POST /{key}: one Redis SET per request"),
    "cluster_set_okv": ("Cluster (Redis)", "OrleansKv cluster silo", "POST /{key}, REDIS_URL set"),
    "cluster_set_okv_wait1": ("Cluster (Redis)", "OrleansKv cluster silo", "POST /{key}, REDIS_WAIT_REPLICAS=1 (WAIT for a replica on loopback)"),
    "cluster_get_okv_3masters": ("Cluster (Redis)", "OrleansKv cluster silo", "GET /{key}, REDIS_URL = 3 Redis Cluster masters"),
    "cluster_set_okv_3masters": ("Cluster (Redis)", "OrleansKv cluster silo", "POST /{key}, REDIS_URL = 3 Redis Cluster masters"),
}

# id -> [(baseline id, label)] ratios shown next to the row
BASELINES = {
    "rest_get_okv": [("rest_get_kestrel", "bare Kestrel")],
    "rest_set_okv": [("rest_set_kestrel", "bare Kestrel")],
    "rest_mix_okv": [("rest_mix_kestrel", "bare Kestrel")],
    "grpc_get_okv": [("grpc_get_h2c", "bare Grpc.AspNetCore")],
    "grpc_set_okv": [("grpc_set_h2c", "bare Grpc.AspNetCore")],
    "cluster_get_okv": [("cluster_get_embedded", "embedded"), ("cluster_get_stateless", "stateless+Redis"), ("redis_get", "redis-benchmark")],
    "cluster_set_okv": [("cluster_set_stateless", "stateless+Redis"), ("redis_set", "redis-benchmark")],
    "cluster_set_okv_wait1": [("cluster_set_okv", "no WAIT")],
    "cluster_get_okv_3masters": [("cluster_get_okv", "one redis-server")],
    "cluster_set_okv_3masters": [("cluster_set_okv", "one redis-server")],
    "cluster_get_stateless": [("redis_get", "redis-benchmark")],
    "cluster_set_stateless": [("redis_set", "redis-benchmark")],
    "resp_set_p1_okv": [("resp_set_p1_redis", "redis-server")],
    "resp_get_p1_okv": [("resp_get_p1_redis", "redis-server")],
    "resp_set_p16_okv": [("resp_set_p16_redis", "redis-server")],
    "resp_get_p16_okv": [("resp_get_p16_redis", "redis-server")],
    "rest_get_kestrel": [("redis_get", "redis-benchmark")],
    "rest_set_kestrel": [("redis_set", "redis-benchmark")],
}


CLIENT_BOUND = 90  # % of a core: the load generator is saturated
SERVER_BUSY = 85  # % of a core: below this the server had headroom


def load(path):
    """id -> {"results": [one result per round, in order], "skipped": the reason when a round was skipped}."""
    rows = {}
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    row = json.loads(line)
                    entry = rows.setdefault(row["id"], {"results": [], "skipped": None})
                    if "result" in row:
                        entry["results"].append(row["result"])
                    else:
                        entry["skipped"] = row["skipped"]
    except FileNotFoundError:
        pass
    return rows


def median(values):
    values = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    return statistics.median(values) if values else None


def client_bound(r):
    return "server_cpu" in r and r["client_cpu"] >= CLIENT_BOUND and r["server_cpu"] < SERVER_BUSY


def summary(rows, sid):
    """The median over a scenario's rounds of every figure, the req/s spread, and how many rounds were client-bound."""
    results = rows.get(sid, {}).get("results") or []
    if not results:
        return None
    out = {"rounds": len(results)}
    for field in ("rps", "p50_ms", "p99_ms", "p999_ms", "alloc_per_req", "server_cpu", "client_cpu"):
        value = median([r.get(field) for r in results])
        if value is not None:
            out[field] = value
    out["rps_min"] = min(r["rps"] for r in results)
    out["rps_max"] = max(r["rps"] for r in results)
    out["p99_min"] = min(r["p99_ms"] for r in results)
    out["p99_max"] = max(r["p99_ms"] for r in results)
    out["errors"] = sum(r["errors"] + r["non_2xx"] for r in results)
    out["client_bound"] = sum(1 for r in results if client_bound(r))
    out["note"] = results[-1].get("note")
    return out


def mostly_client_bound(s):
    return s is not None and s["client_bound"] * 2 > s["rounds"]


def append(path, row):
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(row) + "\n")


def parse_wrk(text):
    match = re.search(r"^BENCH_RESULT (\{.*\})$", text, re.M)
    if not match:
        raise ValueError("wrk printed no BENCH_RESULT line")
    r = json.loads(match.group(1))
    seconds = r["duration_us"] / 1e6
    errors = r["errors_connect"] + r["errors_read"] + r["errors_write"] + r["errors_timeout"]
    return {
        "requests": r["requests"],
        "seconds": round(seconds, 2),
        "rps": r["requests"] / seconds if seconds else 0.0,
        "p50_ms": r["p50_us"] / 1000,
        "p99_ms": r["p99_us"] / 1000,
        "p999_ms": r["p999_us"] / 1000,
        "errors": errors,
        "non_2xx": r["errors_status"],
    }


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    rank = max(0, math.ceil(p / 100 * len(sorted_values)) - 1)
    return sorted_values[rank]


def parse_h2load(text, log_path):
    finished = re.search(r"finished in ([\d.]+)s, ([\d.]+) req/s", text)
    counts = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout", text)
    codes = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", text)
    if not finished or not counts:
        raise ValueError("h2load printed no summary (did it connect?)")
    latencies = []
    with open(log_path, encoding="utf-8") as f:
        for line in f:
            parts = line.split("\t")
            if len(parts) >= 3:
                latencies.append(int(parts[2]))
    latencies.sort()
    done = int(counts.group(3))
    ok = int(codes.group(1)) if codes else int(counts.group(4))
    return {
        "requests": done,
        "seconds": float(finished.group(1)),
        "rps": float(finished.group(2)),
        "p50_ms": percentile(latencies, 50) / 1000,
        "p99_ms": percentile(latencies, 99) / 1000,
        "p999_ms": percentile(latencies, 99.9) / 1000,
        "errors": int(counts.group(5)) + int(counts.group(6)) + int(counts.group(7)),
        "non_2xx": done - ok,
    }


def parse_redis(text):
    rps = re.search(r"throughput summary: ([\d.]+) requests per second", text)
    summary = re.search(r"latency summary \(msec\):\s*\n\s*avg\s+min\s+p50\s+p95\s+p99\s+max\s*\n\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", text)
    total = re.search(r"(\d+) requests completed in ([\d.]+) seconds", text)
    if not rps or not summary:
        raise ValueError("redis-benchmark printed no summary")
    p999 = None
    # "99.902% <= 0.855 milliseconds (cumulative count 99902)": the first step at or above 99.9% bounds it.
    for m in re.finditer(r"([\d.]+)% <= ([\d.]+) milliseconds", text):
        if float(m.group(1)) >= 99.9:
            p999 = float(m.group(2))
            break
    return {
        "requests": int(total.group(1)) if total else 0,
        "seconds": float(total.group(2)) if total else 0.0,
        "rps": float(rps.group(1)),
        "p50_ms": float(summary.group(3)),
        "p99_ms": float(summary.group(5)),
        "p999_ms": p999 if p999 is not None else float("nan"),
        "errors": len(re.findall(r"Error from server", text)),
        "non_2xx": 0,
    }


def cmd_record(args):
    with open(args.out, encoding="utf-8", errors="replace") as f:
        text = f.read()
    try:
        if args.kind == "wrk":
            result = parse_wrk(text)
        elif args.kind == "h2load":
            result = parse_h2load(text, args.log)
        else:
            result = parse_redis(text)
    except (ValueError, OSError) as ex:
        append(args.results, {"id": args.id, "skipped": f"no result: {ex}"})
        print(f"  {args.id}: no result ({ex})")
        return 1
    if args.alloc_bytes is not None and result["requests"]:
        result["alloc_per_req"] = args.alloc_bytes / result["requests"]
    if args.note:
        result["note"] = args.note
    result["round"] = args.round
    if args.server_cpu is not None and args.client_cpu is not None:
        result["server_cpu"] = args.server_cpu
        result["client_cpu"] = args.client_cpu
    append(args.results, {"id": args.id, "result": result})
    bad = result["errors"] + result["non_2xx"]
    alloc = f", {result['alloc_per_req']:.0f} B allocated/req" if "alloc_per_req" in result else ""
    print(f"  {args.id}: {result['rps']:,.0f} req/s, p50 {result['p50_ms']:.2f} ms, p99 {result['p99_ms']:.2f} ms, "
          f"p99.9 {result['p999_ms']:.2f} ms{alloc}" + (f", {bad} errors/non-2xx" if bad else "")
          + (f", CPU server {result['server_cpu']:.0f}% / load generator {result['client_cpu']:.0f}%" if "server_cpu" in result else ""))
    return 0


def cmd_skip(args):
    append(args.results, {"id": args.id, "skipped": args.reason})
    print(f"  {args.id}: SKIPPED: {args.reason}")
    return 0


def cmd_get(args):
    s = summary(load(args.results), args.id)
    if not s or args.field not in s:
        return 1
    print(s[args.field])
    return 0


def fmt_ms(value):
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.2f}"


def ratios(rows, a, b):
    """Per-round ratios of a over b when both ran the same number of rounds (alternating), else the ratio of medians."""
    ra = rows.get(a, {}).get("results") or []
    rb = rows.get(b, {}).get("results") or []
    if not ra or not rb:
        return None
    if len(ra) == len(rb) and len(ra) > 1:
        return [x["rps"] / y["rps"] for x, y in zip(ra, rb) if y["rps"]] or None
    base = median([y["rps"] for y in rb])
    return [median([x["rps"] for x in ra]) / base] if base else None


def fmt_ratio(values, label=""):
    text = f"{median(values):.2f}×" + (f" {label}" if label else "")
    if len(values) > 1:
        text += f" ({min(values):.2f}–{max(values):.2f}, {len(values)} rounds)"
    return text


def number(cell):
    """The number in a table cell such as "4,024 B/activation", or None."""
    return float(re.sub(r"[^\d.]", "", cell)) if re.search(r"\d", cell or "") else None


def memory_goals(path):
    """(heap per resident key beyond key and value, heap per idle activation, the run's title) from latest-memory.md."""
    try:
        text = open(path, encoding="utf-8").read()
    except (OSError, TypeError):
        return None
    title = re.search(r"^# OrleansKv memory — (.*)$", text, re.M)
    header = None
    per_key = per_activation = None
    for line in text.splitlines():
        if not line.startswith("|") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if header is None:
            header = cells
            continue
        row = dict(zip(header, cells))
        if "every key resident" in cells[0]:
            column = next((h for h in header if "beyond key and value" in h), "heap per resident key")
            per_key = (number(row.get(column)), column)
        elif "no data" in cells[0]:
            per_activation = number(row.get("heap per unit"))
    return per_key, per_activation, title.group(1) if title else "?"


def cmd_render(args):
    rows = load(args.results)
    with open(args.meta, encoding="utf-8") as f:
        meta = json.load(f)
    out = []
    w = out.append
    w(f"# OrleansKv benchmark — {meta['date']}")
    w("")
    w(f"Command: `{meta['command']}` (commit `{meta['commit']}`).")
    w("")
    w("| machine | |")
    w("|---|---|")
    for key in ("cores", "cpu", "memory", "kernel", "dotnet", "wrk", "h2load", "redis", "pinning", "load", "fsync", "loadavg"):
        w(f"| {key} | {meta.get(key, '?')} |")
    w("")
    w("The machine is small, shared and noisy: read the **ratios** (each pair measured back to back in this "
      "run, same client, same pinning), not the absolute numbers. With " + str(meta.get("cores_count", "?")) +
      " cores the load generator and the server side (server, and redis-server where used) compete for the "
      "machine; " + meta.get("pinning_note", "") + " Latencies are wrk's and h2load's (service time per request, "
      "not corrected for coordinated omission); redis-benchmark's p99.9 is the first step of its distribution at or above 99.9%.")
    w("")
    w("| section | scenario | target | req/s | p50 ms | p99 ms | p99.9 ms | errors | alloc/req | CPU server / client (server µs/req) | ratio |")
    w("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for sid, (section, target, what) in SCENARIOS.items():
        row = rows.get(sid)
        what = what.replace("{wide}", str(meta.get("wide_connections", "more")))
        if row is None:
            continue
        r = summary(rows, sid)
        if r is None:
            w(f"| {section} | {what} | {target} | skipped | | | | | | | {row['skipped']} |")
            continue
        cells = []
        for base, label in BASELINES.get(sid, []):
            values = ratios(rows, sid, base)
            if values:
                cells.append(fmt_ratio(values, label))
        if r.get("note"):
            cells.append(r["note"])
        if row["skipped"]:
            cells.append(f"a round was skipped: {row['skipped']}")
        rps = f"{r['rps']:,.0f}"
        if r["rounds"] > 1:
            rps += f" ({r['rps_min']:,.0f}–{r['rps_max']:,.0f})"
        alloc = f"{r['alloc_per_req']:,.0f} B" if "alloc_per_req" in r else "–"
        cpu = "–"
        if "server_cpu" in r:
            cpu = f"{r['server_cpu']:.0f}% / {r['client_cpu']:.0f}%"
            if r["rps"]:
                cpu += f" ({r['server_cpu'] / 100 / r['rps'] * 1e6:.0f} µs)"
            if mostly_client_bound(r):
                cpu += " ⚠"
        w(f"| {section} | {what} | {target} | {rps} | {fmt_ms(r.get('p50_ms'))} | {fmt_ms(r.get('p99_ms'))} | "
          f"{fmt_ms(r.get('p999_ms'))} | {r['errors']} | {alloc} | {cpu} | {'; '.join(cells)} |")
    w("")
    w("## Goals (issue 16)")
    w("")
    w("Each ratio is the median of the per-round ratios (baseline and OrleansKv alternating, round after round), with "
      "the spread; the verdict is on the median. \"load-generator bound\" marks a goal whose row or baseline had its "
      "load generator saturated while the server had headroom in most rounds: there the ratio says more about the client.")
    w("")
    w("| goal | measured | verdict |")
    w("|---|---|---|")

    def verdict(ok):
        return "met" if ok else "NOT met"

    def skipped_reason(*ids):
        for i in ids:
            if i in rows and rows[i]["skipped"] and not rows[i]["results"]:
                return "skipped: " + rows[i]["skipped"]
        return "not measured"

    def ratio_goal(label, sid, base, target):
        values = ratios(rows, sid, base)
        if not values:
            w(f"| {label} | {skipped_reason(sid, base)} | skipped |")
            return
        text = fmt_ratio(values)
        if mostly_client_bound(summary(rows, sid)) or mostly_client_bound(summary(rows, base)):
            text += " (load-generator bound)"
        w(f"| {label} | {text} | {verdict(median(values) >= target)} |")

    ratio_goal("durable REST SET ≥ 0.6 × bare-Kestrel POST (DURABILITY=full)", "rest_set_okv", "rest_set_kestrel", 0.6)
    ratio_goal("durable gRPC Set ≥ 0.6 × bare Grpc.AspNetCore Set (DURABILITY=full)", "grpc_set_okv", "grpc_set_h2c", 0.6)
    ratio_goal("REST GET ≥ 0.8 × bare Kestrel", "rest_get_okv", "rest_get_kestrel", 0.8)
    ratio_goal("gRPC Get ≥ 0.8 × bare Grpc.AspNetCore", "grpc_get_okv", "grpc_get_h2c", 0.8)
    ratio_goal("cluster-mode GET on a silo ≥ 0.9 × embedded GET", "cluster_get_okv", "cluster_get_embedded", 0.9)
    ratio_goal("cluster-mode SET ≥ 1.0 × stateless one-Redis-SET-per-request", "cluster_set_okv", "cluster_set_stateless", 1.0)
    half = summary(rows, "rest_get_okv_half")
    if half:
        text = f"{half['p99_ms']:.2f} ms"
        if half["rounds"] > 1:
            text += f" ({half['p99_min']:.2f}–{half['p99_max']:.2f}, {half['rounds']} rounds)"
        w(f"| p99 ≤ 2 ms at half of peak (REST GET) | {text} at {half['rps']:,.0f} req/s | {verdict(half['p99_ms'] <= 2.0)} |")
    else:
        w(f"| p99 ≤ 2 ms at half of peak (REST GET) | {skipped_reason('rest_get_okv_half')} | skipped |")
    memory = memory_goals(getattr(args, "memory", None))
    if memory:
        (per_key, column), per_activation, when = memory
        source = f"`bench/run.sh --memory`, latest-memory.md of {when}"
        if per_key is not None:
            w(f"| ≤ 150 B heap per resident key beyond key and value | {per_key:,.0f} B ({column}; {source}) | {verdict(per_key <= 150)} |")
        if per_activation is not None:
            w(f"| ≤ 4 KB heap per idle activation (100,000 namespaces) | {per_activation:,.0f} B ({source}) | {verdict(per_activation <= 4096)} |")
    w("")
    w(f"CPU server / client: the server side's process and the load generator over the measured run, in % of one core, "
      "and the server's CPU time per request. "
      f"⚠ marks a row whose load generator was at {CLIENT_BOUND}% or more while the server stayed under {SERVER_BUSY}% in most "
      "rounds: that row measured the client, so a ratio against it understates the gap to the ceiling.")
    w("")
    w("A row measured in rounds shows the median req/s with the min–max over its rounds, and the median of every other "
      "figure. Ratios are req/s of the row over req/s of the named baseline, both from this run: the median of the "
      "per-round ratios when both ran in alternating rounds, else the ratio of the medians. "
      "alloc/req: managed bytes allocated in the server process per request over the measured window "
      "(from `dotnet_gc_heap_total_allocated_bytes_total` on OrleansKv's /metrics, `/_bench/alloc` on the baselines; "
      "includes background work such as timers and the scrape itself).")
    notes = meta.get("notes") or []
    if notes:
        w("")
        w("## Notes from this run")
        w("")
        for note in notes:
            w(f"- {note}")
    with open(args.md, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    return 0


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("record")
    p.add_argument("results")
    p.add_argument("--id", required=True)
    p.add_argument("--kind", choices=["wrk", "h2load", "redis"], required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--log")
    p.add_argument("--alloc-bytes", type=float)
    p.add_argument("--note")
    p.add_argument("--server-cpu", type=float)
    p.add_argument("--client-cpu", type=float)
    p.add_argument("--round", type=int, default=1)
    p.set_defaults(func=cmd_record)
    p = sub.add_parser("skip")
    p.add_argument("results")
    p.add_argument("--id", required=True)
    p.add_argument("--reason", required=True)
    p.set_defaults(func=cmd_skip)
    p = sub.add_parser("get")
    p.add_argument("results")
    p.add_argument("id")
    p.add_argument("field")
    p.set_defaults(func=cmd_get)
    p = sub.add_parser("render")
    p.add_argument("results")
    p.add_argument("meta")
    p.add_argument("md")
    p.add_argument("--memory")
    p.set_defaults(func=cmd_render)
    args = parser.parse_args()
    sys.exit(args.func(args))


if __name__ == "__main__":
    main()
