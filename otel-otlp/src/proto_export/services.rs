//! What every request names: our `User-Agent`, and each signal's OTLP/HTTP path, gRPC
//! service and items ([`SignalInfo`]).

use otel_kit_core::otlp::Signal;

/// The `User-Agent` of our requests (opentelemetry-otlp sends
/// `OTel-OTLP-Exporter-Rust/<version>`; these requests are ours).
pub(crate) const USER_AGENT: &str = concat!("otel-kit-otlp/", env!("CARGO_PKG_VERSION"));

/// What differs between the signals' transports.
pub(crate) struct SignalInfo {
    /// The signal, whose default endpoint is used when none is given.
    pub(crate) signal: Signal,
    #[cfg(feature = "grpc")]
    pub(crate) grpc: GrpcService,
    /// What the requests carry, for the partial-success warning: "spans", ...
    pub(crate) items: &'static str,
}

/// The gRPC service of one signal's export.
#[cfg(feature = "grpc")]
#[derive(Debug, Clone, Copy)]
pub(crate) struct GrpcService {
    /// `opentelemetry.proto.collector.<signal>.v1.<Signal>Service`.
    pub(crate) service: &'static str,
    /// `/<service>/Export`.
    pub(crate) path: &'static str,
}

/// The spans' requests.
pub(crate) const SPANS: SignalInfo = SignalInfo {
    signal: Signal::Traces,
    #[cfg(feature = "grpc")]
    grpc: GrpcService {
        service: "opentelemetry.proto.collector.trace.v1.TraceService",
        path: "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
    },
    items: "spans",
};

/// The metrics' requests.
#[cfg(feature = "metrics")]
pub(crate) const METRICS: SignalInfo = SignalInfo {
    signal: Signal::Metrics,
    #[cfg(feature = "grpc")]
    grpc: GrpcService {
        service: "opentelemetry.proto.collector.metrics.v1.MetricsService",
        path: "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
    },
    items: "data points",
};

/// The logs' requests.
#[cfg(feature = "logs")]
pub(crate) const LOGS: SignalInfo = SignalInfo {
    signal: Signal::Logs,
    #[cfg(feature = "grpc")]
    grpc: GrpcService {
        service: "opentelemetry.proto.collector.logs.v1.LogsService",
        path: "/opentelemetry.proto.collector.logs.v1.LogsService/Export",
    },
    items: "log records",
};
