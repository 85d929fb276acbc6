#!/usr/bin/env bash
# The published crates built with each direct dependency at the lowest version its
# manifest declares: what a service gets when its own lock file holds older versions
# and cargo keeps them. A declared minimum that is too low (an API the code uses that
# came later) fails the build here, not in the adopter's.
#
# The resolution is stable cargo's `-Z direct-minimal-versions`, opened for that one
# command with RUSTC_BOOTSTRAP=1 (no nightly toolchain: the build itself is plain
# stable). Direct dependencies only, as an adopter's lock meets them; transitive ones
# resolve to their newest. A crate used only through another's re-export
# (rustls-pki-types through rustls) is declared directly for its minimum's sake.
#
#     .ci/minimal_versions.sh     # from the repository root; a copy under target/
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/target/minimal-versions"
rm -rf "$work/src"
mkdir -p "$work/src"
# The tracked files only: a copy, so the workspace's own lock file is not touched.
(cd "$root" && git ls-files -z | xargs -0 cp --parents -t "$work/src")
cd "$work/src"
RUSTC_BOOTSTRAP=1 cargo update -Z direct-minimal-versions --quiet
grep -A1 '^name = "rustls-pki-types"' Cargo.lock | tail -1

# Check, not build: the question is whether the APIs exist. Every published crate with
# its features but those that compile C libraries (mysqlclient-sys through diesel's
# MySQL backend, librdkafka: `kafka`), its library and binaries (not its tests).
# The root's target directory and profile: a dependency this resolution shares with the
# feature matrix's (same version, features and dependencies) is checked once.
export CARGO_TARGET_DIR="$root/target"
internal=$(grep -ho '^__[a-z0-9_-]*' */Cargo.toml | sort -u | paste -sd, -)
published=$(cargo metadata --no-deps --format-version 1 |
  python3 -c 'import json,sys; print(" ".join(p["name"] for p in json.load(sys.stdin)["packages"] if p.get("publish") is None and p["name"].startswith("otel-kit")))')
for crate in $published; do
  case "$crate" in
    otel-kit-db) features="postgres,mysql,sqlite,redis,tokio-postgres,deadpool-postgres,diesel" ;;
    otel-kit-messaging) features="nats,rabbitmq" ;;
    *) features=$(cargo metadata --no-deps --format-version 1 |
         python3 -c 'import json,sys; pkg=[p for p in json.load(sys.stdin)["packages"] if p["name"]==sys.argv[1]][0]; internal=set(sys.argv[2].split(",")); print(",".join(f for f in pkg["features"] if f not in internal | {"default", "kafka"}))' "$crate" "$internal") ;;
  esac
  echo "$crate: ${features:-default features}"
  cargo check --quiet --locked -p "$crate" --features "$features"
done
