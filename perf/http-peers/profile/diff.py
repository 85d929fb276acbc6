#!/usr/bin/env python3
"""Per-request instructions by function from two callgrind runs of one variant (N1 and
N2 requests), minus the same for a baseline variant if given:

    diff.py [--inclusive] OUT_DIR VARIANT N1 N2 [BASELINE] [TOP]

Reads callgrind_annotate's table for each file; prints the TOP functions by added
instructions per request, with their share of the variant's added total."""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import callgrind_table  # noqa: E402

args = sys.argv[1:]
inclusive = "--inclusive" in args
args = [a for a in args if a != "--inclusive"]
out, variant, n1, n2 = args[0], args[1], int(args[2]), int(args[3])
baseline = args[4] if len(args) > 4 else None
top = int(args[5]) if len(args) > 5 else 30

def table(path):
    return callgrind_table.table(path, inclusive)

def per_request(v):
    a, ta = table(f"{out}/callgrind.out.{v}.{n1}")
    b, tb = table(f"{out}/callgrind.out.{v}.{n2}")
    names = set(a) | set(b)
    return {k: (b.get(k, 0) - a.get(k, 0)) / (n2 - n1) for k in names}, (tb - ta) / (n2 - n1)

rows, total = per_request(variant)
if baseline:
    base, btotal = per_request(baseline)
    rows = {k: rows.get(k, 0) - base.get(k, 0) for k in set(rows) | set(base)}
    total -= btotal
print(f"{variant}{' - ' + baseline if baseline else ''}: {total:,.0f} instructions per request")
for name, ir in sorted(rows.items(), key=lambda kv: -kv[1])[:top]:
    print(f"{ir:>9,.0f} {100 * ir / total:5.1f}%  {name[:160]}")
