#!/usr/bin/env bash
# The instruction guard: the kit's added instructions per request, counted by callgrind
# (callgrind.sh, two request counts each), against the figures docs/performance.md gives
# in its "Instruction guard" table. Fails when one exceeds its figure by more than 15 %
# (the 100 % variant counted twice, the lower kept).
# Instruction counts repeat across runs (the same binary, inputs and environment), so
# this is a benchmark used as a test, not a timed one.
#
#   perf/http-peers/profile/guard.sh [OUT_DIR]
#
# Needs what callgrind.sh needs (a release perf/target/release/http-peers-server, valgrind,
# rotel-agent in $TEST_OTLP_COLLECTOR_BIN). Prints each figure as it is measured.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${1:-$root/target/callgrind-guard}
cd "$root"

count() { # count VARIANT N1 N2: instructions per request
    local line
    line=$("$here/callgrind.sh" "$1" "$2" "$3" "$out")
    echo "  $line" >&2
    sed -n 's/^[^:]*: \([0-9]*\) instructions per request.*/\1/p' <<<"$line"
}

plain=$(count plain 2000 7000)
ours=$(count ours-full 2000 7000)
service_plain=$(count service-plain 1000 4000)
service_10=$(count service-kit-10pct 1000 4000)
# At 100 % tokio's workers park and wake more or less often from one count to the next
# (the batch exporter's thread runs beside each request): counted twice, the lower kept,
# so that noise does not trip the guard while a real rise still shows in both.
service_100=$(count service-kit 1000 4000)
service_100_again=$(count service-kit 1000 4000)
((service_100_again < service_100)) && service_100=$service_100_again

python3 - "$root/docs/performance.md" \
    "hello-world=$((ours - plain))" \
    "realistic-10=$((service_10 - service_plain))" \
    "realistic-100=$((service_100 - service_plain))" <<'PY'
import re, sys

doc, measured = sys.argv[1], dict(arg.split("=") for arg in sys.argv[2:])
# Rows of the form | `key` | what | figure | in the "Instruction guard" section.
figures, inside = {}, False
for line in open(doc, encoding="utf-8"):
    if line.startswith("#"):
        inside = "Instruction guard" in line
        continue
    m = re.match(r"\|\s*`([a-z0-9-]+)`\s*\|[^|]*\|\s*([\d,]+)\s*\|", line) if inside else None
    if m:
        figures[m.group(1)] = int(m.group(2).replace(",", ""))
missing = sorted(set(measured) - set(figures))
if missing:
    sys.exit(f"docs/performance.md's Instruction guard table has no figure for {missing}")
failed = False
for key, value in measured.items():
    value, figure = int(value), figures[key]
    bound = figure * 1.15
    verdict = "ok" if value <= bound else "OVER"
    failed |= value > bound
    print(f"{key}: {value:,} added instructions per request (figure {figure:,}, bound {bound:,.0f}): {verdict}")
sys.exit(1 if failed else 0)
PY
