#!/usr/bin/env bash
# weaver's registry live check of the checkout demo, run by hand (neither weaver nor the
# semantic-conventions repository can be had from CI): the demo's telemetry against the
# model otel-kit-semconv is generated from, with each name judged by the registry it
# belongs to:
#   - semantic conventions 1.44.0, less the GenAI stubs (`model/gen-ai`, `mcp`, `openai`),
#   - the GenAI names from 1.41.0, their last release (otel-semconv/generate.py's --genai-tag),
#   - the kit's own names (otel-semconv/model/) and the demo's (this folder).
# Usage: live-check.sh WEAVER SEMCONV_GIT_DIR OUT_DIR [sqlite|postgres|nats-redis]
# Needs the demo built (cargo build -p checkout); prints weaver's violations by message.
set -euo pipefail
weaver=$1 semconv=$2 out=$3 configuration=${4:-sqlite}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
registry="$out/registry"
rm -rf "$registry" "$out/report" && mkdir -p "$registry"
git --git-dir="$semconv" archive v1.44.0 model | tar -x -C "$registry"
rm -rf "$registry/model/gen-ai" "$registry/model/mcp" "$registry/model/openai"
git --git-dir="$semconv" archive v1.41.0 model/gen-ai model/mcp model/openai | tar -x -C "$registry"
mkdir -p "$registry/model/otel-kit" "$registry/model/shop"
cp "$root/otel-semconv/model/otel-kit/registry.yaml" "$registry/model/otel-kit/"
cp "$here/registry.yaml" "$registry/model/shop/"

case $configuration in
  sqlite) demo=(DATABASE_URL=sqlite:///tmp/demo.sqlite) ;;
  postgres) demo=(DATABASE_URL=postgres://postgres@127.0.0.1:5432/test) ;;
  nats-redis) demo=(DATABASE_URL=sqlite:///tmp/demo.sqlite NATS_URL=nats://127.0.0.1:4222 REDIS_URL=redis://127.0.0.1:6379) ;;
  *) echo "unknown configuration $configuration" >&2; exit 2 ;;
esac

"$weaver" registry live-check -r "$registry/model" --input-source otlp \
  --otlp-grpc-port 14317 --admin-port 14320 --inactivity-timeout 600 \
  --format json -o "$out/report" > "$out/weaver.log" 2>&1 &
weaver_pid=$!
for _ in $(seq 100); do
  grep -q "OTLP receiver" "$out/weaver.log" 2>/dev/null && break
  kill -0 "$weaver_pid" 2>/dev/null || { cat "$out/weaver.log" >&2; exit 1; }
  sleep 0.2
done
env OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:14317 OTEL_EXPORTER_OTLP_PROTOCOL=grpc \
  "${demo[@]}" "$root/target/debug/checkout" run --checkouts 25 --concurrency 4 > "$out/demo.log" 2>&1
curl -s -X POST http://127.0.0.1:14320/stop > /dev/null
wait "$weaver_pid" || true

python3 - "$out/report/live_check.json" <<'PY'
import collections, json, sys
report = json.load(open(sys.argv[1]))
violations = collections.Counter()
def walk(node):
    if isinstance(node, dict):
        result = node.get("live_check_result")
        if isinstance(result, dict):
            for advice in result.get("all_advice", []):
                if advice.get("level") == "violation":
                    violations[(advice.get("id"), str(advice.get("message")))] += 1
        for value in node.values():
            walk(value)
    elif isinstance(node, list):
        for value in node:
            walk(value)
walk(report["samples"])
stats = report["statistics"]
print("entities:", json.dumps(stats.get("total_entities_by_type")))
print("advice:", json.dumps(stats.get("advice_level_counts")))
for (kind, message), count in violations.most_common():
    print(f"{count:6} {kind}: {message}")
print("violations:", sum(violations.values()))
PY
