//! [`Hooks`]: the application's hooks on one instrumentation layer, the one options
//! value every layer of the kit keeps them in, with the setters written once.
//!
//! Every layer of the kit (the HTTP server layer and client middleware, the gRPC server
//! and client layers, and any later one) lets the application decide five things per
//! request: whether to trace it at all (`exclude_when`), the span's name (`span_name`),
//! extra span attributes from the request and from how it ended
//! (`span_attributes_from_request`, `span_attributes_from_response`), and a few bounded
//! metric attributes (`metric_attributes_from_request`). Only what each hook sees
//! differs: a request head, a `reqwest::Request` and its extensions, a gRPC outcome.
//! [`Signatures`] names those types for one layer and [`Hooks`] holds the hooks; each
//! layer's builder methods of the same names are one line that hands the closure to
//! the setter here, so that the layers document and behave alike.
//!
//! A hook is an `Arc`'d closure, `None` (or an empty list) unless set: a layer without
//! hooks pays one branch per hook and allocates nothing, and a set hook costs one
//! indirect call, as a closure kept by the layer would.
//!
//! ```
//! use std::borrow::Cow;
//!
//! use otel_kit_core::__private::hooks::Hooks;
//!
//! use otel_kit_core::__private::hooks::Signatures;
//! use otel_kit_core::{MetricAttributes, SpanAttributes};
//!
//! /// What the hooks of a layer over `String` requests see.
//! enum Text {}
//!
//! impl Signatures for Text {
//!     type Exclude = dyn Fn(&String) -> bool + Send + Sync;
//!     type SpanName = dyn Fn(&String) -> Option<Cow<'static, str>> + Send + Sync;
//!     type RequestSpanAttributes = dyn Fn(&String, &mut SpanAttributes<'_>) + Send + Sync;
//!     type ResponseSpanAttributes = dyn Fn(&u16, &mut SpanAttributes<'_>) + Send + Sync;
//!     type RequestMetricAttributes = dyn Fn(&String, &mut MetricAttributes<'_>) + Send + Sync;
//!     const RESERVED_METRIC_KEYS: &'static [&'static str] = &["error.type"];
//! }
//!
//! let mut hooks = Hooks::<Text>::default();
//! hooks.set_span_name(std::sync::Arc::new(|request: &String| {
//!     request.starts_with("GET").then_some(Cow::Borrowed("read"))
//! }));
//! let name = hooks.span_name.as_ref().and_then(|name| name(&"GET /".to_owned()));
//! assert_eq!(name.as_deref(), Some("read"));
//! assert!(!hooks.excludes(|exclude| exclude(&String::new())), "no predicate, nothing excluded");
//! ```

use std::fmt;
use std::sync::Arc;

use opentelemetry::KeyValue;

use crate::extra_attributes::{MetricAttributes, MetricAttributesHook};

/// The closure types of one layer's hooks: what each one is called with. Each layer
/// implements it on a marker type (an empty enum) of its own.
pub trait Signatures: 'static {
    /// `exclude_when`: `true` means "no telemetry for this request".
    type Exclude: ?Sized + Send + Sync;
    /// `span_name`: the span's name, `None` for the default.
    type SpanName: ?Sized + Send + Sync;
    /// `span_attributes_from_request`, before the span starts.
    type RequestSpanAttributes: ?Sized + Send + Sync;
    /// `span_attributes_from_response`, before the span ends.
    type ResponseSpanAttributes: ?Sized + Send + Sync;
    /// `metric_attributes_from_request`, when the span starts.
    type RequestMetricAttributes: ?Sized + Send + Sync;
    /// The keys the layer's duration metric sets itself: a metric hook cannot replace
    /// them (a raw path as `http.route` would make a series per request).
    const RESERVED_METRIC_KEYS: &'static [&'static str];
}

/// The hooks of one layer, each `None` (or empty) unless the application set it.
pub struct Hooks<S: Signatures> {
    /// The `exclude_when` predicates, in the order they were added.
    pub exclude: Vec<Arc<S::Exclude>>,
    /// The `span_name` hook.
    pub span_name: Option<Arc<S::SpanName>>,
    /// The `span_attributes_from_request` hook.
    pub request_span_attributes: Option<Arc<S::RequestSpanAttributes>>,
    /// The `span_attributes_from_response` hook.
    pub response_span_attributes: Option<Arc<S::ResponseSpanAttributes>>,
    /// The `metric_attributes_from_request` hook, with its count of dropped attributes.
    pub metric_attributes: Option<Arc<MetricAttributesHook<S::RequestMetricAttributes>>>,
}

impl<S: Signatures> Hooks<S> {
    /// Also excludes each request (or call) for which `predicate` returns `true`: the
    /// per-request decision whether to trace at all. It runs on every request the
    /// layer's other exclusion rules let through, before anything else, so keep it
    /// cheap; each call adds a predicate. An excluded request gets no span and no
    /// metric; the trace context still flows (a server's handler runs in the caller's
    /// context, a client still injects the current one). The layers' `exclude_when`.
    pub fn add_exclude(&mut self, predicate: Arc<S::Exclude>) {
        self.exclude.push(predicate);
    }

    /// Names the span with what `name` returns; `None` keeps the layer's default. It
    /// runs before the span starts (samplers see the name). A name is for grouping: make
    /// it from the route or the operation, never from a raw path or an identifier, which
    /// would give every request a name of its own. The layers' `span_name`.
    pub fn set_span_name(&mut self, name: Arc<S::SpanName>) {
        self.span_name = Some(name);
    }

    /// Adds span attributes from the request with `add`. It runs **before the span
    /// starts**: its attributes are in the sampler's `attributes` argument when the
    /// sampler reads attributes (a custom sampler, excluded routes); under the presets,
    /// which read none, it may run only for a span that records. Spans are not metrics:
    /// an identifier is fine here. The layers' `span_attributes_from_request`.
    pub fn set_request_span_attributes(&mut self, add: Arc<S::RequestSpanAttributes>) {
        self.request_span_attributes = Some(add);
    }

    /// Adds span attributes from how the request ended with `add`, just before the span
    /// ends, when the span is recorded (sampled); which endings it sees is in each
    /// layer's docs. The layers' `span_attributes_from_response`.
    pub fn set_response_span_attributes(&mut self, add: Arc<S::ResponseSpanAttributes>) {
        self.response_span_attributes = Some(add);
    }

    /// Adds attributes from the request to the layer's duration metric with `add`.
    /// Opt-in, and for **bounded** values only: each distinct value makes a new series
    /// of the histogram, in this process and in the backend. Never an identifier, a raw
    /// path or anything the peer chooses freely; map it to a short fixed list first.
    ///
    /// At most [`MAX_METRIC_ATTRIBUTES`](crate::extra_attributes::MAX_METRIC_ATTRIBUTES)
    /// (4) are kept per request, and the keys the metric sets itself
    /// ([`Signatures::RESERVED_METRIC_KEYS`]) are refused; what is dropped is counted
    /// ([`dropped_metric_attributes`](Self::dropped_metric_attributes)). It runs once per
    /// traced request, when the span starts. The layers'
    /// `metric_attributes_from_request`.
    pub fn set_metric_attributes(&mut self, add: Box<S::RequestMetricAttributes>) {
        self.metric_attributes = Some(Arc::new(MetricAttributesHook::new(add)));
    }

    /// True when one of the `exclude_when` predicates, each called through `call`,
    /// returns `true`.
    pub fn excludes(&self, call: impl Fn(&S::Exclude) -> bool) -> bool {
        self.exclude.iter().any(|predicate| call(predicate))
    }

    /// What the metric hook, called through `call`, adds (within the cap, never a
    /// reserved key); nothing, and no allocation, without one.
    pub fn metric_attributes(
        &self,
        call: impl FnOnce(&S::RequestMetricAttributes, &mut MetricAttributes<'_>),
    ) -> Vec<KeyValue> {
        self.metric_attributes
            .as_ref()
            .map_or_else(Vec::new, |hook| hook.collect(S::RESERVED_METRIC_KEYS, call))
    }

    /// How many attributes the metric hook dropped since it was set (0 without one).
    pub fn dropped_metric_attributes(&self) -> u64 {
        self.metric_attributes.as_ref().map_or(0, |hook| hook.dropped())
    }
}

// By hand: derived, they would ask `S` (a marker type) to be `Clone` and `Default`.
impl<S: Signatures> Clone for Hooks<S> {
    fn clone(&self) -> Self {
        Self {
            exclude: self.exclude.clone(),
            span_name: self.span_name.clone(),
            request_span_attributes: self.request_span_attributes.clone(),
            response_span_attributes: self.response_span_attributes.clone(),
            metric_attributes: self.metric_attributes.clone(),
        }
    }
}

impl<S: Signatures> Default for Hooks<S> {
    fn default() -> Self {
        Self {
            exclude: Vec::new(),
            span_name: None,
            request_span_attributes: None,
            response_span_attributes: None,
            metric_attributes: None,
        }
    }
}

impl<S: Signatures> fmt::Debug for Hooks<S> {
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
