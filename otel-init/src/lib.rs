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
//! What the crate holds, module by module:
//!
//! - **The setup**: [`init()`](fn@init), [`builder()`](fn@builder), [`environment_warnings()`] (`entry_points`), [`Builder`] (`builder`)
//!   and the macros [`init!`], [`builder!`], [`service_version!`] (`init_macros`): read
//!   the environment once, lay the builder's values over it, build the resource and the
//!   pipelines (`pipelines`), install the globals and the `tracing` subscriber.
//!   Beside them: `additions` (the processors, readers and views an application adds),
//!   `before_processors` (redaction and the value-length limits in front of every
//!   processor), `cardinality_limit` ([`DEFAULT_CARDINALITY_LIMIT`]), `build_features`
//!   (what this build lacks, warned about), `otlp_exporter` (the OTLP configuration onto
//!   otel-kit-otlp's builders) and `error` ([`InitError`], [`ShutdownError`]).
//! - **The running telemetry**: [`Telemetry`] (`telemetry`), the guard `init()` returns;
//!   [`TelemetryControl`] (`control`) changes the sampling ratio and the log filter while
//!   the service runs, and traces everything for a while during an incident.
//! - [`config`]: the `OTEL_*` specification, every variable typed, with a warning naming
//!   the variable and the default used for each bad value (`env` reads them); also maps
//!   `OTEL_PROPAGATORS`, `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES` onto
//!   otel-kit-propagators and otel-kit-resource.
//! - [`sampling`]: sampler presets, rate limits and per-route rules (otel-kit-sampling,
//!   re-exported).
//! - [`subscriber`]: the `tracing` layers, with trace ids on every console line.
//! - [`batch`], [`redaction`], [`value_length`], [`console_exporter`]: otel-kit-processors'
//!   span queue, redaction and value-length limits and otel-kit-console's exporters, with
//!   the reading of their variables.
//! - [`baggage`]: the baggage members of an allow-list onto spans and log records
//!   (otel-kit-processors', re-exported; `OTEL_KIT_BAGGAGE_ATTRIBUTES`).
//! - [`exemplar`] (`metrics`): the meter provider that keeps exemplars
//!   ([`ExemplarMeterProvider`], `OTEL_METRICS_EXEMPLAR_FILTER`).
//! - `prometheus` (`prometheus`): otel-kit-prometheus serves `/metrics` from the same
//!   meter provider, on its own listener or mounted on the application's router
//!   (`Telemetry::prometheus_handler`), with exemplars in OpenMetrics.
//! - `runtime_metrics` (`runtime-metrics`): otel-kit-runtime-metrics registers the
//!   process and tokio runtime metrics on that meter provider.
//! - [`reexports`]: the OpenTelemetry crates this kit is built on.
//!
//! The parts a plain SDK user takes alone are crates of their own: the OTLP exporters
//! (otel-kit-otlp, [`reexports::otel_kit_otlp`]), the resource detectors
//! (otel-kit-resource), the propagators (otel-kit-propagators), the processors
//! (otel-kit-processors), the console exporters (otel-kit-console), the Prometheus
//! exposition (otel-kit-prometheus) and the runtime metrics (otel-kit-runtime-metrics).
//! The modules `resource`, `propagation`, `prometheus` and `runtime_metrics` still
//! re-export theirs, deprecated.
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
//! otel-kit-init = { version = "0.2", default-features = false, features = ["http-proto", "tls-ring", "logs"] }
//! ```
//!
//! | feature | default | what it brings | what it compiles |
//! | --- | --- | --- | --- |
//! | `grpc` | yes | OTLP/gRPC (`OTEL_EXPORTER_OTLP_PROTOCOL=grpc`) | tonic's channel, prost |
//! | `http-proto` | yes | OTLP/HTTP with protobuf bodies, the specification's default protocol | hyper's client (opentelemetry-http's, which also compiles h2), prost |
//! | `http-json` | no | OTLP/HTTP with JSON bodies | the above, serde and serde_json for the OTLP types |
//! | `gzip` | yes | `OTEL_EXPORTER_OTLP_COMPRESSION=gzip` | flate2 (pure Rust) |
//! | `zstd` | no | `OTEL_EXPORTER_OTLP_COMPRESSION=zstd`, for every protocol (not every collector accepts it) | the zstd crate, which compiles the zstd C library (cc) |
//! | `tls-ring` | yes | `https://` endpoints, CA and client certificates, with rustls on ring | rustls, ring, rustls-native-certs, tokio-rustls |
//! | `tls-aws-lc` | no | the same with aws-lc-rs, used when `tls-ring` is off | aws-lc-sys, a C library (cc; cmake on some targets) |
//! | `logs` | yes | the OTLP log pipeline and the `tracing` log bridge | the SDK's logs, opentelemetry-appender-tracing |
//! | `metrics` | yes | the metric pipeline, the global meter provider, the span queue's own metrics | the SDK's metrics |
//! | `bound-instruments` | yes | the metrics API's and SDK's experimental bound instruments: the meter provider binds each attribute set of a synchronous instrument the first time it is recorded, so no per-request measurement hashes its set, and `bind` on [`Telemetry::meter_provider`]'s instruments records (with exemplars); implies `metrics`. Keep it if the application calls `bind` itself (docs/configuration.md, "Bound instruments") | no crate |
//! | `console` | yes | [`console_exporter`], `OTEL_*_EXPORTER=console` | nothing more |
//! | `runtime-metrics` | yes | `process.*` metrics (Linux) and the tokio runtimes' `tokio.*` metrics, read at collection time | otel-kit-runtime-metrics (implies `metrics`) |
//! | `log-bridge` | yes | records of the `log` crate into the installed subscriber (`subscriber::bridge_log_crate`): console and OTLP logs, filtered by `RUST_LOG` | tracing-log (already there through tracing-subscriber) |
//! | `proxy` | yes | OTLP exports through an HTTP proxy: `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY` as curl reads them, [`Builder::proxy`] | base64, ipnet (hyper-util's proxy matcher and `CONNECT` tunnel) |
//! | `xray` | yes | `xray` in `OTEL_PROPAGATORS` (AWS X-Ray's `X-Amzn-Trace-Id`) and [`XrayIdGenerator`] | opentelemetry-aws |
//! | `thread-priority` | no | `OTEL_KIT_EXPORT_THREAD_NICE` (`distribution.otel_kit.export_thread_nice` in a file): telemetry's own threads at a higher nice value on Linux, so request work preempts their exports | rustix (Linux only: `setpriority` without unsafe code) |
//! | `config-file` | no | the OpenTelemetry configuration file: `OTEL_CONFIG_FILE`, [`Builder::config_file`], [`Builder::config_yaml`] (docs/configuration.md, "Configuration file") | otel-kit-config, yaml-rust2 |
//! | `prometheus` | no | `/metrics` (text 0.0.4 and OpenMetrics with exemplars), `OTEL_METRICS_EXPORTER=prometheus` | otel-kit-prometheus's exporter: hyper's HTTP/1 server (hyper is already the OTLP/HTTP client), itoa, ryu |
//! | `jaeger-remote` | no | `jaeger_remote` and `parentbased_jaeger_remote` in `OTEL_TRACES_SAMPLER`, [`sampling::Sampling::jaeger_remote`] (otel-kit-sampling's feature of the same name); without it they fall back to [`sampling::Sampling::FALLBACK_RATIO`] with a warning | opentelemetry_sdk's `jaeger_remote_sampler` (url with idna and its ICU tables, serde_json, serde_derive) and, when the OTLP/HTTP client is not built in, hyper's HTTP/1 client: 28 crates over the default features, 36 over a build with none |
//!
//! What a build lacks is never silent: an `OTEL_*` variable that asks for it gets a
//! warning naming the variable and the feature, and the same in code is an
//! [`InitError::InvalidValue`]. Without `grpc`, `http-proto` and `http-json` nothing is
//! exported over OTLP; without a TLS feature an `https://` endpoint is refused with a
//! warning. The default protocol is http/protobuf when built in, else the one transport
//! there is.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod additions;
pub mod baggage;
pub mod batch;
mod before_processors;
mod build_features;
mod builder;
mod cardinality_limit;
pub mod config;
mod config_file;
mod control;
mod entry_points;
mod env;
mod error;
#[cfg(feature = "metrics")]
mod excluded_attributes;
mod init_macros;
#[cfg(feature = "metrics")]
mod meter_provider;
#[cfg(feature = "__otlp")]
mod otlp_exporter;
mod pipelines;
pub mod redaction;
pub mod sampling;
mod shutdown;
pub mod subscriber;
mod telemetry;
mod thread_priority;
pub mod value_length;

#[cfg(feature = "console")]
#[cfg_attr(docsrs, doc(cfg(feature = "console")))]
#[doc(inline)]
pub use otel_kit_console as console_exporter;
#[cfg(any(feature = "grpc", feature = "http-proto"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "grpc", feature = "http-proto"))))]
#[doc(inline)]
pub use otel_kit_otlp::otlp_encoding;

pub use builder::Builder;
pub use cardinality_limit::DEFAULT_CARDINALITY_LIMIT;
pub use config::{Compression, DynamicHeaders, Exporter, OtlpOptions, Pem};
pub use control::{ControlError, TelemetryControl};
pub use entry_points::{builder, environment_warnings, init};
pub use error::{ExporterError, InitError, ShutdownError};
// What `builder!` expands to; not for direct use.
#[doc(hidden)]
pub use entry_points::builder_with_cargo_version;
#[cfg(feature = "metrics")]
#[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
pub use meter_provider::KitMeterProvider;
/// Trace ids AWS X-Ray accepts (their first 4 bytes the start time in seconds), for
/// [`Builder::id_generator`]; opentelemetry-aws's.
#[cfg(feature = "xray")]
#[cfg_attr(docsrs, doc(cfg(feature = "xray")))]
pub use opentelemetry_aws::trace::XrayIdGenerator;
/// The application's own metrics: a duration histogram, a counter and an up-down
/// counter, each declared with a UCUM unit and its attribute keys; `init()` installs
/// the view that keeps only the declared keys. otel-kit-core's.
#[doc(inline)]
pub use otel_kit_core::app_metrics;
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

/// The OpenTelemetry crates this kit is built on, so an application uses exactly these
/// versions: with a second copy of `opentelemetry` in the graph, instrumentation made
/// with it reports to a provider nobody installed, and silently records nothing.
pub mod reexports {
    pub use opentelemetry;
    pub use opentelemetry_sdk;
    #[cfg(feature = "console")]
    pub use otel_kit_console;
    pub use otel_kit_otlp;
    pub use otel_kit_processors;
    pub use otel_kit_propagators;
    pub use otel_kit_resource;
    pub use tracing_opentelemetry;
}

#[cfg(doctest)]
#[doc = include_str!("../../docs/configuration.md")]
struct ConfigurationGuide;

#[cfg(doctest)]
#[doc = include_str!("../../docs/metrics.md")]
struct MetricsGuide;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;
