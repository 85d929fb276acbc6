//! OTLP exporters for any `opentelemetry_sdk` user: spans, log records and metrics over
//! gRPC or HTTP/protobuf, encoded by us straight from the SDK's data. The span queue
//! processor, redaction and the value-length limits are otel-kit-processors'; the
//! console exporters are otel-kit-console's.
//!
//! ```no_run
//! use opentelemetry::trace::{Tracer as _, TracerProvider as _};
//! use opentelemetry_sdk::trace::SdkTracerProvider;
//! use otel_kit_otlp::SpanExporter;
//! use otel_kit_processors::batch::{BatchSettings, SpanQueueProcessor};
//!
//! let exporter = SpanExporter::builder()
//!     .with_endpoint("http://localhost:4318/v1/traces")
//!     .build()?;
//! let provider = SdkTracerProvider::builder()
//!     .with_span_processor(SpanQueueProcessor::new(exporter, BatchSettings::SPAN_DEFAULTS))
//!     .build();
//! provider.tracer("checkout").in_span("pay", |_| {});
//! provider.shutdown()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Nothing here reads the environment: every setting is given in code. otel-kit-init
//! reads the `OTEL_*` variables and builds these exporters from them.
//!
//! - **Settings** (`grpc`, `http-proto` or `http-json`): [`ExportSettings`], one signal's
//!   settings as a typed value, builds a [`ConfiguredSpanExporter`],
//!   [`ConfiguredLogExporter`] or [`ConfiguredMetricExporter`] of whichever [`Protocol`]
//!   it names (HTTP/JSON with opentelemetry-otlp's exporter), saying what it left out as
//!   [`SettingsWarning`]s. otel-kit-init maps the `OTEL_EXPORTER_OTLP_*` variables onto it.
//! - **Exporters** (`grpc` or `http-proto`): [`SpanExporter`], [`LogExporter`] and
//!   [`MetricExporter`] implement the SDK's exporter traits; each has a `builder()`, an
//!   [`ExporterBuilder`] of its signal ([`SpanExport`], [`LogExport`], [`MetricExport`]) with the
//!   [`Protocol`], endpoint, headers (fixed, from files, or made at each export by a
//!   [`DynamicHeaders`]), timeout, [`Compression`] and TLS ([`Pem`] files or bytes). A setting that
//!   cannot be used is a [`BuildError`] naming it, never a panic. Exports are sent from
//!   an [`ExportRuntime`] (one thread with its own tokio runtime), never from the
//!   application's threads; failed ones are retried as opentelemetry-otlp 0.33 retries.
//! - **[`exemplar`]** (`metrics`): the meter provider whose histograms, counters,
//!   up-down counters and gauges keep exemplars,
//!   and the reservoirs the metric exporter writes them from.
//! - **[`otlp_encoding`]** (`grpc` or `http-proto`): the encoders the exporters use,
//!   public for benchmarks and for exporters of one's own.
//!
//! # Cargo features
//!
//! | feature | default | what it brings | what it compiles |
//! | --- | --- | --- | --- |
//! | `grpc` | yes | OTLP/gRPC | tonic's channel, prost |
//! | `http-proto` | yes | OTLP/HTTP with protobuf bodies, the specification's default protocol | hyper's client (opentelemetry-http's), prost |
//! | `http-json` | no | OTLP/HTTP with JSON bodies, through [`ExportSettings`] | opentelemetry-otlp's HTTP exporter (serde_json) |
//! | `gzip` | yes | [`Compression::Gzip`] | flate2 (pure Rust) |
//! | `zstd` | no | [`Compression::Zstd`], for every protocol | the zstd crate, which compiles the zstd C library |
//! | `tls-ring` | yes | `https://` endpoints, CA and client certificates, with rustls on ring | rustls, ring, rustls-native-certs, tokio-rustls |
//! | `tls-aws-lc` | no | the same with aws-lc-rs, used when `tls-ring` is off | aws-lc-sys, a C library |
//! | `logs` | yes | [`LogExporter`] | the SDK's logs |
//! | `metrics` | yes | [`MetricExporter`] | the SDK's metrics |
//!
//! What a build lacks is a [`BuildError::NotBuiltIn`] naming the feature, when the
//! exporter is built.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod error;
#[cfg(any(feature = "__proto", feature = "__http"))]
mod error_chain;
mod export_settings;
mod export_stats;
#[cfg(feature = "__proto")]
mod exporter_builder;
#[cfg(any(feature = "grpc", feature = "__http"))]
pub use transport::liveness::MAX_CONNECT_DEADLINE;
#[cfg(feature = "__proto")]
#[cfg_attr(docsrs, doc(cfg(any(feature = "grpc", feature = "http-proto"))))]
pub mod otlp_encoding;
#[cfg(test)]
mod printable_endpoint;
#[cfg(feature = "__proto")]
mod proto_export;
mod transport;

// Shared with otel-kit-processors' span queue.
#[cfg(any(feature = "__proto", feature = "__http"))]
use otel_kit_core::__private::report_gate;

pub use error::{BuildError, BuildWarning, CertificateSetting};
#[cfg(any(feature = "__proto", feature = "http-json"))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(feature = "grpc", feature = "http-proto", feature = "http-json")))
)]
pub use export_settings::{
    ConfiguredExporter, ConfiguredSignalExporter, ConfiguredSpanExporter, Setting, SettingsError,
    SettingsWarning, SignalExporters, SpanSignal,
};
#[cfg(all(feature = "logs", any(feature = "__proto", feature = "http-json")))]
#[cfg_attr(
    docsrs,
    doc(cfg(all(
        feature = "logs",
        any(feature = "grpc", feature = "http-proto", feature = "http-json")
    )))
)]
pub use export_settings::{ConfiguredLogExporter, LogSignal};
#[cfg(all(feature = "metrics", any(feature = "__proto", feature = "http-json")))]
#[cfg_attr(
    docsrs,
    doc(cfg(all(
        feature = "metrics",
        any(feature = "grpc", feature = "http-proto", feature = "http-json")
    )))
)]
pub use export_settings::{ConfiguredMetricExporter, MetricExportOptions, MetricSignal};
// What every exporter builder holds, with or without a transport: otel-kit-init's
// configuration holds it too.
pub use export_settings::{ExportSettings, MIN_CREDENTIALS_CHECK_INTERVAL};
pub use export_stats::ExportStats;
#[cfg(feature = "logs")]
#[cfg(feature = "__proto")]
#[cfg_attr(
    docsrs,
    doc(cfg(all(feature = "logs", any(feature = "grpc", feature = "http-proto"))))
)]
pub use exporter_builder::LogExport;
#[cfg(feature = "metrics")]
#[cfg(feature = "__proto")]
#[cfg_attr(
    docsrs,
    doc(cfg(all(feature = "metrics", any(feature = "grpc", feature = "http-proto"))))
)]
pub use exporter_builder::MetricExport;
#[cfg(feature = "__proto")]
#[cfg_attr(docsrs, doc(cfg(any(feature = "grpc", feature = "http-proto"))))]
pub use exporter_builder::{ExporterBuilder, SpanExport};
pub use otel_kit_core::__private::printable_endpoint::printable_endpoint;
/// The OTLP signals, protocols and compression, otel-kit-core's: one definition for every
/// crate of the kit.
pub use otel_kit_core::otlp::{Compression, DynamicHeaders, Pem, Protocol, Signal};
#[cfg(all(feature = "logs", feature = "__proto"))]
#[cfg_attr(
    docsrs,
    doc(cfg(all(feature = "logs", any(feature = "grpc", feature = "http-proto"))))
)]
pub use proto_export::LogExporter;
#[cfg(all(feature = "metrics", feature = "__proto"))]
#[cfg_attr(
    docsrs,
    doc(cfg(all(feature = "metrics", any(feature = "grpc", feature = "http-proto"))))
)]
pub use proto_export::MetricExporter;
#[cfg(feature = "__proto")]
#[cfg_attr(docsrs, doc(cfg(any(feature = "grpc", feature = "http-proto"))))]
pub use proto_export::SpanExporter;
#[cfg(any(feature = "__proto", feature = "__http"))]
pub use transport::credentials::read_credential_file;
pub use transport::export_runtime::ExportRuntime;
#[cfg(feature = "proxy")]
#[cfg_attr(docsrs, doc(cfg(feature = "proxy")))]
pub use transport::proxy::{Proxy, ProxyError};

/// Exemplars for the metric exporter: wrap the SDK's meter provider in an
/// [`ExemplarMeterProvider`](exemplar::ExemplarMeterProvider) and give its
/// [`Reservoirs`](exemplar::Reservoirs) to
/// [`ExporterBuilder::with_exemplars`](crate::ExporterBuilder). The 0.33 SDK keeps none
/// itself (opentelemetry-rust PR #3624 would add them).
#[cfg(feature = "metrics")]
#[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
pub mod exemplar {
    #[doc(inline)]
    pub use otel_kit_core::__private::exemplar::{ExemplarFilter, ExemplarMeterProvider, Reservoirs};
}

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;
