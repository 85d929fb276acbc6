//! What every request names: our `User-Agent`, and the gRPC service of each signal.

/// The `User-Agent` of our requests (opentelemetry-otlp sends
/// `OTel-OTLP-Exporter-Rust/<version>`; these requests are ours).
pub(crate) const USER_AGENT: &str = concat!("otel-kit-otlp/", env!("CARGO_PKG_VERSION"));

/// The gRPC service of one signal's export.
#[cfg(feature = "grpc")]
#[derive(Debug, Clone, Copy)]
pub(crate) struct GrpcService {
    /// `opentelemetry.proto.collector.<signal>.v1.<Signal>Service`.
    pub(crate) service: &'static str,
    /// `/<service>/Export`.
    pub(crate) path: &'static str,
}

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
