//! Test kit for OpenTelemetry in Rust.
//!
//! - [`TestTelemetry`]: a per-test tracer, meter and logger provider over the SDK's
//!   in-memory exporters, with a `tracing` dispatch that feeds them. Tests stay isolated
//!   while running in parallel; [`TestTelemetry::install_global`] is the opt-in global mode.
//! - Fluent assertions: [`Spans`] / [`SpanAssert`] (kind, status, typed attributes,
//!   events, links, parents, whole trees), [`Metrics`] / [`MetricAssert`] (unit, kind,
//!   points, histogram buckets, exemplars), [`Logs`] / [`LogAssert`] (severity, body,
//!   trace correlation). Failures print expected, actual, and the spans as a waterfall
//!   per trace ([`Waterfall`], from otel-kit-console).
//! - [`TestCollector`] (the `collector` feature): an OTLP/gRPC + OTLP/HTTP receiver on
//!   loopback whose data is read with the same assertions, with request headers recorded
//!   and failures injectable; [`Rotel`], the real rotel collector as a child process
//!   relaying to a [`TestCollector`]; [`Tinyproxy`], a real HTTP proxy with its log.
//! - `Conformance` (the `conformance` feature): every attribute, metric and log event
//!   checked against the semantic-conventions registry, with one line of counts.
//! - [`ChildServer`]: a real server run as a child process on loopback ports chosen
//!   for it, started again on new ports if another process takes one first.
//! - [`BlackHole`]: an endpoint that accepts connections and never answers;
//!   [`FaultRelay`] (the `collector` feature): a relay in front of a real collector or
//!   proxy that plays network faults (refused, silent before or after the TLS handshake
//!   or the request, a slow drip, a reset mid-response, garbage, a vanished peer) and
//!   lifts them behind the same address.
//! - `privacy` (the `privacy` feature): `TestTelemetry::assert_no_personal_data` and
//!   `PrivacyCheck`, every captured span, event, log record and metric attribute checked
//!   for e-mail addresses, card numbers, SSNs, bearer tokens, JWTs and, when asked, IP
//!   addresses, with the redaction matchers.
//! - [`alone`]: one test run alone in a child process of its test binary, for what
//!   reads process-wide state; [`allocations`]: the bytes a call allocates, counted by
//!   a global allocator the test binary declares.
//!
//! ```
//! use opentelemetry::trace::SpanKind;
//! use otel_kit_testing::TestTelemetry;
//!
//! #[tracing::instrument(fields(otel.kind = "client"))]
//! fn fetch(id: i64) {}
//!
//! let t = TestTelemetry::new();
//! t.in_scope(|| fetch(42));
//! t.spans().span("fetch").has_kind(SpanKind::Client).has_attribute("id", 42).is_root();
//! ```
//!
//! The guide, with a complete example per use, is `docs/testing.md`.
//!
//! # Cargo features
//!
//! | feature | default | adds | pulls in |
//! | --- | --- | --- | --- |
//! | `collector` | no | [`TestCollector`], [`CollectorTls`] and their types, [`Rotel`], [`Tinyproxy`], [`FaultRelay`] | tonic, axum, hyper, rustls and tokio-rustls (ring), flate2, serde_json |
//! | `zstd` | no | [`TestCollector`] accepts zstd request bodies (`Content-Encoding: zstd`, `grpc-encoding: zstd`); without it they are refused (415, `UNIMPLEMENTED`), as by a collector without zstd | the zstd crate, which compiles the zstd C library |
//! | `bound-instruments` | no | the harness's SDK built with the metrics API's experimental bound instruments, declared to the instrumentations, as otel-kit-init's `bound-instruments` does: for testing code that binds | nothing more |
//! | `privacy` | no | `privacy`: `PrivacyCheck`, `TestTelemetry::assert_no_personal_data` | otel-kit-processors (its redaction matchers), which `otel-kit-init` already brings |
//! | `conformance` | no | `Conformance`: the registry check (the facts of semantic conventions 1.45, GenAI 1.41, about 170 KB) | nothing more |
//!
//! Without it: the harness, the assertions and the records, [`BlackHole`],
//! [`ChildServer`], [`alone`] and [`allocations`], over the SDK, `tracing` and the OTLP
//! message types (prost).

#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod allocations;
mod alone;
mod assert;
mod black_hole;
mod child_server;
#[cfg(feature = "collector")]
mod collector;
#[cfg(feature = "conformance")]
#[cfg_attr(docsrs, doc(cfg(feature = "conformance")))]
pub mod conformance;
#[cfg(feature = "collector")]
mod fault_relay;
mod global;
mod harness;
mod harness_exemplars;
mod metric_accumulator;
mod model;
mod noop_processor;
#[cfg(feature = "privacy")]
#[cfg_attr(docsrs, doc(cfg(feature = "privacy")))]
pub mod privacy;
#[cfg(feature = "collector")]
mod rotel;
mod scoped_future;
#[cfg(feature = "collector")]
mod tinyproxy;

pub use alone::{ALONE_ENV, alone, ran_alone};
pub use assert::{
    HistogramPointAssert, LogAssert, Logs, MetricAssert, Metrics, NumberPointAssert, PointAssert, SpanAssert,
    Spans,
};
pub use black_hole::BlackHole;
pub use child_server::ChildServer;
#[cfg(feature = "collector")]
#[cfg_attr(docsrs, doc(cfg(feature = "collector")))]
pub use collector::{
    CollectorTls, DEFAULT_MAX_BODY_SIZE, ExportFailure, ExportRequest, Outcome, Protocol, Signal,
    TestCollector, TestCollectorBuilder,
};
#[cfg(feature = "conformance")]
pub use conformance::{Conformance, Report, Violation};
#[cfg(feature = "collector")]
#[cfg_attr(docsrs, doc(cfg(feature = "collector")))]
pub use fault_relay::{FaultRelay, RelayFault};
// Hidden: only for the fuzz targets in `fuzz/` (see `decode_http_export`).
#[cfg(feature = "collector")]
#[doc(hidden)]
pub use collector::{DecodedExport, decode_http_export};
pub use global::GlobalTelemetry;
pub use harness::{TRACING_SCOPE, TestTelemetry, TestTelemetryBuilder};
pub use model::{
    AttributeValue, EventRecord, ExemplarRecord, HistogramPoint, LinkRecord, LogRecord, MetricData,
    MetricRecord, Number, NumberPoint, ResourceInfo, ScopeInfo, SpanRecord, SummaryPoint, Temporality,
};
pub use noop_processor::NoopSpanProcessor;
/// The renderer of the waterfall that span failures print, and its span model
/// ([`SpanRecord::waterfall_span`]), from otel-kit-console.
pub use otel_kit_console::{Waterfall, WaterfallSpan};
#[cfg(feature = "collector")]
#[cfg_attr(docsrs, doc(cfg(feature = "collector")))]
pub use rotel::{ROTEL_BIN_ENV, Rotel};
pub use scoped_future::ScopedFuture;
#[cfg(feature = "collector")]
#[cfg_attr(docsrs, doc(cfg(feature = "collector")))]
pub use tinyproxy::{TINYPROXY_BIN_ENV, Tinyproxy};

/// The OpenTelemetry crates this kit is built on, re-exported so a test uses exactly
/// the versions the harness speaks (a second copy of `opentelemetry` in the graph
/// would make instrumentation silently record nothing).
pub mod reexports {
    pub use opentelemetry;
    pub use opentelemetry_proto;
    pub use opentelemetry_sdk;
    pub use tracing_opentelemetry;
}

#[cfg(doctest)]
#[doc = include_str!("../../docs/testing.md")]
struct TestingGuide;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;
