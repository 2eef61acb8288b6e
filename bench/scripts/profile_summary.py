#!/usr/bin/env python3
"""Summarises a dotnet-trace speedscope file (bench/profile.sh): where the server's CPU samples go.

The EventPipe sample profiler samples every managed thread, blocked or not, so a thread parked in epoll_wait or a
semaphore shows as samples too. Those are set apart as idle: a sample whose leaf is native code (UNMANAGED_CODE_TIME)
under a waiting frame (the SQLite writer's own wait for work among them: its event wait is inlined into it). Every other sample is CPU, attributed to the layer of its innermost frame that is not a
generic runtime frame, so a SQLite statement counts as SQLite and not as the grain that ran it.
"""
import argparse
import collections
import json
import re

IDLE = re.compile(r"WaitForSocketEvents|LowLevelLifoSemaphore|WaitHandle\.Wait|Monitor\.Wait|Thread\.Sleep|SpinWait|"
                  r"WaitOneCore|WaitMultiple|ManualResetEventSlim\.Wait|SemaphoreSlim\.Wait|Task\.Wait|TaskAwaiter|"
                  r"Thread\.Join|PortableThreadPool\+GateThread|WorkerThread\.WorkerDoWork|TimerQueue\.TimerThread|"
                  r"SqliteWriter\.WaitForWork|EventPipe|Interop\+Kernel32|ThreadPoolWorkQueue\.Dispatch$|Sys\.Poll|Sys\.Read\b|ReadFileCore")

# Native frames the sampler could not name: their time belongs to the managed frame that called into them.
NATIVE = re.compile(r"^UNMANAGED_CODE_TIME|^\?!\?$|^CPU_TIME")
# The thread's own root frames: a native leaf right under them is a thread parked in the runtime.
THREAD_ROOT = re.compile(r"^Thread \(|^Threads$|^\(Non-Activities\)$|^Process\d+ |SocketAsyncEngine\.EventLoop")

# First match wins; the order puts specific libraries before the frameworks that call them.
LAYERS = [
    ("SQLite (native and Microsoft.Data.Sqlite)", r"SQLitePCL|Microsoft\.Data\.Sqlite|OrleansKv\.Grains\.Storage\.Sqlite|OrleansKv\.Providers\.Sqlite"),
    ("Redis client", r"StackExchange\.Redis|Pipelines\.Sockets"),
    ("OrleansKv grain and store", r"OrleansKv\.Grains"),
    ("OrleansKv front end (REST, gRPC, auth, limits)", r"OrleansKv\.Server"),
    ("Orleans runtime (grain call, scheduler, serialization)", r"^Orleans\.|Orleans\.Runtime|Orleans\.Serialization|OrleansCodeGen"),
    ("ASP.NET Core auth", r"Microsoft\.AspNetCore\.Authentication|Microsoft\.AspNetCore\.Authorization"),
    ("rate limiting", r"System\.Threading\.RateLimiting|Microsoft\.AspNetCore\.RateLimiting"),
    ("metrics (OpenTelemetry, System.Diagnostics.Metrics)", r"OpenTelemetry|System\.Diagnostics\.Metrics|System\.Diagnostics\.DiagnosticSource"),
    ("gRPC (Grpc.AspNetCore, protobuf)", r"Grpc\.|Google\.Protobuf"),
    ("routing and minimal APIs", r"Microsoft\.AspNetCore\.Routing|Microsoft\.AspNetCore\.Http\.RequestDelegateFactory|Microsoft\.AspNetCore\.Http\.Generated|Microsoft\.AspNetCore\.Http\.HttpResults"),
    ("Kestrel and HTTP", r"Microsoft\.AspNetCore\.Server\.Kestrel|Microsoft\.AspNetCore\.Http|Microsoft\.AspNetCore\.Hosting|System\.Net\.Http|System\.IO\.Pipelines"),
    ("sockets", r"System\.Net\.Sockets|Interop\+Sys\.(Send|Recv|Read|Write)"),
    ("JSON", r"System\.Text\.Json"),
    ("logging", r"Microsoft\.Extensions\.Logging"),
    ("dependency injection", r"Microsoft\.Extensions\.DependencyInjection"),
    ("hashing and crypto", r"System\.Security\.Cryptography|Interop\+Crypto"),
]
LAYER_RE = [(name, re.compile(rx)) for name, rx in LAYERS]
GENERIC = re.compile(r"^System\.(Runtime|Threading\.Tasks|Threading\.ExecutionContext|Threading\.ThreadPool|Collections|Buffers|String|Span|Memory|Text\.(?!Json)|Number|Linq|Array)|"
                     r"^UNMANAGED_CODE_TIME|^CPU_TIME|^\[|^System\.Private\.CoreLib|^Microsoft\.Win32|^System\.Object|^System\.Enum|^System\.Guid|^System\.Int")


def load(path):
    data = json.load(open(path, encoding="utf-8"))
    frames = [f["name"] for f in data["shared"]["frames"]]
    stacks = []  # (list of frame indices, root first; weight)
    for profile in data["profiles"]:
        if profile["type"] == "sampled":
            stacks.extend(zip(profile["samples"], profile["weights"]))
        else:  # evented: reconstruct the stack between events
            stack, last = [], None
            for event in profile["events"]:
                if last is not None and stack and event["at"] > last:
                    stacks.append((list(stack), event["at"] - last))
                last = event["at"]
                if event["type"] == "O":
                    stack.append(event["frame"])
                elif stack:
                    stack.pop()
    return frames, stacks


def layer_of(names):
    for name in reversed(names):
        if GENERIC.search(name) or NATIVE.search(name) or THREAD_ROOT.search(name):
            continue
        for layer, rx in LAYER_RE:
            if rx.search(name):
                return layer
        return "other (" + short(name) + ")"
    return "runtime (GC, JIT, thread pool)"


def short(name, width=110):
    return name if len(name) <= width else name[: width - 1] + "…"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("speedscope")
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--load")
    ap.add_argument("--command", default="")
    ap.add_argument("--commit", default="")
    ap.add_argument("--trace", default="")
    args = ap.parse_args()

    frames, stacks = load(args.speedscope)
    idle = cpu = 0.0
    layers = collections.Counter()
    inclusive = collections.Counter()
    exclusive = collections.Counter()
    for stack, weight in stacks:
        names = [frames[i] for i in stack]
        leaf = names[-1] if names else ""
        native_leaf = not leaf or NATIVE.search(leaf)
        parent = next((n for n in reversed(names) if not NATIVE.search(n)), "")
        if (native_leaf and (IDLE.search(parent) or THREAD_ROOT.search(parent))) or (names and IDLE.search(leaf)):
            idle += weight
            continue
        cpu += weight
        layers[layer_of(names)] += weight
        for name in set(names):
            inclusive[name] += weight
        exclusive[parent if native_leaf else leaf] += weight

    rate = ""
    if args.load:
        text = open(args.load, encoding="utf-8", errors="replace").read()
        m = re.search(r"Requests/sec:\s*([\d.]+)", text) or re.search(r"finished in [\d.]+s, ([\d.]+) req/s", text)
        rate = f"{float(m.group(1)):,.0f} req/s" if m else "rate not parsed"

    pct = lambda w: f"{w / cpu * 100:.1f} %" if cpu else "-"
    print(f"# CPU profile: {args.scenario}\n")
    print(f"Command: `{args.command}` (commit `{args.commit}`); dotnet-trace dotnet-sampled-thread-time (~100 Hz stack samples of every thread) of the server process while the load ran"
          f" ({rate} during the trace). Trace: `{args.trace}` (speedscope; not committed).")
    print(f"\nSamples: {cpu:,.0f} ms of CPU on managed threads, {idle:,.0f} ms idle (waiting) set apart. Shares below are of the CPU samples.\n")
    print("## By layer (innermost non-generic frame)\n\n| layer | share |\n|---|---|")
    for layer, weight in layers.most_common(18):
        print(f"| {layer} | {pct(weight)} |")
    print("\n## Inclusive: frames on the stack of the most CPU samples\n\n| frame | share |\n|---|---|")
    for name, weight in inclusive.most_common(60):
        if GENERIC.search(name) or NATIVE.search(name) or THREAD_ROOT.search(name):
            continue
        print(f"| `{short(name)}` | {pct(weight)} |")
    print("\n## Exclusive: frames where the CPU samples end (native code counted at its managed caller)\n\n| frame | share |\n|---|---|")
    for name, weight in exclusive.most_common(25):
        print(f"| `{short(name)}` | {pct(weight)} |")


if __name__ == "__main__":
    main()
