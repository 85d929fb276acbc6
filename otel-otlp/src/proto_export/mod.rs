//! Our OTLP exporters for gRPC and HTTP/protobuf: the request bytes our encoders write
//! (`otlp_encoding`), sent through tonic (`grpc.rs`, with a codec that passes the bytes
//! through) or through the HTTP client of `http_client` (`http.rs`), on the
//! export runtime, with what opentelemetry-otlp 0.33's exporters do around a request:
//! the same headers and metadata, timeout, compression and TLS (`transport` applies
//! them), its retries (`retry.rs`) and its partial-success warning (`response.rs`).
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
mod spans;

#[cfg(feature = "grpc")]
pub(crate) use grpc::{GrpcSender, GrpcService};
#[cfg(feature = "http-proto")]
pub(crate) use http::HttpSender;
#[cfg(feature = "logs")]
pub use logs::LogExporter;
#[cfg(feature = "metrics")]
pub use metrics::MetricExporter;
pub(crate) use sender::{Sender, Via};
pub use spans::SpanExporter;

/// The `User-Agent` of our requests (opentelemetry-otlp sends
/// `OTel-OTLP-Exporter-Rust/<version>`; these requests are ours).
pub(crate) const USER_AGENT: &str = concat!("otel-kit-otlp/", env!("CARGO_PKG_VERSION"));

/// The trace service, for OTLP/gRPC.
#[cfg(feature = "grpc")]
pub(crate) const TRACE_SERVICE: GrpcService = GrpcService {
    service: "opentelemetry.proto.collector.trace.v1.TraceService",
    path: "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
};

/// The metrics service, for OTLP/gRPC.
#[cfg(all(feature = "grpc", feature = "metrics"))]
pub(crate) const METRICS_SERVICE: GrpcService = GrpcService {
    service: "opentelemetry.proto.collector.metrics.v1.MetricsService",
    path: "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
};

/// The logs service, for OTLP/gRPC.
#[cfg(all(feature = "grpc", feature = "logs"))]
pub(crate) const LOGS_SERVICE: GrpcService = GrpcService {
    service: "opentelemetry.proto.collector.logs.v1.LogsService",
    path: "/opentelemetry.proto.collector.logs.v1.LogsService/Export",
};
