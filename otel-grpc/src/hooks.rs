//! The application's hooks on a [`ServerLayer`](crate::ServerLayer) or a
//! [`ClientLayer`](crate::ClientLayer) (the same on both), and [`CallOutcome`], what the
//! response hook sees. Each hook is `None` (or empty) unless set, so a layer without
//! them pays one branch per hook and allocates nothing for them.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use http::HeaderMap;
use http::request::Parts;
use opentelemetry_semantic_conventions::attribute as semconv;
use otel_kit_core::extra_attributes::MetricAttributesHook;
use otel_kit_core::{MetricAttributes, SpanAttributes};
use tonic::Code;

/// `true` means "no telemetry for this call".
pub(crate) type Exclude = dyn Fn(&Parts) -> bool + Send + Sync;

/// Names the span from the request head; `None` keeps the default name.
pub(crate) type SpanName = dyn Fn(&Parts) -> Option<Cow<'static, str>> + Send + Sync;

/// Adds span attributes from the request head, before the span starts.
pub(crate) type RequestSpanAttributes = dyn Fn(&Parts, &mut SpanAttributes<'_>) + Send + Sync;

/// Adds span attributes from how the call ended, before the span ends.
pub(crate) type ResponseSpanAttributes = dyn Fn(&CallOutcome<'_>, &mut SpanAttributes<'_>) + Send + Sync;

/// Adds bounded attributes to the call's duration point.
pub(crate) type RequestMetricAttributes = dyn Fn(&Parts, &mut MetricAttributes<'_>) + Send + Sync;

/// The keys `rpc.{server,client}.call.duration` set themselves: a metric hook cannot
/// replace them.
pub(crate) const RESERVED_METRIC_KEYS: &[&str] = &[
    semconv::RPC_SYSTEM_NAME,
    semconv::RPC_METHOD,
    semconv::RPC_RESPONSE_STATUS_CODE,
    semconv::ERROR_TYPE,
    semconv::SERVER_ADDRESS,
    semconv::SERVER_PORT,
];

/// The hooks of one layer.
#[derive(Clone, Default)]
pub(crate) struct Hooks {
    pub(crate) exclude: Vec<Arc<Exclude>>,
    pub(crate) span_name: Option<Arc<SpanName>>,
    pub(crate) request_span_attributes: Option<Arc<RequestSpanAttributes>>,
    pub(crate) response_span_attributes: Option<Arc<ResponseSpanAttributes>>,
    pub(crate) metric_attributes: Option<Arc<MetricAttributesHook<RequestMetricAttributes>>>,
}

impl Hooks {
    /// True when an exclusion predicate matches the request head.
    pub(crate) fn excludes(&self, parts: &Parts) -> bool {
        self.exclude.iter().any(|exclude| exclude(parts))
    }

    /// How many metric attributes the metric hook dropped (0 without one).
    pub(crate) fn dropped_metric_attributes(&self) -> u64 {
        self.metric_attributes.as_ref().map_or(0, |hook| hook.dropped())
    }
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hooks")
            .field("exclude_when", &self.exclude.len())
            .field("span_name", &self.span_name.is_some())
            .field(
                "span_attributes_from_request",
                &self.request_span_attributes.is_some(),
            )
            .field(
                "span_attributes_from_response",
                &self.response_span_attributes.is_some(),
            )
            .field("metric_attributes_from_request", &self.metric_attributes)
            .finish()
    }
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
    /// `rpc.response.status_code` is `UNKNOWN` then).
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
