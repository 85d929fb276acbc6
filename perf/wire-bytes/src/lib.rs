//! The OTLP bytes the kit sends, as a collector receives them: payload bytes per span,
//! per metric point and per log record, uncompressed, gzip and zstd.
//!
//! The binary (`cargo run --manifest-path perf/Cargo.toml -p wire-bytes`) runs every [`scenario::Scenario`] in a child
//! process per compression, each exporting over OTLP/HTTP through `otel_kit_init`'s
//! pipeline to a [`receiver::Receiver`] that records the request bodies, and prints the
//! table of docs/performance.md's "Bytes on the wire".

pub mod figures;
pub mod receiver;
pub mod run;
pub mod scenario;
