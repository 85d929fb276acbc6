#!/usr/bin/env bash
# Instructions per request of one http-peers variant under callgrind: the server runs
# under valgrind (one tokio worker), exporting OTLP/HTTP protobuf to rotel (which drops
# what it receives), and is sent N1 then, in a second run, N2 sequential keep-alive
# requests; (Ir at N2 - Ir at N1) / (N2 - N1) is what one request costs, start-up and
# shutdown cancelled out. Prints that figure; keeps callgrind.out.<variant>.<n> for
# callgrind_annotate.
#
#   perf/http-peers/profile/callgrind.sh <variant> [N1] [N2] [OUT_DIR]
#
# A `service-*` variant is the realistic service (a SQLite row, one outgoing call to a
# stub, JSON, a log line): the stub runs beside it in a process of its own
# (`http-peers-server stub`), not under valgrind, and the requests cycle through the
# seeded ids. HTTP_PEERS_DB_URL (default `sqlite`) picks the database. Each variant runs
# with its own environment (`http-peers-server env <variant>`, what `compare` sets).
#
# Needs: valgrind, python3, perf/target/release/http-peers-server, and rotel-agent in
# $TEST_OTLP_COLLECTOR_BIN. Periodic work is set far apart (span and log batches leave
# when full, the metric export once at shutdown) so that valgrind's slowness does not
# turn timers into per-request cost; the load runs measure those at full speed.
set -euo pipefail
variant=${1:?variant}
n1=${2:-2000}
n2=${3:-7000}
out=${4:-target/callgrind}
server=${HTTP_PEERS_SERVER:-perf/target/release/http-peers-server}
rotel=${TEST_OTLP_COLLECTOR_BIN:?set TEST_OTLP_COLLECTOR_BIN to rotel-agent}
mkdir -p "$out"
variant_env=()
while IFS= read -r line; do
    [[ -n $line ]] && variant_env+=("$line")
done < <("$server" env "$variant")
ids=10000 first_id=0

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rgrpc=$(free_port); rhttp=$(free_port)
"$rotel" start --exporter blackhole --otlp-grpc-endpoint "127.0.0.1:$rgrpc" \
    --otlp-http-endpoint "127.0.0.1:$rhttp" --pid-file "$out/rotel.pid" \
    --log-file "$out/rotel.log" > /dev/null 2>&1 &
rotel_pid=$!
stub_pid=""
trap 'kill $rotel_pid $stub_pid 2>/dev/null || true' EXIT
if [[ $variant == service-* ]]; then
    # Its stdin is a FIFO this script holds open (fd 4): it stops when the script ends.
    rm -f "$out/stub.stdin"; mkfifo "$out/stub.stdin"
    "$server" stub 127.0.0.1:0 < "$out/stub.stdin" > "$out/stub.log" 2>&1 &
    stub_pid=$!
    exec 4> "$out/stub.stdin"
    for _ in $(seq 100); do grep -q '^HTTP_PEERS_LISTENING ' "$out/stub.log" && break; sleep 0.1; done
    stub_url=$(sed -n 's/^HTTP_PEERS_LISTENING //p' "$out/stub.log")
    [[ -n $stub_url ]] || { echo "the stub did not start: $(cat "$out/stub.log")" >&2; exit 1; }
    variant_env+=("HTTP_PEERS_STUB_URL=$stub_url" "HTTP_PEERS_DB_URL=${HTTP_PEERS_DB_URL:-sqlite}")
    ids=1000 first_id=1
fi
sleep 1

# What is counted: every tokio task run (the requests, the connections, the kit's
# export client) and the kit's export threads' work, each from where it starts. Not the
# runtime's parking, waking and timers between tasks: under valgrind, which runs one
# thread at a time, how often those run depends on how busy the machine is (several
# thousand instructions per request from run to run), and the load runs measure them at
# full speed. CALLGRIND_ALL=1 counts everything.
# (The export threads: the kit's queue worker, which exports spans and logs; in a build
# before it, the span worker and the SDK's log processor.)
collect=(--collect-atstart=no --toggle-collect='*Context::run_task*'
    --toggle-collect='*batch::worker::Worker*::run*'
    --toggle-collect='*span_queue_processor::Worker*::run*' --toggle-collect='*get_logs_and_export*')
[[ ${CALLGRIND_ALL:-0} == 1 ]] && collect=()

run() {
    local n=$1 port
    port=$(free_port)
    local fifo="$out/stdin.$variant.$n"
    rm -f "$fifo"; mkfifo "$fifo"
    env "${variant_env[@]}" \
    OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$rhttp" OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf \
    OTEL_BSP_MAX_QUEUE_SIZE=16384 OTEL_BSP_SCHEDULE_DELAY=3600000 OTEL_BLRP_SCHEDULE_DELAY=3600000 \
    OTEL_METRIC_EXPORT_INTERVAL=3600000 \
    valgrind --tool=callgrind "${collect[@]}" --callgrind-out-file="$out/callgrind.out.$variant.$n" \
        "$server" "$variant" "127.0.0.1:$port" 1 < "$fifo" > "$out/server.$variant.$n.log" 2>&1 &
    local vg=$!
    exec 3> "$fifo"
    python3 - "$port" "$n" "$ids" "$first_id" <<'PY'
import http.client, sys, time
port, n, ids, first = (int(a) for a in sys.argv[1:5])
for _ in range(600):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port); c.connect(); break
    except OSError:
        time.sleep(0.1)
for i in range(n):
    c.request("GET", f"/users/{first + i % ids}")
    r = c.getresponse(); r.read()
    assert r.status == 200, r.status
c.close()
PY
    exec 3>&-   # stdin closed: the server flushes and exits
    wait $vg
    grep -h "^summary:" "$out/callgrind.out.$variant.$n" | awk '{print $2}'
}
ir1=$(run "$n1")
ir2=$(run "$n2")
echo "$variant: $(( (ir2 - ir1) / (n2 - n1) )) instructions per request (Ir $ir1 at $n1, $ir2 at $n2)"
