//! Our OTLP exporters for gRPC and HTTP/protobuf: the request bytes our encoders write
//! (`otlp_encoding`), sent through tonic (`grpc.rs`, with a codec that passes the bytes
//! through) or through the HTTP client otel-kit-init already has (`http.rs`), on the
//! export runtime, with what opentelemetry-otlp 0.33's exporters do around a request:
//! the same headers and metadata, timeout, compression and TLS (`otlp_exporter`
//! applies them), its retries (`retry.rs`) and its partial-success warning
//! (`response.rs`). OTLP/JSON stays on the upstream exporter.

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

pub(crate) use exporter::ProtoExporter;
#[cfg(feature = "grpc")]
pub(crate) use grpc::{GrpcSender, GrpcService};
#[cfg(feature = "http-proto")]
pub(crate) use http::HttpSender;
#[cfg(feature = "metrics")]
pub(crate) use metrics::ProtoMetricExporter;
pub(crate) use sender::{Sender, Via};

/// The `User-Agent` of our requests (opentelemetry-otlp sends
/// `OTel-OTLP-Exporter-Rust/<version>`; these requests are ours).
pub(crate) const USER_AGENT: &str = concat!("otel-kit-init/", env!("CARGO_PKG_VERSION"));

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
