//! Redaction through otel-kit-init: its environment variables, and redaction in the
//! pipelines and the globals `init()` builds. The rules' matchers are otel-kit-otlp's
//! (its `tests/it/redaction/`).

mod env;
mod globals;
mod pii;
mod pipeline;
