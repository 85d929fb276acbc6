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
# MySQL backend, librdkafka: `kafka`), its library and binaries (not its tests), all in
# one `cargo check`: a dependency is checked once with the union of what the crates ask
# of it, not once per crate with each crate's features (the per-crate runs checked tokio,
# hyper and their dependents again for every feature set). What one crate's features
# alone compile against is the feature matrix's question, at the locked versions.
# The run's target directory (the root's by default) and profile: a dependency this resolution shares with the
# feature matrix's (same version, features and dependencies) is checked once.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
internal=$(grep -ho '^__[a-z0-9_-]*' */Cargo.toml | sort -u | paste -sd, -)
args=$(cargo metadata --no-deps --format-version 1 | python3 -c '
import json, sys
internal = set(sys.argv[1].split(",")) | {"default", "kafka"}
# The C-library features are left out; each crate named with its features as crate/feature.
features_of = {
    "otel-kit-db": "postgres,mysql,sqlite,redis,tokio-postgres,deadpool-postgres,diesel".split(","),
    "otel-kit-messaging": ["nats", "rabbitmq"],
}
args = []
for p in json.load(sys.stdin)["packages"]:
    if p.get("publish") is not None or not p["name"].startswith("otel-kit"):
        continue
    features = features_of.get(p["name"], [f for f in p["features"] if f not in internal])
    name = p["name"]
    print(name + ": " + (",".join(features) or "default features"), file=sys.stderr)
    args += ["-p", name] + (["--features", ",".join(name + "/" + f for f in features)] if features else [])
print(" ".join(args))' "$internal")
# shellcheck disable=SC2086 # the names and features hold no spaces
cargo check --quiet --locked $args
