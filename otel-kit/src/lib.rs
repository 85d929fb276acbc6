//! OpenTelemetry for Rust services in one dependency: traces, metrics and logs set up from
//! the standard `OTEL_*` variables in one call, and a Cargo feature per integration.
//!
//! ```toml
//! [dependencies]
//! otel-kit = { git = "https://github.com/otel-kit/otel-kit", features = ["axum", "postgres"] }
//! ```
//!
#![cfg_attr(feature = "axum", doc = "```no_run")]
#![cfg_attr(not(feature = "axum"), doc = "```ignore")]
//! use axum::{Router, routing::get};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     // Traces, metrics and logs from the OTEL_* variables; keep the guard until the end.
//!     let telemetry = otel_kit::builder!().service_name("hello-otel").init()?;
//!     let app: Router = Router::new()
//!         .route("/hello/{name}", get(|| async { "hello" }))
//!         .layer(otel_kit::http::ServerLayer::new()); // one SERVER span per request
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//!     axum::serve(listener, app).await?;
//!     telemetry.shutdown()?;
//!     Ok(())
//! }
//! ```
//!
//! This crate is a table of contents: it holds no code of its own, and re-exports the
//! kit's crates behind its features. The guide is `docs/getting-started.md`.
//!
//! # What is where
//!
//! | in `otel_kit` | what it is | feature | the crate |
//! | --- | --- | --- | --- |
//! | [`init()`](fn@init), [`builder()`](fn@builder), [`init!`], [`builder!`], [`Builder`], [`Telemetry`], [`TelemetryControl`], [`Exporter`], [`InitError`] | the set-up: one call, values in code over the `OTEL_*` variables, the guard that flushes at shutdown | always | otel-kit-init |
//! | [`config`], [`sampling`], [`subscriber`], [`batch`], [`redaction`], [`value_length`], [`baggage`], [`app_metrics`] | the set-up's parts: the variables typed, sampler presets, the `tracing` layers, the span and log queues, redaction, limits, baggage onto spans, the application's own metrics | always | otel-kit-init |
//! | `exemplar` | the meter provider that keeps exemplars | `metrics` | otel-kit-init |
//! | `console_exporter` | the console exporters | `console` | otel-kit-console |
//! | [`propagators`] | W3C, B3, Jaeger, X-Ray propagators; carriers for message headers; a trace continued in a task | always | otel-kit-propagators |
//! | `http` | `ServerLayer` (axum, hyper, any tower server), `actix::ServerMiddleware`, `ClientMiddleware` (reqwest), `ClientLayer` (tower clients) | `axum`, `actix`, `reqwest`, `tower-client`, `tower-server` | otel-kit-http |
//! | `grpc` | the tonic server and client layers | `tonic` | otel-kit-grpc |
//! | `db` | sqlx pools, tokio-postgres and deadpool-postgres clients, diesel connections, Redis connections | `postgres`, `mysql`, `sqlite`, `sqlx-statement-log`, `tokio-postgres`, `deadpool-postgres`, `diesel`, `redis` | otel-kit-db |
//! | `messaging` | the messaging core (`Messaging`, for any client), and its NATS, RabbitMQ and Kafka adapters | `messaging` (the core alone, no client crate), `nats`, `rabbitmq`, `kafka` | otel-kit-messaging |
//! | `genai` | LLM, embedding, tool and agent calls | `genai` | otel-kit-genai |
//! | `prometheus` | `/metrics` from the same meter provider | `prometheus` | otel-kit-prometheus |
//! | `runtime_metrics` | process and tokio runtime metrics on any meter provider (an actix-web worker's runtime, say) | `runtime-metrics` | otel-kit-runtime-metrics |
//! | `testing` | per-test providers and span, metric and log assertions; with `testing-collector` an in-process OTLP collector and rotel | `testing`, `testing-collector`, `testing-conformance` | otel-kit-testing |
//! | `semconv` | the semantic conventions' names (1.45, and 1.41 for the GenAI names) the kit emits, generated from their model | always | otel-kit-semconv |
//! | [`opentelemetry`], [`opentelemetry_sdk`], [`tracing`], [`tracing_opentelemetry`], [`tracing_subscriber`] | the very crates the kit records through | always | |
//!
//! **Use the re-exported OpenTelemetry crates** (`otel_kit::opentelemetry`) or pin the
//! same versions (opentelemetry 0.33, tracing-opentelemetry 0.34): with a second copy of
//! `opentelemetry` in the build, what is recorded through it goes to a provider nobody
//! installed, and silently disappears.
//!
//! # Cargo features
//!
//! The default features are otel-kit-init's: OTLP over HTTP and gRPC, gzip, TLS with
//! ring, the three signals, the console exporters, process and runtime metrics, the `log`
//! crate bridge, proxies and X-Ray. No integration is on by default: name the ones the
//! service uses. To compile less, turn the defaults off and name what you use:
//!
//! ```toml
//! otel-kit = { git = "https://github.com/otel-kit/otel-kit", default-features = false, features = ["http-proto", "tls-ring", "logs", "metrics", "axum"] }
//! ```
//!
//! | feature | default | what it brings |
//! | --- | --- | --- |
//! | **set-up** (otel-kit-init's features of the same names, whose table says what each compiles) | | |
//! | `grpc` | yes | OTLP over gRPC |
//! | `http-proto` | yes | OTLP over HTTP with protobuf bodies, the specification's default |
//! | `http-json` | no | OTLP over HTTP with JSON bodies |
//! | `gzip` | yes | `OTEL_EXPORTER_OTLP_COMPRESSION=gzip` |
//! | `zstd` | no | `OTEL_EXPORTER_OTLP_COMPRESSION=zstd` (the zstd C library) |
//! | `thread-priority` | no | `OTEL_KIT_EXPORT_THREAD_NICE`: telemetry's threads at a lower priority (Linux; rustix) |
//! | `tls-ring` | yes | `https://` endpoints, with rustls on ring |
//! | `tls-aws-lc` | no | the same with aws-lc-rs (a C library), when `tls-ring` is off |
//! | `logs` | yes | the log pipeline and the `tracing` log bridge |
//! | `metrics` | yes | the metric pipeline and the global meter provider |
//! | `console` | yes | `OTEL_*_EXPORTER=console`, `Exporter::Console` |
//! | `runtime-metrics` | yes | process and tokio runtime metrics; `runtime_metrics` |
//! | `log-bridge` | yes | records of the `log` crate into the same subscriber |
//! | `proxy` | yes | OTLP exports through an HTTP proxy (`HTTPS_PROXY`, ...) |
//! | `xray` | yes | AWS X-Ray propagation and trace ids |
//! | `prometheus` | no | `/metrics` (`OTEL_METRICS_EXPORTER=prometheus`); `prometheus` |
//! | `jaeger-remote` | no | Jaeger remote sampling |
//! | `config-file` | no | the OpenTelemetry configuration file (`OTEL_CONFIG_FILE`) |
//! | `bound-instruments` | yes | the metrics API's experimental bound instruments: every per-request measurement recorded through a handle bound to its attribute set, no attribute set hashed (docs/performance.md, docs/configuration.md) |
//! | **HTTP** (`http`, otel-kit-http) | | |
//! | `axum` | no | the tower server layer reading axum's route and client address |
//! | `actix` | no | the actix-web 4 middleware |
//! | `awc` | no | the awc 3 client middleware (actix-web's client) |
//! | `reqwest` | no | the reqwest-middleware client middleware |
//! | `tower-client` | no | the tower layer for any HTTP client (hyper-util's) |
//! | `tower-server` | no | the tower server layer without axum (hyper, any tower server) |
//! | **gRPC** (`grpc`, otel-kit-grpc) | | |
//! | `tonic` | no | the tonic server and client layers |
//! | **databases** (`db`, otel-kit-db's features of the same names) | | |
//! | `postgres`, `mysql`, `sqlite` | no | sqlx pools on that database (`sqlite` builds SQLite from C) |
//! | `sqlx-statement-log` | no | sqlx's own statement log as the same spans, for code that keeps its plain pool |
//! | `tokio-postgres`, `deadpool-postgres` | no | tokio-postgres clients, deadpool-postgres pools |
//! | `diesel` | no | diesel 2.3 connections of any backend, and diesel-async's |
//! | `redis` | no | the redis crate's async connections |
//! | **messaging** (`messaging`, otel-kit-messaging) | | |
//! | `messaging` | no | the core alone: `Messaging` and its calls, for a client the kit does not wrap, with no client crate |
//! | `nats`, `rabbitmq`, `kafka` | no | the core, and async-nats (with JetStream), lapin, rdkafka (librdkafka, a C library) |
//! | **GenAI** (`genai`, otel-kit-genai) | | |
//! | `genai` | no | GenAI spans, metrics and events, OpenAI-compatible readers |
//! | **tests** (`testing`, otel-kit-testing; in `[dev-dependencies]`) | | |
//! | `testing` | no | the harness and the assertions |
//! | `testing-collector` | no | also the in-process OTLP collector, rotel, tinyproxy and the network fault peers |
//! | `testing-conformance` | no | also the semantic-conventions registry check |
//!
//! A test-only feature belongs in `[dev-dependencies]`, where Cargo's resolver keeps it
//! out of the service's own build:
//!
//! ```toml
//! [dev-dependencies]
//! otel-kit = { git = "https://github.com/otel-kit/otel-kit", features = ["testing"] }
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

// The set-up: otel-kit-init's entry points, its guard, its errors and its parts. The
// function and the macro of the same name (`init`, `builder`) come with one `use`.
#[cfg(feature = "metrics")]
#[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
pub use otel_kit_init::KitMeterProvider;
#[cfg(feature = "console")]
#[cfg_attr(docsrs, doc(cfg(feature = "console")))]
pub use otel_kit_init::console_exporter;
#[cfg(feature = "metrics")]
#[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
pub use otel_kit_init::exemplar;
pub use otel_kit_init::{
    Builder, ControlError, DEFAULT_CARDINALITY_LIMIT, DEFAULT_SHUTDOWN_TIMEOUT, DynamicHeaders, Exporter,
    ExporterError, InitError, OtlpOptions, Pem, ShutdownError, Signal, Telemetry, TelemetryControl,
    app_metrics, baggage, batch, builder, config, environment_warnings, init, redaction, sampling,
    service_version, subscriber, value_length,
};

/// The propagators (W3C Trace Context and Baggage, B3, Jaeger, X-Ray), the carriers for
/// message headers and a trace continued in a task; otel-kit-propagators.
pub use otel_kit_propagators as propagators;

/// HTTP servers and clients: axum, hyper and tower servers, actix-web, awc, reqwest and
/// tower clients; otel-kit-http.
#[cfg(any(
    feature = "axum",
    feature = "actix",
    feature = "awc",
    feature = "reqwest",
    feature = "tower-client",
    feature = "tower-server"
))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(
        feature = "axum",
        feature = "actix",
        feature = "awc",
        feature = "reqwest",
        feature = "tower-client",
        feature = "tower-server"
    )))
)]
pub use otel_kit_http as http;

/// tonic servers and clients; otel-kit-grpc.
#[cfg(feature = "tonic")]
#[cfg_attr(docsrs, doc(cfg(feature = "tonic")))]
pub use otel_kit_grpc as grpc;

/// sqlx, tokio-postgres, deadpool-postgres, diesel and Redis; otel-kit-db.
#[cfg(any(
    feature = "postgres",
    feature = "mysql",
    feature = "sqlite",
    feature = "tokio-postgres",
    feature = "deadpool-postgres",
    feature = "diesel",
    feature = "redis"
))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(
        feature = "postgres",
        feature = "mysql",
        feature = "sqlite",
        feature = "tokio-postgres",
        feature = "deadpool-postgres",
        feature = "diesel",
        feature = "redis"
    )))
)]
pub use otel_kit_db as db;

/// Messaging spans, metrics and propagation: the core for any client, and NATS, RabbitMQ,
/// Kafka; otel-kit-messaging.
#[cfg(feature = "messaging")]
#[cfg_attr(docsrs, doc(cfg(feature = "messaging")))]
pub use otel_kit_messaging as messaging;

/// LLM, embedding, tool and agent calls; otel-kit-genai.
#[cfg(feature = "genai")]
#[cfg_attr(docsrs, doc(cfg(feature = "genai")))]
pub use otel_kit_genai as genai;

/// The Prometheus pull exporter; otel-kit-prometheus. With this feature
/// `OTEL_METRICS_EXPORTER=prometheus` serves `/metrics` from the set-up's meter provider.
#[cfg(feature = "prometheus")]
#[cfg_attr(docsrs, doc(cfg(feature = "prometheus")))]
pub use otel_kit_prometheus as prometheus;

/// Process and tokio runtime metrics, registered by the set-up on the main runtime, and
/// by hand on any other (an actix-web worker's); otel-kit-runtime-metrics.
#[cfg(feature = "runtime-metrics")]
#[cfg_attr(docsrs, doc(cfg(feature = "runtime-metrics")))]
pub use otel_kit_runtime_metrics as runtime_metrics;

/// Per-test providers, span, metric and log assertions, and (`testing-collector`) an
/// in-process OTLP collector; otel-kit-testing.
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub use otel_kit_testing as testing;

/// The semantic conventions' names the kit emits: otel-kit-semconv.
pub use otel_kit_semconv as semconv;

// The crates the kit records through, at the versions it records through.
pub use opentelemetry;
pub use opentelemetry_sdk;
pub use tracing;
pub use tracing_opentelemetry;
pub use tracing_subscriber;

// The getting-started guide's code blocks compile as doctests of this crate, the one the
// guide depends on.
#[cfg(all(
    doctest,
    feature = "axum",
    feature = "actix",
    feature = "reqwest",
    feature = "testing"
))]
#[doc = include_str!("../../docs/getting-started.md")]
struct GettingStarted;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;

// docs/compatibility.md's short-lived-process recipe.
#[cfg(doctest)]
#[doc = include_str!("../../docs/compatibility.md")]
struct Compatibility;
