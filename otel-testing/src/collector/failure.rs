//! Failures the collector can be told to answer with.

use std::time::Duration;

/// How the collector answers an export it was told to fail: a gRPC status for gRPC
/// requests, an HTTP status for OTLP/HTTP ones.
///
/// ```
/// use otel_kit_testing::ExportFailure;
/// let f = ExportFailure::unavailable();
/// assert_eq!(f.http_status(), 503);
/// assert_eq!(f.grpc_code(), tonic::Code::Unavailable);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFailure {
    grpc: tonic::Code,
    http: u16,
    retry_after: Option<Duration>,
}

impl ExportFailure {
    /// A failure with these codes. `http` outside 100..=999 is answered as 500.
    pub fn new(grpc: tonic::Code, http: u16) -> Self {
        ExportFailure {
            grpc,
            http,
            retry_after: None,
        }
    }

    /// `UNAVAILABLE` / 503: retryable, the usual outage.
    pub fn unavailable() -> Self {
        Self::new(tonic::Code::Unavailable, 503)
    }

    /// `RESOURCE_EXHAUSTED` / 429: throttling.
    pub fn resource_exhausted() -> Self {
        Self::new(tonic::Code::ResourceExhausted, 429)
    }

    /// `INVALID_ARGUMENT` / 400: permanent, must not be retried.
    pub fn invalid_argument() -> Self {
        Self::new(tonic::Code::InvalidArgument, 400)
    }

    /// `INTERNAL` / 500.
    pub fn internal() -> Self {
        Self::new(tonic::Code::Internal, 500)
    }

    /// Adds a retry hint: `Retry-After` over HTTP (whole seconds), a `google.rpc.RetryInfo`
    /// in the status details (`grpc-status-details-bin`) over gRPC.
    pub fn with_retry_after(mut self, delay: Duration) -> Self {
        self.retry_after = Some(delay);
        self
    }

    /// The gRPC code answered.
    pub fn grpc_code(&self) -> tonic::Code {
        self.grpc
    }

    /// The HTTP status answered.
    pub fn http_status(&self) -> u16 {
        self.http
    }

    /// The retry hint, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}
