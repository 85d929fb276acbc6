#!/usr/bin/env python3
"""Today's span path against the prototype, per span, from the bench's
`SPAN_DIRECT_ONLY=<path>:<N>` mode (N spans after 1,000, every one exported); and a
recorded span end to end through the kit's instrumentation (`recorded`).

    perf/span-direct/measure.py callgrind [N1 N2 [OUT]]   (defaults 5120 25600 perf/target/callgrind-span-direct)
    perf/span-direct/measure.py cpu [N1 N2 [ROUNDS]]      (defaults 200000 1200000 5)
    perf/span-direct/measure.py recorded [N1 N2 [OUT]]    (defaults 1024 4096 perf/target/callgrind-recorded)

`recorded`: the `recorded_spans` bench's three cases (server, client, database), each
plain, through the kit with every span recorded and with every span unsampled, at both
lengths under callgrind (every thread of the process counted, none of the OTLP sink's:
this script serves it); prints (Ir at N2 - Ir at N1) / (N2 - N1) per operation and
what the kit adds, recorded and unsampled, against plain.

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
import http.server
import json
import os
import resource
import statistics
import subprocess
import sys
import threading


def bench_binary(name="span_direct"):
    out = subprocess.run(
        ["cargo", "bench", "--manifest-path", "perf/Cargo.toml", "-p", "span-direct", "--bench", name, "--no-run", "--message-format=json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("executable") and msg["target"]["name"] == name:
            return msg["executable"]
    sys.exit(f"no {name} bench executable in cargo's output")


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


class Sink(http.server.BaseHTTPRequestHandler):
    """Answers every OTLP/HTTP export with an empty 200, counting bodies and bytes."""

    protocol_version = "HTTP/1.1"
    exports = 0
    received = 0

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Sink.exports += 1
        Sink.received += len(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def recorded_run(binary, spec, endpoint, out):
    prefix = os.path.join(out, spec.replace(":", "-"))
    subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={prefix}", binary],
        check=True,
        env={**os.environ, "RECORDED_SPANS": spec, "RECORDED_SPANS_ENDPOINT": endpoint},
        capture_output=True,
    )
    with open(prefix) as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1])
    sys.exit(f"no total in {prefix}")


def recorded(args):
    n1, n2 = (int(args[0]), int(args[1])) if len(args) > 1 else (1024, 4096)
    out = args[2] if len(args) > 2 else "perf/target/callgrind-recorded"
    os.makedirs(out, exist_ok=True)
    binary = bench_binary("recorded_spans")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    per_op = {}
    for case in ("server", "client", "database"):
        for variant in ("plain", "recorded", "unsampled"):
            spec = lambda n: f"{case}:{variant}:{n}"
            ir1, ir2 = recorded_run(binary, spec(n1), endpoint, out), recorded_run(binary, spec(n2), endpoint, out)
            per_op[case, variant] = (ir2 - ir1) / (n2 - n1)
            print(f"  {case} {variant}: {per_op[case, variant]:,.0f} instructions per operation", file=sys.stderr)
    server.shutdown()
    print(f"instructions per operation, ({n2} - {n1}) operations; {Sink.exports} exports, {Sink.received:,} bytes received")
    print("| span | plain | the kit adds, recorded (end to end) | the kit adds, unsampled | recording adds |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for case in ("server", "client", "database"):
        plain, rec, uns = (per_op[case, v] for v in ("plain", "recorded", "unsampled"))
        print(f"| {case} | {plain:,.0f} | {rec - plain:,.0f} | {uns - plain:,.0f} | {rec - uns:,.0f} |")


def main():
    mode, args = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("callgrind", [])
    if mode == "callgrind":
        callgrind(args)
    elif mode == "cpu":
        cpu(args)
    elif mode == "recorded":
        recorded(args)
    else:
        sys.exit("usage: measure.py callgrind [N1 N2 [OUT]] | cpu [N1 N2 [ROUNDS]] | recorded [N1 N2 [OUT]]")


if __name__ == "__main__":
    main()
