//! [`CallOutcome`], what the `span_attributes_from_response` hook of a
//! [`ServerLayer`](crate::ServerLayer) or a [`ClientLayer`](crate::ClientLayer) sees, and
//! `CallHooks`, the hook types of both layers (the same on both: the request hooks see
//! the request head).

use std::borrow::Cow;

use http::HeaderMap;
use http::request::Parts;
use otel_kit_core::__private::hooks::Signatures;
use otel_kit_core::{MetricAttributes, SpanAttributes};
use otel_kit_semconv::attribute as semconv;
use tonic::Code;

/// The hook types of both gRPC layers: their request hooks see the request head.
#[derive(Debug)]
pub(crate) enum CallHooks {}

impl Signatures for CallHooks {
    type Exclude = dyn Fn(&Parts) -> bool + Send + Sync;
    type SpanName = dyn Fn(&Parts) -> Option<Cow<'static, str>> + Send + Sync;
    type RequestSpanAttributes = dyn Fn(&Parts, &mut SpanAttributes<'_>) + Send + Sync;
    type ResponseSpanAttributes = dyn Fn(&CallOutcome<'_>, &mut SpanAttributes<'_>) + Send + Sync;
    type RequestMetricAttributes = dyn Fn(&Parts, &mut MetricAttributes<'_>) + Send + Sync;
    const RESERVED_METRIC_KEYS: &'static [&'static str] = &[
        semconv::RPC_SYSTEM_NAME,
        semconv::RPC_METHOD,
        semconv::RPC_STATUS_CODE,
        semconv::ERROR_TYPE,
        semconv::SERVER_ADDRESS,
        semconv::SERVER_PORT,
    ];
}

/// How a call ended, as a `span_attributes_from_response` hook sees it: the status code
/// (absent when the service failed or panicked instead), the status message, and the
/// metadata the status came with.
///
/// ```
/// use opentelemetry::KeyValue;
/// use otel_kit_grpc::CallOutcome;
///
/// fn shard(outcome: &CallOutcome<'_>) -> Option<KeyValue> {
///     let value = outcome.metadata()?.get("x-shard")?.to_str().ok()?;
///     Some(KeyValue::new("app.shard", value.to_owned()))
/// }
/// # let _ = shard;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct CallOutcome<'a> {
    pub(crate) code: Option<Code>,
    pub(crate) message: Option<&'a str>,
    pub(crate) metadata: Option<&'a HeaderMap>,
    pub(crate) error_type: Option<&'a str>,
}

impl<'a> CallOutcome<'a> {
    /// The gRPC status code the call ended with: from the response headers or the
    /// trailers, derived from a transport error, or `CANCELLED`/`DEADLINE_EXCEEDED` for
    /// a call dropped early, or the `Status` a server's service returned as its error.
    /// `None` when the service returned another error or panicked (the span's
    /// `rpc.status_code` is `UNKNOWN` then).
    pub fn code(&self) -> Option<Code> {
        self.code
    }

    /// The status message (`grpc-message`, decoded), when there was one.
    pub fn message(&self) -> Option<&'a str> {
        self.message
    }

    /// The metadata the status came in: the response headers of a trailers-only
    /// response, or the trailers. `None` when the call ended otherwise.
    pub fn metadata(&self) -> Option<&'a HeaderMap> {
        self.metadata
    }

    /// `error.type` of a call that ended without a status (`panic`, or the service
    /// error's type path without generic arguments, `_OTHER` when boxed).
    pub fn error_type(&self) -> Option<&'a str> {
        self.error_type
    }
}
