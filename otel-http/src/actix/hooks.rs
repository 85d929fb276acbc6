//! [`ActixHooks`]: what the actix-web middleware's hooks see (actix's
//! `ServiceRequest` and the response's `ResponseHead`), and its instruments' cache.

use std::borrow::Cow;

use actix_web::dev::{ResponseHead, ServiceRequest};
use otel_kit_core::__private::hooks::Signatures;
use otel_kit_core::{MetricAttributes, SpanAttributes};

use crate::server::hooks::ServerHooks;
use crate::server::instruments::{Front, Instruments};

/// The hook types of the actix-web middleware: its request hooks see the `ServiceRequest`.
#[derive(Debug)]
pub enum ActixHooks {}

impl Signatures for ActixHooks {
    type Exclude = dyn Fn(&ServiceRequest) -> bool + Send + Sync;
    type SpanName = dyn Fn(&ServiceRequest) -> Option<Cow<'static, str>> + Send + Sync;
    type RequestSpanAttributes = dyn Fn(&ServiceRequest, &mut SpanAttributes<'_>) + Send + Sync;
    type ResponseSpanAttributes = dyn Fn(&ResponseHead, &mut SpanAttributes<'_>) + Send + Sync;
    type RequestMetricAttributes = dyn Fn(&ServiceRequest, &mut MetricAttributes<'_>) + Send + Sync;
    const RESERVED_METRIC_KEYS: &'static [&'static str] = <ServerHooks as Signatures>::RESERVED_METRIC_KEYS;
}

impl Front for ActixHooks {
    const SWITCHES: &'static [&'static str] = &["HTTP_SERVER", "ACTIX_WEB"];

    otel_kit_core::__private::instruments_cache!(fn cache() -> Instruments<ActixHooks>);
}
