#!/usr/bin/env bash
# A RUSTC_WORKSPACE_WRAPPER that compiles the workspace's crates with panic = "abort"
# (their `cfg!(panic = "abort")` holds, and a binary among them gets the aborting panic
# runtime), leaving the dependencies to plain rustc and their unwinding build, which an
# aborting binary links as it links std. .ci/run's Kafka step builds the poison-record
# consumer so. Cargo's own queries (`rustc -vV`) pass through unchanged.
case " $* " in
  *" --crate-name "*) exec "$@" -C panic=abort ;;
  *) exec "$@" ;;
esac
