//! Runtime control (`Telemetry::control`), against a running axum service called over
//! loopback, with spans and logs exported over OTLP to the in-process collector: the
//! sampling ratio, the trace-everything override, the log filter, and the one log line
//! each change writes. The filter and log-line tests install the globals, so each runs
//! alone in its own process; the sampling tests keep them off and run with the rest.

mod emergency_cut;
mod filter;
mod logged_once;
mod sampling;
mod service;
mod thresholds;
mod trace_everything;
