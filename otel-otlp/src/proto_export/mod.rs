//! Our OTLP exporters for gRPC and HTTP/protobuf: the request bytes our encoders write
//! (`otlp_encoding`), sent through tonic (`grpc.rs`, with a codec that passes the bytes
//! through) or through the HTTP client of `http_client` (`http.rs`), on the
//! export runtime, with what opentelemetry-otlp 0.33's exporters do around a request:
//! the same headers and metadata, timeout, compression and TLS (`transport.rs` applies
//! an `ExporterBuilder`'s settings and connects), the user agent and gRPC services
//! (`services.rs`), its retries (`retry.rs`) and its partial-success warning (`response.rs`).
//! One public exporter per signal (`spans.rs`, `logs.rs`, `metrics.rs`), each with its
//! `builder()` and its `build`.

mod body;
mod exporter;
#[cfg(feature = "grpc")]
mod grpc;
#[cfg(feature = "http-proto")]
mod http;
#[cfg(feature = "logs")]
mod logs;
#[cfg(feature = "metrics")]
mod metrics;
#[cfg(feature = "grpc")]
mod raw_codec;
mod response;
mod retry;
mod sender;
mod services;
mod spans;
mod transport;

#[cfg(feature = "logs")]
pub use logs::LogExporter;
#[cfg(feature = "metrics")]
pub use metrics::MetricExporter;
pub use spans::SpanExporter;
