#!/usr/bin/env bash
# How the kit's cost grows with the work: added instructions per request of the hello
# world (`ours-full` - `plain`, each counted by callgrind.sh at two request counts) when
# every request opens N nested `#[instrument]` spans with A attributes each
# (HTTP_PEERS_WORK=NxA, src/work.rs), at 100 % and at a 10 % ratio. Prints a Markdown
# table: docs/performance.md's "How cost grows with the work".
#
#   perf/http-peers/profile/scaling.sh [OUT_DIR]
#
# Needs what callgrind.sh needs. About 8 minutes.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${1:-$root/target/callgrind-scaling}
cd "$root"

count() { # count VARIANT N1 N2 [VAR=VALUE...]: instructions per request
    local variant=$1 n1=$2 n2=$3 line
    shift 3
    line=$(env "$@" "$here/callgrind.sh" "$variant" "$n1" "$n2" "$out/$variant-$n1")
    echo "  $* $line" >&2
    sed -n 's/^[^:]*: \([0-9]*\) instructions per request.*/\1/p' <<<"$line"
}

# Fewer requests where each does more: the difference of two counts is what one costs.
counts_for() { # counts_for SPANS
    if (($1 >= 100)); then echo "100 400"; elif (($1 >= 10)); then echo "400 1600"; else echo "1000 4000"; fi
}
tenth=(OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG=0.1)

echo "| spans per request | attributes per span | added at 100 % | per nested span | added at 10 % | per nested span |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
base_full=0 base_ratio=0
for work in 0x0 1x0 10x0 100x0 1x10 1x50 10x10; do
    spans=${work%x*} attributes=${work#*x}
    read -r n1 n2 <<<"$(counts_for "$spans")"
    plain=$(count plain "$n1" "$n2" HTTP_PEERS_WORK="$work")
    full=$(count ours-full "$n1" "$n2" HTTP_PEERS_WORK="$work")
    ratio=$(count ours-full "$n1" "$n2" HTTP_PEERS_WORK="$work" "${tenth[@]}")
    if ((spans == 0)); then base_full=$((full - plain)) base_ratio=$((ratio - plain)); fi
    # Per nested span: above the request with none (the server span alone).
    python3 - "$spans" "$attributes" "$((full - plain))" "$((ratio - plain))" "$base_full" "$base_ratio" <<'PY'
import sys
spans, attributes, full, ratio, base_full, base_ratio = (int(a) for a in sys.argv[1:])
per = lambda added, base: f"{(added - base) / spans:,.0f}" if spans else ""
print(f"| {spans} | {attributes} | {full:,} | {per(full, base_full)} | {ratio:,} | {per(ratio, base_ratio)} |")
PY
done
