#!/usr/bin/env python3
"""Today's span path against the prototype, per span, from the bench's
`SPAN_DIRECT_ONLY=<path>:<N>` mode (N spans after 1,000, every one exported).

    perf/span-direct/measure.py callgrind [N1 N2 [OUT]]   (defaults 5120 25600 perf/target/callgrind-span-direct)
    perf/span-direct/measure.py cpu [N1 N2 [ROUNDS]]      (defaults 200000 1200000 5)

`callgrind`: each path at both lengths under `valgrind --tool=callgrind
--separate-threads=yes`; prints (Ir at N2 - Ir at N1) / (N2 - N1) for the thread that
makes the spans (the request path: start to end, the processors or rules, the
prototype's encoding, the queue push) and for the other threads (the export worker:
today encoding and dropping the SpanData, the prototype writing the request around the
queued bytes).

`cpu`: each path at both lengths, pinned to CPU 0 with its export thread (as the load
benchmark pins the server), the rounds alternating the paths; prints the median of
(CPU at N2 - CPU at N1) / (N2 - N1), CPU being the process's user + system time, and the
minor page faults per 1,000 spans.
"""

import glob
import json
import os
import resource
import statistics
import subprocess
import sys


def bench_binary():
    out = subprocess.run(
        ["cargo", "bench", "--manifest-path", "perf/Cargo.toml", "-p", "span-direct", "--bench", "span_direct", "--no-run", "--message-format=json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("executable") and msg["target"]["name"] == "span_direct":
            return msg["executable"]
    sys.exit("no span_direct bench executable in cargo's output")


def totals(prefix):
    """Ir per thread file of one run: {thread number: Ir}."""
    per_thread = {}
    for path in glob.glob(prefix + "-*"):
        thread = int(path.rsplit("-", 1)[1])
        with open(path) as f:
            for line in f:
                if line.startswith("summary:") or line.startswith("totals:"):
                    per_thread[thread] = int(line.split()[1])
                    break
    if not per_thread:
        sys.exit(f"no callgrind output at {prefix}-*")
    return per_thread


def run(binary, variant, n, out):
    prefix = os.path.join(out, f"{variant}-{n}")
    for old in glob.glob(prefix + "-*"):
        os.remove(old)
    subprocess.run(
        ["valgrind", "--tool=callgrind", "--separate-threads=yes", f"--callgrind-out-file={prefix}", binary],
        check=True,
        env={**os.environ, "SPAN_DIRECT_ONLY": f"{variant}:{n}"},
        capture_output=True,
    )
    t = totals(prefix)
    return t[1], sum(ir for thread, ir in t.items() if thread != 1)


def callgrind(args):
    n1, n2 = (int(args[0]), int(args[1])) if len(args) > 1 else (5120, 25600)
    out = args[2] if len(args) > 2 else "perf/target/callgrind-span-direct"
    os.makedirs(out, exist_ok=True)
    binary = bench_binary()
    rows = {}
    for variant in ("today", "direct"):
        (r1, w1), (r2, w2) = run(binary, variant, n1, out), run(binary, variant, n2, out)
        request, worker = (r2 - r1) / (n2 - n1), (w2 - w1) / (n2 - n1)
        rows[variant] = (request, worker, request + worker)
    print(f"instructions per span, ({n2} - {n1}) spans")
    print("| path | request path | worker | total |")
    print("| --- | ---: | ---: | ---: |")
    for variant, (request, worker, total) in rows.items():
        print(f"| {variant} | {request:,.0f} | {worker:,.0f} | {total:,.0f} |")
    t, d = rows["today"], rows["direct"]
    print(f"| direct / today | {d[0] / t[0]:.2f}x | {d[1] / t[1]:.2f}x | {d[2] / t[2]:.2f}x |")
    print(f"| removed | {t[0] - d[0]:,.0f} | {t[1] - d[1]:,.0f} | {t[2] - d[2]:,.0f} |")


def cpu_run(binary, variant, n):
    """(CPU seconds, minor faults) of one pinned run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        ["taskset", "-c", "0", binary],
        check=True,
        env={**os.environ, "SPAN_DIRECT_ONLY": f"{variant}:{n}"},
        capture_output=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, after.ru_minflt - before.ru_minflt


def cpu(args):
    n1, n2 = (int(args[0]), int(args[1])) if len(args) > 1 else (200000, 1200000)
    rounds = int(args[2]) if len(args) > 2 else 5
    binary = bench_binary()
    per_span = {"today": [], "direct": []}
    faults = {"today": [], "direct": []}
    for _ in range(rounds):
        for variant in per_span:
            (c1, f1), (c2, f2) = cpu_run(binary, variant, n1), cpu_run(binary, variant, n2)
            per_span[variant].append((c2 - c1) / (n2 - n1) * 1e9)
            faults[variant].append((f2 - f1) / (n2 - n1) * 1000)
    print(f"process CPU per span (user + system), pinned to one CPU, ({n2} - {n1}) spans, {rounds} rounds")
    print("| path | CPU per span, median (min-max) | minor faults per 1,000 spans |")
    print("| --- | ---: | ---: |")
    for variant, values in per_span.items():
        print(
            f"| {variant} | {statistics.median(values):,.0f} ns ({min(values):,.0f}-{max(values):,.0f}) "
            f"| {statistics.median(faults[variant]):.1f} |"
        )
    t, d = statistics.median(per_span["today"]), statistics.median(per_span["direct"])
    print(f"| direct / today | {d / t:.2f}x, {t - d:,.0f} ns less | |")


def main():
    mode, args = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("callgrind", [])
    if mode == "callgrind":
        callgrind(args)
    elif mode == "cpu":
        cpu(args)
    else:
        sys.exit("usage: measure.py callgrind [N1 N2 [OUT]] | cpu [N1 N2 [ROUNDS]]")


if __name__ == "__main__":
    main()
