#!/usr/bin/env bash
# Builds every fuzz target once, then runs each for SECONDS (default 20) from a copy of
# its checked-in seed corpus, with libFuzzer's memory and time limits, one target per
# core at a time (FUZZ_JOBS to change it). Prints one line per target and exits non-zero
# if any target crashed (panic, failed invariant, leak, timeout, out-of-memory); the
# crashing input is kept under fuzz/artifacts/<target>/.
#
#   fuzz/run.sh [SECONDS]
#   fuzz/run.sh --build-only    # the instrumented build alone (CI starts it early)
#
# Needs a nightly toolchain (`rustup toolchain install nightly`); installs cargo-fuzz
# when it is missing. Works from any directory; never modifies fuzz/corpus.
set -euo pipefail

build_only=""
[[ ${1:-} == --build-only ]] && { build_only=1; shift; }
seconds=${1:-20}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"

# The limits every run uses; docs/reliability.md records runs made with the same ones.
limits=(-rss_limit_mb=1024 -malloc_limit_mb=256 -timeout=5)
# As `cargo fuzz run` sets it: the bundled SQLite (via sqlx) trips ASan's ODR check.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_odr_violation=0"

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz/run.sh: needs a nightly toolchain: rustup toolchain install nightly" >&2
    exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    # Unoptimised: it only drives the build (18 s to install against 34 s).
    # In cargo install's own temporary directory, whatever CARGO_TARGET_DIR says.
    env -u CARGO_TARGET_DIR CARGO_PROFILE_DEV_DEBUG=0 cargo install --debug cargo-fuzz --locked
fi

# The instrumented build takes minutes from cold (every dependency is rebuilt with
# coverage and AddressSanitizer), so it lives outside the checkout: a fresh clone on a
# machine that fuzzed before reuses it. FUZZ_TARGET_DIR to put it elsewhere.
target_dir=${FUZZ_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/otel-kit/fuzz-target}
mkdir -p "$target_dir"
# -a: debug assertions and overflow checks on, so an overflow is a crash too.
cargo +nightly fuzz build -a --target-dir "$target_dir"
[[ -z $build_only ]] || exit 0
host=$(rustc +nightly -vV | sed -n 's/^host: //p')
bin_dir="$target_dir/$host/release"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One target per core at a time: libFuzzer runs on one thread, so on two cores the runs
# take half as long, and each still has a core of its own.
jobs_max=${FUZZ_JOBS:-$(nproc)}

# Runs one target; writes its table row to $work/<target>/row and, when it crashed,
# keeps what reproduces it. Always returns 0: the caller reads the row.
run_target() {
    local target=$1
    local corpus="$work/$target/corpus"
    mkdir -p "$corpus" "$work/$target/artifacts"
    if [ -d "corpus/$target" ]; then
        cp -R "corpus/$target/." "$corpus/"
    fi
    local dict=()
    if [ -f "dicts/$target.dict" ]; then
        dict=("-dict=dicts/$target.dict")
    fi
    local log="$work/$target/log"
    local start status=0
    start=$(date +%s)
    "$bin_dir/$target" "$corpus" "${dict[@]}" "${limits[@]}" \
        -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$work/$target/artifacts/" >"$log" 2>&1 || status=$?
    local elapsed=$(($(date +%s) - start))
    local execs
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    execs=${execs:-0}
    local rate=$((execs / (elapsed > 0 ? elapsed : 1)))
    local units crashes result=ok
    units=$(find "$corpus" -type f | wc -l)
    crashes=$(find "$work/$target/artifacts" -type f | wc -l)
    if [ "$status" -ne 0 ] || [ "$crashes" -ne 0 ]; then
        result="FAILED (exit $status)"
        mkdir -p "artifacts/$target"
        cp -R "$work/$target/artifacts/." "artifacts/$target/" 2>/dev/null || true
        cp "$log" "artifacts/$target/run.log"
        {
            grep -m1 -E "panicked at|ERROR: libFuzzer|ERROR: AddressSanitizer|SUMMARY" "$log" || true
            echo "  log and input: fuzz/artifacts/$target/ (reproduce: cargo +nightly fuzz run -a $target <input>)"
        } >"$work/$target/why"
    fi
    printf '%-16s %7s %12s %9s %8s %8s  %s\n' "$target" "$elapsed" "$execs" "$rate" "$units" "$crashes" "$result" >"$work/$target/row"
}

targets=$(cargo +nightly fuzz list)
for target in $targets; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do
        wait -n || true
    done
    run_target "$target" &
done
wait

failed=0
printf '%-16s %7s %12s %9s %8s %8s  %s\n' target seconds executions exec/s corpus crashes result
for target in $targets; do
    if [ -f "$work/$target/row" ]; then
        cat "$work/$target/row"
    else
        echo "$target: no result (the run did not finish)"
        failed=1
    fi
    if [ -f "$work/$target/why" ]; then
        cat "$work/$target/why" >&2
        failed=1
    fi
done
exit "$failed"
