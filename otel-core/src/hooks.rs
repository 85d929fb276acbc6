//! [`Hooks`]: the application's hooks on one instrumentation layer, and the two macros
//! that give every layer the same hook types ([`hook_signatures!`](crate::hook_signatures))
//! and the same builder methods ([`hook_builders!`](crate::hook_builders)).
//!
//! Every layer of the kit (the HTTP server layer and client middleware, the gRPC server
//! and client layers, and any later one) lets the application decide five things per
//! request: whether to trace it at all (`exclude_when`), the span's name (`span_name`),
//! extra span attributes from the request and from how it ended
//! (`span_attributes_from_request`, `span_attributes_from_response`), and a few bounded
//! metric attributes (`metric_attributes_from_request`). Only what each hook sees
//! differs: a request head, a `reqwest::Request` and its extensions, a gRPC outcome.
//! [`Signatures`] names those types for one layer, [`Hooks`] holds the hooks, and
//! [`hook_builders!`](crate::hook_builders) writes the builder methods, so that the four
//! layers document and behave alike.
//!
//! A hook is an `Arc`'d closure, `None` (or an empty list) unless set: a layer without
//! hooks pays one branch per hook and allocates nothing, and a set hook costs one
//! indirect call, as a closure kept by the layer would.
//!
//! ```
//! use std::borrow::Cow;
//!
//! use otel_kit_core::hooks::Hooks;
//!
//! /// What the hooks of a layer over `String` requests see.
//! otel_kit_core::hook_signatures!(pub Text: request [&String], response &u16, reserved &["error.type"]);
//!
//! let mut hooks = Hooks::<Text>::default();
//! hooks.span_name = Some(std::sync::Arc::new(|request: &String| {
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

/// The closure types of one layer's hooks: what each one is called with. Written by
/// [`hook_signatures!`](crate::hook_signatures) from the request and response types.
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

/// Declares `$name`, the [`Signatures`] of a layer whose request hooks see
/// `$request...` and whose response hook sees `$response`, with `$reserved` the keys
/// its duration metric sets itself.
///
/// ```
/// otel_kit_core::hook_signatures!(
///     pub(crate) Pairs: request [&str, &[u8]], response &Result<(), String>, reserved &["error.type"]
/// );
/// let hooks = otel_kit_core::hooks::Hooks::<Pairs>::default();
/// assert_eq!(hooks.dropped_metric_attributes(), 0);
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! hook_signatures {
    ($vis:vis $name:ident: request [$($request:ty),+], response $response:ty, reserved $reserved:expr) => {
        #[doc = concat!("The hook types of a layer: its request hooks see `", stringify!($($request),+), "`.")]
        #[derive(Debug)]
        $vis enum $name {}

        impl $crate::hooks::Signatures for $name {
            type Exclude = dyn Fn($($request),+) -> bool + Send + Sync;
            type SpanName = dyn Fn($($request),+) -> Option<::std::borrow::Cow<'static, str>> + Send + Sync;
            type RequestSpanAttributes = dyn Fn($($request,)+ &mut $crate::SpanAttributes<'_>) + Send + Sync;
            type ResponseSpanAttributes = dyn Fn($response, &mut $crate::SpanAttributes<'_>) + Send + Sync;
            type RequestMetricAttributes = dyn Fn($($request,)+ &mut $crate::MetricAttributes<'_>) + Send + Sync;
            const RESERVED_METRIC_KEYS: &'static [&'static str] = $reserved;
        }
    };
}

/// Writes a layer's hook builder methods, the same on every layer of the kit:
/// `exclude_when`, `span_name`, `span_attributes_from_request`,
/// `span_attributes_from_response`, `metric_attributes_from_request`,
/// `dropped_metric_attributes` and `providers`, and the private `edit` they (and the
/// layer's own builder methods) change the configuration through.
///
/// Invoked inside the layer's `impl` block. The layer keeps its configuration in a
/// field `config: Arc<$config>`, and `$config` has the fields `hooks` (a [`Hooks`] of
/// `$signatures`) and `resolver` (a [`Resolver`](crate::Resolver)). `$krate` and
/// `$layer` name the layer in the examples (`new "..."` after the layer: the arguments
/// its `new` takes in them, for a layer that must be given something), `$args` are the
/// example closures' parameters for the request, `$noun` is what one span stands for (`request`, `call`),
/// `$default_name` the span's default name and `$metric` the duration metric.
///
/// ```
/// use std::sync::Arc;
///
/// # mod my_layer {
/// # use std::sync::Arc;
/// # pub struct Calls;
/// # impl otel_kit_core::Instruments for Calls {
/// #     fn scope() -> opentelemetry::InstrumentationScope { opentelemetry::InstrumentationScope::builder("my").build() }
/// #     fn new(_: opentelemetry::metrics::Meter) -> Self { Calls }
/// #     fn cache() -> &'static std::thread::LocalKey<otel_kit_core::Cache<Self>> {
/// #         thread_local! { static CACHE: otel_kit_core::Cache<Calls> = const { otel_kit_core::Cache::new() }; }
/// #         &CACHE
/// #     }
/// # }
/// otel_kit_core::hook_signatures!(pub TextHooks: request [&String], response &u16, reserved &[]);
///
/// #[derive(Clone, Default)]
/// pub struct Config {
///     hooks: otel_kit_core::hooks::Hooks<TextHooks>,
///     resolver: otel_kit_core::Resolver<Calls>,
/// }
///
/// /// A layer over `String` requests.
/// #[derive(Default)]
/// pub struct TextLayer {
///     config: Arc<Config>,
/// }
///
/// impl TextLayer {
///     otel_kit_core::hook_builders!(
///         crate "my_layer", layer "TextLayer", config Config, hooks TextHooks, request [&String] "text",
///         response &u16, noun "request", default_name "`text`", metric "`text.duration`"
///     );
/// }
/// # }
/// # fn main() {
/// let layer = my_layer::TextLayer::default().span_name(|text| text.is_empty().then_some("empty".into()));
/// assert_eq!(layer.dropped_metric_attributes(), 0);
/// # }
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! hook_builders {
    (
        crate $krate:literal, layer $layer:literal, config $config:ty, hooks $signatures:ty,
        request [$($request:ty),+] $args:literal, response $response:ty,
        noun $noun:literal, default_name $default_name:literal, metric $metric:literal $(,)?
    ) => {
        $crate::hook_builders!(
            crate $krate, layer $layer, new "", config $config, hooks $signatures,
            request [$($request),+] $args, response $response,
            noun $noun, default_name $default_name, metric $metric
        );
    };
    (
        crate $krate:literal, layer $layer:literal, new $new_args:literal, config $config:ty,
        hooks $signatures:ty, request [$($request:ty),+] $args:literal, response $response:ty,
        noun $noun:literal, default_name $default_name:literal, metric $metric:literal $(,)?
    ) => {
        fn edit(mut self, change: impl FnOnce(&mut $config)) -> Self {
            change(::std::sync::Arc::make_mut(&mut self.config));
            self
        }

        #[doc = concat!("Also excludes each ", $noun, " for which `predicate` returns `true`: the per-", $noun)]
        #[doc = concat!(" decision whether to trace at all. It runs on every ", $noun, " the layer's other")]
        #[doc = " exclusion rules let through, before anything else, so keep it cheap; each call adds"]
        #[doc = concat!(" a predicate. An excluded ", $noun, " gets no span and no metric; the trace context")]
        #[doc = " still flows (a server's handler runs in the caller's context, a client still injects"]
        #[doc = " the current one)."]
        #[doc = ""]
        #[doc = "```"]
        #[doc = concat!("let layer = ", $krate, "::", $layer, "::new(", $new_args, ").exclude_when(|", $args, "| false);")]
        #[doc = "# let _ = layer;"]
        #[doc = "```"]
        pub fn exclude_when(self, predicate: impl Fn($($request),+) -> bool + Send + Sync + 'static) -> Self {
            self.edit(|c| c.hooks.exclude.push(::std::sync::Arc::new(predicate)))
        }

        #[doc = concat!("Names the span with what `name` returns; `None` keeps the default, ", $default_name, ".")]
        #[doc = " It runs before the span starts (samplers see the name). A name is for grouping: make"]
        #[doc = " it from the route or the operation, never from a raw path or an identifier, which"]
        #[doc = concat!(" would give every ", $noun, " a name of its own.")]
        #[doc = ""]
        #[doc = "```"]
        #[doc = "use std::borrow::Cow;"]
        #[doc = ""]
        #[doc = concat!("let layer = ", $krate, "::", $layer, "::new(", $new_args, ").span_name(|", $args, "| Some(Cow::Borrowed(\"checkout\")));")]
        #[doc = "# let _ = layer;"]
        #[doc = "```"]
        pub fn span_name(
            self,
            name: impl Fn($($request),+) -> Option<::std::borrow::Cow<'static, str>> + Send + Sync + 'static,
        ) -> Self {
            self.edit(|c| c.hooks.span_name = Some(::std::sync::Arc::new(name)))
        }

        #[doc = concat!("Adds span attributes from the ", $noun, " with `add`. It runs **before the span starts**,")]
        #[doc = " so its attributes are in the sampler's `attributes` argument. Spans are not metrics:"]
        #[doc = " an identifier is fine here."]
        #[doc = ""]
        #[doc = "```"]
        #[doc = "use opentelemetry::KeyValue;"]
        #[doc = ""]
        #[doc = concat!("let layer = ", $krate, "::", $layer, "::new(", $new_args, ")")]
        #[doc = concat!("    .span_attributes_from_request(|", $args, ", span| span.push(KeyValue::new(\"app.region\", \"eu\")));")]
        #[doc = "# let _ = layer;"]
        #[doc = "```"]
        pub fn span_attributes_from_request(
            self,
            add: impl Fn($($request,)+ &mut $crate::SpanAttributes<'_>) + Send + Sync + 'static,
        ) -> Self {
            self.edit(|c| c.hooks.request_span_attributes = Some(::std::sync::Arc::new(add)))
        }

        #[doc = concat!("Adds span attributes from how the ", $noun, " ended with `add`, just before the span")]
        #[doc = " ends, when the span is recorded (sampled). Which endings it sees is in the layer's"]
        #[doc = " docs."]
        #[doc = ""]
        #[doc = "```"]
        #[doc = "use opentelemetry::KeyValue;"]
        #[doc = ""]
        #[doc = concat!("let layer = ", $krate, "::", $layer, "::new(", $new_args, ")")]
        #[doc = "    .span_attributes_from_response(|_ended, span| span.push(KeyValue::new(\"app.answered\", true)));"]
        #[doc = "# let _ = layer;"]
        #[doc = "```"]
        pub fn span_attributes_from_response(
            self,
            add: impl Fn($response, &mut $crate::SpanAttributes<'_>) + Send + Sync + 'static,
        ) -> Self {
            self.edit(|c| c.hooks.response_span_attributes = Some(::std::sync::Arc::new(add)))
        }

        #[doc = concat!("Adds attributes from the ", $noun, " to ", $metric, " with `add`. Opt-in, and for")]
        #[doc = " **bounded** values only: each distinct value makes a new series of the histogram,"]
        #[doc = " in this process and in the backend. Never an identifier, a raw path or anything the"]
        #[doc = " peer chooses freely; map it to a short fixed list first."]
        #[doc = ""]
        #[doc = concat!("At most [`MAX_METRIC_ATTRIBUTES`] (4) are kept per ", $noun, ", and the keys the metric")]
        #[doc = " sets itself are refused; what is dropped is counted"]
        #[doc = " ([`dropped_metric_attributes`](Self::dropped_metric_attributes)). It runs once per"]
        #[doc = concat!(" traced ", $noun, ", when the span starts.")]
        #[doc = ""]
        #[doc = "[`MAX_METRIC_ATTRIBUTES`]: otel_kit_core::extra_attributes::MAX_METRIC_ATTRIBUTES"]
        #[doc = ""]
        #[doc = "```"]
        #[doc = "use opentelemetry::KeyValue;"]
        #[doc = ""]
        #[doc = concat!("let layer = ", $krate, "::", $layer, "::new(", $new_args, ").metric_attributes_from_request(|", $args, ", metric| {")]
        #[doc = "    // Bounded: one of two values, whatever the peer sends."]
        #[doc = "    metric.push(KeyValue::new(\"app.priority\", \"interactive\"));"]
        #[doc = "});"]
        #[doc = "# let _ = layer;"]
        #[doc = "```"]
        pub fn metric_attributes_from_request(
            self,
            add: impl Fn($($request,)+ &mut $crate::MetricAttributes<'_>) + Send + Sync + 'static,
        ) -> Self {
            let hook = $crate::extra_attributes::MetricAttributesHook::<
                <$signatures as $crate::hooks::Signatures>::RequestMetricAttributes,
            >::new(Box::new(add));
            self.edit(|c| c.hooks.metric_attributes = Some(::std::sync::Arc::new(hook)))
        }

        #[doc = "How many attributes the [`metric_attributes_from_request`](Self::metric_attributes_from_request)"]
        #[doc = " hook tried to add beyond the cap or under a reserved key, and were dropped, since"]
        #[doc = " it was set (0 without one)."]
        #[doc = ""]
        #[doc = "```"]
        #[doc = concat!("assert_eq!(", $krate, "::", $layer, "::new(", $new_args, ").dropped_metric_attributes(), 0);")]
        #[doc = "```"]
        pub fn dropped_metric_attributes(&self) -> u64 {
            self.config.hooks.dropped_metric_attributes()
        }

        #[doc = "Sends spans and metrics to, and reads and writes trace context with, `providers`"]
        #[doc = " instead of the globals (each one not given in `providers` is still read from its"]
        #[doc = " global)."]
        #[doc = ""]
        #[doc = "```"]
        #[doc = "use opentelemetry_sdk::trace::SdkTracerProvider;"]
        #[doc = ""]
        #[doc = concat!("let providers = ", $krate, "::Providers::new().tracer_provider(SdkTracerProvider::default());")]
        #[doc = concat!("let layer = ", $krate, "::", $layer, "::new(", $new_args, ").providers(providers);")]
        #[doc = "# let _ = layer;"]
        #[doc = "```"]
        pub fn providers(self, providers: $crate::Providers) -> Self {
            self.edit(|c| c.resolver = $crate::Resolver::new(providers))
        }
    };
}
