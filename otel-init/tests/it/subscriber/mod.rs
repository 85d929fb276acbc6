//! The `tracing` layers: console lines with trace ids, filters, the log bridge.

mod console;
mod filter;
mod interest;
mod layers;
mod log_crate;
mod logs;
mod rate_limit;
mod span_events;
mod span_scopes;
mod tracing_fields;
mod unsampled_spans;
