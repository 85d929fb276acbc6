//! Cross-crate integration tests of otel-kit; everything is under `tests/`.
