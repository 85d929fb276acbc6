//! [`ServerHooks<F>`]: the hook signatures of framework `F`'s server builder: its
//! request hooks see `F::Request`, its response hook `F::Response`.

use std::borrow::Cow;
use std::convert::Infallible;
use std::marker::PhantomData;

use otel_kit_core::__private::hooks::Signatures;
use otel_kit_core::{MetricAttributes, SpanAttributes};
use otel_kit_semconv::attribute as semconv;

use super::framework::ServerFramework;

/// The hook signatures of framework `F`'s server builder: a type, never a value.
pub(crate) enum ServerHooks<F> {
    _Never(Infallible, PhantomData<fn() -> F>),
}

impl<F: ServerFramework> Signatures for ServerHooks<F> {
    type Exclude = dyn Fn(&F::Request) -> bool + Send + Sync;
    type SpanName = dyn Fn(&F::Request) -> Option<Cow<'static, str>> + Send + Sync;
    type RequestSpanAttributes = dyn Fn(&F::Request, &mut SpanAttributes<'_>) + Send + Sync;
    type ResponseSpanAttributes = dyn Fn(&F::Response, &mut SpanAttributes<'_>) + Send + Sync;
    type RequestMetricAttributes = dyn Fn(&F::Request, &mut MetricAttributes<'_>) + Send + Sync;
    const RESERVED_METRIC_KEYS: &'static [&'static str] = &[
        semconv::HTTP_REQUEST_METHOD,
        semconv::URL_SCHEME,
        semconv::NETWORK_PROTOCOL_VERSION,
        semconv::HTTP_ROUTE,
        semconv::HTTP_RESPONSE_STATUS_CODE,
        semconv::ERROR_TYPE,
    ];
}
