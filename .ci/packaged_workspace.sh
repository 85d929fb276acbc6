#!/usr/bin/env bash
# The publishable crates as `cargo publish` would upload them, unpacked into a workspace
# of their own (target/packaged/), each depending on the others' packaged copies: what a
# user would download, to be checked by the feature matrix (.ci/run) in place of the
# sources. An include_str! that reaches outside its package, a file the package leaves
# out, or a path dependency without a version then fails there, not at release time.
#
#     .ci/packaged_workspace.sh otel-kit-core otel-kit ...   # prints the workspace's path
#
# `cargo package --no-verify` (the verify build of each crate is what the feature matrix's
# check of the same crate replaces); the copied lock file keeps every dependency at the
# version the workspace's own lock pins, which .ci/run compares after the checks.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
[[ $# -gt 0 ]] || { echo "usage: $0 CRATE..." >&2; exit 2; }
args=()
for name in "$@"; do args+=(-p "$name"); done

# --allow-dirty: this checks what would be packaged, so it also runs on a checkout with
# uncommitted changes.
# cargo package writes the .crate files under the target directory in use.
package_dir="${CARGO_TARGET_DIR:-$root/target}/package"
rm -rf "$package_dir"
(cd "$root" && cargo package --quiet --locked --allow-dirty --no-verify "${args[@]}") >&2

work="$root/target/packaged"
rm -rf "$work"
mkdir -p "$work"
members=() patches=()
for crate in "$package_dir"/*.crate; do
  tar -xzf "$crate" -C "$work"
  dir=$(basename "$crate" .crate)
  name=${dir%-*}
  members+=("\"$dir\"")
  patches+=("$name = { path = \"$dir\" }")
done
# cargo package stamps every file with one fixed time (2006-07-24), and cargo decides by
# modification time whether a path crate changed: in a target directory kept between runs,
# a changed crate extracted with that stamp would pass as the one checked before. Stamped
# now, every run checks its own sources.
find "$work" -type f -exec touch {} +
[[ ${#members[@]} -eq $# ]] || { echo "expected $# .crate files under $package_dir, found ${#members[@]}" >&2; exit 1; }

# The root manifest's dev profile (its [profile.dev] tables), so dependencies checked
# here and there are one artifact; [patch] points each crate's registry dependency on another
# of ours at its packaged copy.
{
  echo "[workspace]"
  echo "resolver = \"3\""
  (IFS=,; echo "members = [${members[*]}]")
  echo
  echo "[patch.crates-io]"
  printf '%s\n' "${patches[@]}"
  echo
  awk '/^\[/ { dev = /^\[profile\.dev[].]/ } dev' "$root/Cargo.toml"
} >"$work/Cargo.toml"
cp "$root/Cargo.lock" "$work/Cargo.lock"
echo "$work"
