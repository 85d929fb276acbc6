#!/usr/bin/env bash
# Repeated code in crate source: jscpd (pinned, from the npm registry) over every crate's
# src/ but otel-semconv's (generated), exact clones of 6 lines or more, comments left out.
# Fails when the clones exceed the ceiling docs/architecture.md gives ("Repeated code"):
# the figure may fall (write the new one there), never rise.
#
#   .ci/duplication.sh           # the check
#   .ci/duplication.sh --list    # the clones, file and lines, for finding them
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
tools="$root/target/tools/jscpd"
jscpd="$tools/node_modules/.bin/jscpd"
if [[ ! -x $jscpd ]]; then
  mkdir -p "$tools"
  npm install --silent --no-audit --no-fund --prefix "$tools" jscpd@5.3.2 >/dev/null
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mapfile -t sources < <(ls -d otel-*/src | grep -v '^otel-semconv/')
"$jscpd" --format rust --min-lines 6 --mode weak --reporters json --output "$out" --silent --absolute \
  "${sources[@]}" >/dev/null
python3 - "$out/jscpd-report.json" docs/architecture.md "$root" "${1:-}" <<'PY'
import json, re, sys
report, doc, root, flag = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3], sys.argv[4]
total = report["statistics"]["total"]
if flag == "--list":
    for d in report["duplicates"]:
        a, b = d["firstFile"], d["secondFile"]
        rel = lambda f: f["name"].removeprefix(root + "/")
        print(f'{d["lines"]:4} lines  {rel(a)}:{a["start"]}  {rel(b)}:{b["start"]}')
m = re.search(r"at most \*\*(\d+)\*\* clones", open(doc, encoding="utf-8").read())
if not m:
    sys.exit("docs/architecture.md gives no ceiling ('at most **N** clones')")
ceiling = int(m.group(1))
clones = total["clones"]
print(f"{clones} clones, {total['duplicatedLines']} duplicated lines of {total['lines']} "
      f"({total['percentage']:.2f} %); ceiling {ceiling}")
if clones > ceiling:
    sys.exit(f"repeated code rose above the ceiling: {clones} > {ceiling} (.ci/duplication.sh --list)")
PY
