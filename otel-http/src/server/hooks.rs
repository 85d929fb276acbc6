//! [`ServerHooks`]: what the tower server layer's hooks see (the request head as
//! `http::request::Parts`, the response head as `http::response::Parts`).

use std::borrow::Cow;

use http::request::Parts;
use http::response::Parts as ResponseParts;
use otel_kit_core::{__private::hooks::Signatures, MetricAttributes, SpanAttributes};
use otel_kit_semconv::attribute as semconv;

/// The hook types of the tower server layer: its request hooks see the request head.
#[derive(Debug)]
pub enum ServerHooks {}

impl Signatures for ServerHooks {
    type Exclude = dyn Fn(&Parts) -> bool + Send + Sync;
    type SpanName = dyn Fn(&Parts) -> Option<Cow<'static, str>> + Send + Sync;
    type RequestSpanAttributes = dyn Fn(&Parts, &mut SpanAttributes<'_>) + Send + Sync;
    type ResponseSpanAttributes = dyn Fn(&ResponseParts, &mut SpanAttributes<'_>) + Send + Sync;
    type RequestMetricAttributes = dyn Fn(&Parts, &mut MetricAttributes<'_>) + Send + Sync;
    const RESERVED_METRIC_KEYS: &'static [&'static str] = &[
        semconv::HTTP_REQUEST_METHOD,
        semconv::URL_SCHEME,
        semconv::NETWORK_PROTOCOL_VERSION,
        semconv::HTTP_ROUTE,
        semconv::HTTP_RESPONSE_STATUS_CODE,
        semconv::ERROR_TYPE,
    ];
}
