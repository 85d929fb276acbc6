//! [`ServerFramework`]: what [`ServerLayer<F>`](super::ServerLayer) is generic over, the
//! request and response types a framework's hooks see. Sealed: its hook types are the
//! crate's own.

use std::borrow::Cow;

use otel_kit_core::__private::hooks::Signatures;
use otel_kit_core::{MetricAttributes, SpanAttributes};

use super::hooks::ServerHooks;
use super::instruments::Front;
use crate::framework::Tower;

/// Implemented by this crate's frameworks only.
pub(crate) mod sealed {
    pub trait Sealed {}
}

/// A framework the server layer serves: [`Tower`] or, with the `actix` feature,
/// [`Actix`](crate::framework::Actix).
pub trait ServerFramework: sealed::Sealed + 'static {
    /// What the request hooks (`exclude_when`, `span_name`, `span_attributes_from_request`,
    /// `metric_attributes_from_request`) see.
    type Request;
    /// What `span_attributes_from_response` sees.
    type Response;
    /// The hook types, stored in the layer's configuration.
    #[doc(hidden)]
    type Hooks: Front
        + Signatures<
            Exclude = dyn Fn(&Self::Request) -> bool + Send + Sync,
            SpanName = dyn Fn(&Self::Request) -> Option<Cow<'static, str>> + Send + Sync,
            RequestSpanAttributes = dyn Fn(&Self::Request, &mut SpanAttributes<'_>) + Send + Sync,
            ResponseSpanAttributes = dyn Fn(&Self::Response, &mut SpanAttributes<'_>) + Send + Sync,
            RequestMetricAttributes = dyn Fn(&Self::Request, &mut MetricAttributes<'_>) + Send + Sync,
        >;
}

impl sealed::Sealed for Tower {}

impl ServerFramework for Tower {
    type Request = http::request::Parts;
    type Response = http::response::Parts;
    type Hooks = ServerHooks;
}
