#!/usr/bin/env python3
"""Who calls a function, or what it calls, per request, from two callgrind runs of one
variant (callgrind.sh's files), less the same for a baseline variant if given:

    calls.py callers|callees|counts OUT_DIR VARIANT N1 N2 FUNCTION [BASELINE] [TOP]

FUNCTION is matched as a substring of callgrind_annotate's name (end it with a space
to match a name exactly). `callers`: the instructions each caller spends in it;
`callees`: the inclusive instructions of each function it calls, and its own total;
`counts`: how many times each caller calls it (an allocator's callers, say)."""
import os
import re
import subprocess
import sys

mode, out, variant, n1, n2, function = sys.argv[1:7]
baseline = sys.argv[7] if len(sys.argv) > 7 else None
top = int(sys.argv[8]) if len(sys.argv) > 8 else 30
n1, n2 = int(n1), int(n2)
# One line of a caller or callee block: its count, `<` or `>`, the file, the name, the
# number of calls and the object.
LINE = re.compile(r"\s*([\d,]+)\s+(?:\([^)]*\)\s+)?[<>]\s+[^:]*:(.*?)(?: \(([\d,]+)x\))? \[")


def blocks(path):
    """The annotated tree of one file, cached beside it: {function line: [its lines]}."""
    tree = "caller" if mode in ("callers", "counts") else "calling"
    cache = f"{path}.{tree}.txt"
    if not os.path.exists(path):
        sys.exit(f"{path} is missing: run profile/callgrind.sh for that variant and those counts first")
    if not os.path.exists(cache):
        text = subprocess.run(
            ["callgrind_annotate", f"--tree={tree}", "--threshold=100", "--inclusive=yes", path],
            capture_output=True, text=True, check=True).stdout
        with open(cache, "w") as f:
            f.write(text)
    with open(cache) as f:
        return f.read().split("\n")


def per_file(path):
    """Sums the callers' (or callees') lines of every block whose function matches."""
    found, before, after = {}, [], False
    for line in blocks(path):
        if not line.strip():
            before, after = [], False
        elif " *  " in line:
            # A block: its callers, the function's own line, its callees.
            matched = function in line
            if matched and mode == "callees":
                total = int(re.match(r"\s*([\d,]+)", line).group(1).replace(",", ""))
                found["<its own inclusive total>"] = found.get("<its own inclusive total>", 0) + total
            if matched and mode != "callees":
                add(found, before)
            before, after = [], matched and mode == "callees"
        elif after:
            add(found, [line])
        else:
            before.append(line)
    return found


def add(found, lines):
    for line in lines:
        m = LINE.match(line)
        if m:
            value = int(((m.group(3) if mode == "counts" else m.group(1)) or "0").replace(",", ""))
            found[m.group(2)] = found.get(m.group(2), 0) + value


def per_request(v):
    a, b = per_file(f"{out}/callgrind.out.{v}.{n1}"), per_file(f"{out}/callgrind.out.{v}.{n2}")
    return {k: (b.get(k, 0) - a.get(k, 0)) / (n2 - n1) for k in set(a) | set(b)}


rows = per_request(variant)
if baseline:
    for k, v in per_request(baseline).items():
        rows[k] = rows.get(k, 0) - v
if mode == "counts":
    print(f"{sum(rows.values()):9.2f}  calls per request in all")
for name, value in sorted(rows.items(), key=lambda kv: -abs(kv[1]))[:top]:
    if abs(value) >= (0.05 if mode == "counts" else 10):
        print(f"{value:9,.2f}  {name}" if mode == "counts" else f"{value:9,.0f}  {name}")
