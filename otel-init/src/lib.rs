//! One call that sets up OpenTelemetry traces, metrics and logs from the standard
//! `OTEL_*` environment variables.
//!
//! ```no_run
//! # fn main() -> Result<(), otel_kit_init::InitError> {
//! let telemetry = otel_kit_init::init()?; // everything from OTEL_* variables
//! tracing::info!("started");          // a log line with trace ids, also exported over OTLP
//! telemetry.shutdown().ok();          // or let it drop at the end of main
//! # Ok(())
//! # }
//! ```
//!
//! Override in code with [`builder()`]; values set in code win over the environment,
//! except `service.name` (operators rename services, code does not).
//!
//! Three parts:
//!
//! - **The setup**: [`init()`](fn@init), [`builder()`](fn@builder), [`Builder`]: read the environment once into a
//!   [`config::Config`], lay the builder's values over it into the
//!   [`config::EffectiveConfig`], build the resource and the OTLP or console pipelines,
//!   install the globals and the `tracing` [`subscriber`], and return the [`Telemetry`]
//!   guard. [`Telemetry::control`] gives the [`TelemetryControl`] that changes the
//!   sampling ratio and the log filter while the service runs, and traces everything
//!   for a while (a debug override during an incident).
//! - **The `OTEL_*` specification**: [`config`], every variable typed, with a warning
//!   naming the variable and the default used for each bad value.
//! - **SDK plug-ins**, each usable on a plain SDK provider builder without `init()`, each
//!   with its own settings and its own reading of its variables: [`batch`] (a span
//!   processor with a bounded queue and counted drops), [`sampling`] (sampler presets),
//!   [`redaction`] (drops, hashes and scrubs sensitive attributes, log records and
//!   outgoing baggage; on by default in `init()`), [`value_length`] (the attribute
//!   value length limits of `OTEL_*_ATTRIBUTE_VALUE_LENGTH_LIMIT`), [`resource`]
//!   (service, host, OS, process, container and Kubernetes attributes), [`propagation`]
//!   (propagators and carriers), [`console_exporter`] (human-readable exporters for
//!   `OTEL_*_EXPORTER=console`), and [`subscriber`] (the `tracing` layers, with trace ids
//!   on every console line).
//! - **The export stack is otel-kit-otlp's** ([`reexports::otel_kit_otlp`]): its OTLP
//!   exporters send spans, log records and metrics over gRPC and HTTP/protobuf with our
//!   own protobuf encoding (`otlp_encoding`, with `grpc` or `http-proto`), and its span
//!   queue processor, console exporters, redaction and value-length processors are
//!   re-exported here as [`batch`], [`console_exporter`], [`redaction`] and
//!   [`value_length`]. This crate maps its configuration onto their builders.
//! - **Exemplars** (`metrics`): the meter provider is an [`ExemplarMeterProvider`], whose
//!   histograms keep, per bucket, the latest measurement made in a sampled span, and
//!   whose counters, up-down counters and gauges keep one such measurement per point,
//!   sampled uniformly (`OTEL_METRICS_EXEMPLAR_FILTER`, [`Builder::exemplar_filter`]);
//!   the OTLP gRPC and HTTP/protobuf exporters write them onto the data points.
//! - **Prometheus** (`prometheus`): otel-kit-prometheus serves the same meter
//!   provider on `/metrics`, on its own listener or mounted on the application's router
//!   (`Telemetry::prometheus_handler`), with exemplars in OpenMetrics.
//! - **Runtime metrics** (`runtime-metrics`): otel-kit-runtime-metrics registers the
//!   process and tokio runtime metrics on that meter provider, read only when it
//!   collects.
//!
//! The configuration reference (every variable, default, and builder method) is
//! `docs/configuration.md`.
//!
//! # Cargo features
//!
//! The default serves most services: both OTLP transports, gzip, TLS with ring, the
//! three signals and the console exporters. To compile less, turn the defaults off and
//! name what you use, for example one transport over TLS, traces and logs:
//!
//! ```toml
//! otel-kit-init = { version = "0.1", default-features = false, features = ["http-proto", "tls-ring", "logs"] }
//! ```
//!
//! | feature | default | what it brings | what it compiles |
//! | --- | --- | --- | --- |
//! | `grpc` | yes | OTLP/gRPC (`OTEL_EXPORTER_OTLP_PROTOCOL=grpc`) | tonic's channel, prost |
//! | `http-proto` | yes | OTLP/HTTP with protobuf bodies, the specification's default protocol | hyper's client (opentelemetry-http's, which also compiles h2), prost |
//! | `http-json` | no | OTLP/HTTP with JSON bodies | the above, serde and serde_json for the OTLP types |
//! | `gzip` | yes | `OTEL_EXPORTER_OTLP_COMPRESSION=gzip` | flate2 (pure Rust) |
//! | `tls-ring` | yes | `https://` endpoints, CA and client certificates, with rustls on ring | rustls, ring, rustls-native-certs, tokio-rustls |
//! | `tls-aws-lc` | no | the same with aws-lc-rs, used when `tls-ring` is off | aws-lc-sys, a C library (cc; cmake on some targets) |
//! | `logs` | yes | the OTLP log pipeline and the `tracing` log bridge | the SDK's logs, opentelemetry-appender-tracing |
//! | `metrics` | yes | the metric pipeline, the global meter provider, the span queue's own metrics | the SDK's metrics |
//! | `console` | yes | [`console_exporter`], `OTEL_*_EXPORTER=console` | nothing more |
//! | `runtime-metrics` | yes | `process.*` metrics (Linux) and the tokio runtimes' `tokio.*` metrics, read at collection time | otel-kit-runtime-metrics (implies `metrics`) |
//! | `log-bridge` | yes | records of the `log` crate into the installed subscriber (`subscriber::bridge_log_crate`): console and OTLP logs, filtered by `RUST_LOG` | tracing-log (already there through tracing-subscriber) |
//! | `proxy` | yes | OTLP exports through an HTTP proxy: `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY` as curl reads them, [`Builder::proxy`] | base64, ipnet (hyper-util's proxy matcher and `CONNECT` tunnel) |
//! | `xray` | yes | `xray` in `OTEL_PROPAGATORS` (AWS X-Ray's `X-Amzn-Trace-Id`) and [`XrayIdGenerator`] | opentelemetry-aws |
//! | `prometheus` | no | `/metrics` (text 0.0.4 and OpenMetrics with exemplars), `OTEL_METRICS_EXPORTER=prometheus` | otel-kit-prometheus's exporter: hyper's HTTP/1 server (hyper is already the OTLP/HTTP client), itoa, ryu |
//!
//! What a build lacks is never silent: an `OTEL_*` variable that asks for it gets a
//! warning naming the variable and the feature, and the same in code is an
//! [`InitError::InvalidValue`]. Without `grpc`, `http-proto` and `http-json` nothing is
//! exported over OTLP; without a TLS feature an `https://` endpoint is refused with a
//! warning. The default protocol is http/protobuf when built in, else the one transport
//! there is.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod additions;
pub mod batch;
mod before_processors;
mod build_features;
mod builder;
mod cardinality_limit;
pub mod config;
mod control;
mod env;
mod error;
#[cfg(feature = "__otlp")]
mod otlp_exporter;
mod pipelines;
#[cfg(feature = "prometheus")]
#[cfg_attr(docsrs, doc(cfg(feature = "prometheus")))]
#[deprecated(since = "0.2.0", note = "moved to otel_kit_prometheus")]
pub mod prometheus;
pub mod propagation;
pub mod redaction;
pub mod resource;
#[cfg(feature = "runtime-metrics")]
#[cfg_attr(docsrs, doc(cfg(feature = "runtime-metrics")))]
#[deprecated(since = "0.2.0", note = "moved to otel_kit_runtime_metrics")]
pub mod runtime_metrics;
pub mod sampling;
pub mod subscriber;
mod telemetry;
pub mod value_length;

#[cfg(feature = "console")]
#[cfg_attr(docsrs, doc(cfg(feature = "console")))]
#[doc(inline)]
pub use otel_kit_otlp::console_exporter;
#[cfg(any(feature = "grpc", feature = "http-proto"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "grpc", feature = "http-proto"))))]
#[doc(inline)]
pub use otel_kit_otlp::otlp_encoding;

pub use builder::Builder;
pub use cardinality_limit::DEFAULT_CARDINALITY_LIMIT;
pub use config::Exporter;
pub use control::{ControlError, TelemetryControl};
pub use error::{InitError, ShutdownError};
/// Trace ids AWS X-Ray accepts (their first 4 bytes the start time in seconds), for
/// [`Builder::id_generator`]; opentelemetry-aws's.
#[cfg(feature = "xray")]
#[cfg_attr(docsrs, doc(cfg(feature = "xray")))]
pub use opentelemetry_aws::trace::XrayIdGenerator;
#[doc(inline)]
pub use otel_kit_otlp::Signal;
/// The meter provider that keeps exemplars, its filter and its reservoirs (which a
/// otel-kit-prometheus `PrometheusReader` built by hand is given); otel-kit-otlp's.
#[cfg(feature = "metrics")]
#[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
pub use otel_kit_otlp::exemplar;
#[cfg(feature = "metrics")]
pub use otel_kit_otlp::exemplar::ExemplarMeterProvider;
#[cfg(feature = "proxy")]
#[cfg_attr(docsrs, doc(cfg(feature = "proxy")))]
pub use otel_kit_otlp::{Proxy, ProxyError};
pub use telemetry::{DEFAULT_SHUTDOWN_TIMEOUT, Telemetry};

/// Sets up traces, metrics and logs from the `OTEL_*` environment variables alone.
/// The same as `builder().init()`.
pub fn init() -> Result<Telemetry, InitError> {
    builder().init()
}

/// A [`Builder`] to override the environment in code.
pub fn builder() -> Builder {
    Builder::default()
}

/// The OpenTelemetry crates this kit is built on, so an application uses exactly these
/// versions: with a second copy of `opentelemetry` in the graph, instrumentation made
/// with it reports to a provider nobody installed, and silently records nothing.
pub mod reexports {
    pub use opentelemetry;
    pub use opentelemetry_sdk;
    pub use otel_kit_otlp;
    pub use tracing_opentelemetry;
}

#[cfg(doctest)]
#[doc = include_str!("../../docs/configuration.md")]
struct ConfigurationGuide;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;
