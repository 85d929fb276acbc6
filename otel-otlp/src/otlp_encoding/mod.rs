//! Our own OTLP protobuf encoding: the export requests written straight from the SDK's
//! data to bytes, with no intermediate proto structs, into buffers kept from one export
//! to the next. opentelemetry-proto's path builds a tree of `String`s and `Vec`s per
//! span (every attribute key and value copied) and then walks it twice with prost (once
//! for the lengths, once to write); this writes each byte once.
//!
//! The bytes decode (with opentelemetry-proto) to exactly what opentelemetry-proto's
//! transform produces for the same data: the property tests in `tests/it/otlp_encoding/`
//! check it over arbitrary spans, log records and metrics. OTLP/JSON stays on the upstream path.
//!
//! - `wire`: the protobuf primitives, over `prost::encoding`'s varints and keys;
//! - `attributes`: `AnyValue`, `KeyValue`, the scope, and the resource (encoded once);
//! - `request_frame`: what every request shares, the resource message around the
//!   scope messages;
//! - `scope_groups`: a batch grouped by instrumentation scope, without a map per batch;
//! - `time`: timestamps;
//! - `trace`: [`TraceEncoder`];
//! - `logs` and `log_values` (the log API's values, nested): [`LogEncoder`];
//! - `metrics` and `metric_points`: [`MetricEncoder`], and `exemplars`, its hook for
//!   exemplars of ours ([`ExemplarSource`]).

mod attributes;
#[cfg(feature = "metrics")]
mod exemplars;
#[cfg(feature = "logs")]
mod log_values;
#[cfg(feature = "logs")]
mod logs;
#[cfg(feature = "metrics")]
mod metric_points;
#[cfg(feature = "metrics")]
mod metrics;
mod request_frame;
mod scope_groups;
mod time;
mod trace;
mod wire;

#[cfg(feature = "metrics")]
pub use exemplars::{Exemplar, ExemplarSource, ExemplarValue, PointIdentity, SpanIds};
#[cfg(feature = "logs")]
pub use logs::LogEncoder;
#[cfg(feature = "metrics")]
pub use metrics::MetricEncoder;
pub use trace::TraceEncoder;
