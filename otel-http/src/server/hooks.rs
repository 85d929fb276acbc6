//! The application's hooks on a [`ServerLayer`](super::ServerLayer): each one `None`
//! unless set, so a layer without them pays one branch per hook and allocates nothing.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use http::request::Parts;
use http::response::Parts as ResponseParts;
use opentelemetry_semantic_conventions::attribute as semconv;
use otel_kit_core::extra_attributes::MetricAttributesHook;
use otel_kit_core::{MetricAttributes, SpanAttributes};

/// Names the span from the request head; `None` keeps the default name.
pub(super) type SpanName = dyn Fn(&Parts) -> Option<Cow<'static, str>> + Send + Sync;

/// Adds span attributes from the request head, before the span starts.
pub(super) type RequestSpanAttributes = dyn Fn(&Parts, &mut SpanAttributes<'_>) + Send + Sync;

/// Adds span attributes from the response head, before the span ends.
pub(super) type ResponseSpanAttributes = dyn Fn(&ResponseParts, &mut SpanAttributes<'_>) + Send + Sync;

/// Adds bounded attributes to the request's metric points.
pub(super) type RequestMetricAttributes = dyn Fn(&Parts, &mut MetricAttributes<'_>) + Send + Sync;

/// The keys `http.server.request.duration` sets itself: a metric hook cannot replace
/// them (a raw path as `http.route` would make a series per request).
pub(super) const RESERVED_METRIC_KEYS: &[&str] = &[
    semconv::HTTP_REQUEST_METHOD,
    semconv::URL_SCHEME,
    semconv::NETWORK_PROTOCOL_VERSION,
    semconv::HTTP_ROUTE,
    semconv::HTTP_RESPONSE_STATUS_CODE,
    semconv::ERROR_TYPE,
];

/// The hooks of one layer.
#[derive(Clone, Default)]
pub(super) struct Hooks {
    pub(super) span_name: Option<Arc<SpanName>>,
    pub(super) request_span_attributes: Option<Arc<RequestSpanAttributes>>,
    pub(super) response_span_attributes: Option<Arc<ResponseSpanAttributes>>,
    pub(super) metric_attributes: Option<Arc<MetricAttributesHook<RequestMetricAttributes>>>,
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hooks")
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
