//! Baggage onto spans and log records through otel-kit-init: `OTEL_KIT_BAGGAGE_*` and
//! the builder, and the copy in the pipelines `init()` builds, in front of redaction,
//! with the outgoing `baggage` header left as the application set it. The real HTTP hop
//! to a collector is the integration crate's (`integration/tests/it/baggage.rs`).

mod env;
mod pipeline;
