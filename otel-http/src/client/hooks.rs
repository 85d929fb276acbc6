//! The application's hooks on a [`ClientMiddleware`](super::ClientMiddleware): each one
//! `None` (or empty) unless set, so a middleware without them allocates nothing for them.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use http::Extensions;
use opentelemetry_semantic_conventions::attribute as semconv;
use otel_kit_core::extra_attributes::MetricAttributesHook;
use otel_kit_core::{MetricAttributes, SpanAttributes};
use reqwest::{Request, Response};

/// `true` means "no telemetry for this request".
pub(super) type Exclude = dyn Fn(&Request, &Extensions) -> bool + Send + Sync;

/// Names the span from the request; `None` keeps the default name.
pub(super) type SpanName = dyn Fn(&Request, &Extensions) -> Option<Cow<'static, str>> + Send + Sync;

/// Adds span attributes from the request, before the span starts.
pub(super) type RequestSpanAttributes = dyn Fn(&Request, &Extensions, &mut SpanAttributes<'_>) + Send + Sync;

/// Adds span attributes from the result, before the span ends.
pub(super) type ResponseSpanAttributes =
    dyn Fn(&reqwest_middleware::Result<Response>, &mut SpanAttributes<'_>) + Send + Sync;

/// Adds bounded attributes to the attempt's duration point.
pub(super) type RequestMetricAttributes =
    dyn Fn(&Request, &Extensions, &mut MetricAttributes<'_>) + Send + Sync;

/// The keys `http.client.request.duration` sets itself: a metric hook cannot replace
/// them.
pub(super) const RESERVED_METRIC_KEYS: &[&str] = &[
    semconv::HTTP_REQUEST_METHOD,
    semconv::SERVER_ADDRESS,
    semconv::SERVER_PORT,
    semconv::HTTP_RESPONSE_STATUS_CODE,
    semconv::NETWORK_PROTOCOL_VERSION,
    semconv::ERROR_TYPE,
];

/// The hooks of one middleware.
#[derive(Clone, Default)]
pub(super) struct Hooks {
    pub(super) exclude: Vec<Arc<Exclude>>,
    pub(super) span_name: Option<Arc<SpanName>>,
    pub(super) request_span_attributes: Option<Arc<RequestSpanAttributes>>,
    pub(super) response_span_attributes: Option<Arc<ResponseSpanAttributes>>,
    pub(super) metric_attributes: Option<Arc<MetricAttributesHook<RequestMetricAttributes>>>,
}

impl Hooks {
    /// True when an exclusion predicate matches the request.
    pub(super) fn excludes(&self, request: &Request, extensions: &Extensions) -> bool {
        self.exclude.iter().any(|exclude| exclude(request, extensions))
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
