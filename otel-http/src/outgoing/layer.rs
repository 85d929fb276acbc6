//! [`ClientLayer`], the client builder written once over its framework (tower by
//! default; reqwest-middleware and awc with their features), with its builder methods.
//! Each framework's own part (tower's `Layer`, reqwest-middleware's `Middleware`, awc's
//! `Transform`, and awc's timeout settings) sits beside that framework.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use otel_kit_core::__private::Resolver;
use otel_kit_core::{MetricAttributes, Providers, RequestValueLimit, SpanAttributes};

use super::config::Config;
use super::framework::ClientFramework;
use crate::conventions::{HeaderCapture, KnownMethods};
use crate::framework::Tower;

/// Gives every request an HTTP client sends a CLIENT span (a child of the current
/// context, named `{method}`, or `{method} {template}` with a
/// [`UrlTemplate`](crate::UrlTemplate)) and an `http.client.request.duration` point,
/// and injects the span's context into the request headers. Spans, metrics and
/// propagation use the OpenTelemetry globals, read when requests are sent (so it may be
/// built before they are installed), unless given [`providers`](Self::providers).
/// Responses with status 400 and above, and the client's errors, mark the span as an
/// error and set `error.type`; a cancelled request ends its span without an error.
///
/// # Frameworks
///
/// `ClientLayer` is `ClientLayer<Tower>`, a tower `Layer` over any
/// `tower::Service<http::Request<B>>` (hyper-util's legacy client, a client generated
/// over tower):
///
/// ```
/// use http_body_util::Empty;
/// use hyper_util::client::legacy::Client;
/// use hyper_util::rt::TokioExecutor;
/// use otel_kit_http::ClientLayer;
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let client = Client::builder(TokioExecutor::new()).build_http::<Empty<bytes::Bytes>>();
/// let traced = tower::ServiceBuilder::new().layer(ClientLayer::new()).service(client);
/// # let _ = traced;
/// # });
/// ```
///
/// With their features, `ClientMiddleware` (`ClientLayer<Reqwest>`, feature `client`)
/// is a reqwest-middleware middleware and `awc::ClientMiddleware` (`ClientLayer<Awc>`,
/// feature `awc`) an awc one, each made with `ClientMiddleware::default()`, with these
/// same methods. [`framework`](crate::framework) lists what each framework's hooks see.
///
/// # Hooks
///
/// The request hooks ([`exclude_when`](Self::exclude_when), [`span_name`](Self::span_name),
/// [`span_attributes_from_request`](Self::span_attributes_from_request),
/// [`metric_attributes_from_request`](Self::metric_attributes_from_request)) see the
/// request (with tower, its head: method, URI, headers, extensions), on every attempt.
/// An excluded request is still injected with the current context, unless
/// [`NoPropagation`](crate::NoPropagation) or [`propagate_if`](Self::propagate_if) says
/// otherwise. [`span_attributes_from_response`](Self::span_attributes_from_response)
/// sees the response, or the error the client returned; not a panic or a cancelled
/// request.
///
/// ```
/// use std::borrow::Cow;
///
/// use opentelemetry::KeyValue;
///
/// let layer = otel_kit_http::ClientLayer::new()
///     // Polling a queue every second: not worth a span each time.
///     .exclude_when(|parts| parts.uri.path() == "/v1/queue/poll")
///     // Calls to the payment provider are named by what they do.
///     .span_name(|parts| (parts.uri.host() == Some("api.payments.example")).then(|| Cow::Borrowed("payments")))
///     .span_attributes_from_request(|parts, span| {
///         if let Some(tenant) = parts.headers.get("x-tenant").and_then(|v| v.to_str().ok()) {
///             span.push(KeyValue::new("tenant.id", tenant.to_owned()));
///         }
///     })
///     .span_attributes_from_response(|ended, span| {
///         if let Ok(head) = ended
///             && let Some(remaining) = head.headers.get("x-ratelimit-remaining")
///             && let Some(remaining) = remaining.to_str().ok().and_then(|v| v.parse::<i64>().ok())
///         {
///             span.push(KeyValue::new("app.ratelimit.remaining", remaining));
///         }
///     });
/// # drop(layer);
/// ```
#[must_use]
pub struct ClientLayer<F: ClientFramework = Tower> {
    pub(crate) config: Arc<Config<F>>,
}

// By hand: derived, they would ask the marker type `F` to be `Clone`, `Default`, `Debug`.
impl<F: ClientFramework> Clone for ClientLayer<F> {
    fn clone(&self) -> Self {
        Self {
            config: Arc::clone(&self.config),
        }
    }
}

impl<F: ClientFramework> Default for ClientLayer<F> {
    fn default() -> Self {
        Self {
            config: Arc::default(),
        }
    }
}

// The configuration's fields, under the framework's builder name.
impl<F: ClientFramework> fmt::Debug for ClientLayer<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.config, f)
    }
}

impl ClientLayer {
    /// The default tower layer: standard methods, no header capture, propagation to
    /// every destination, the OpenTelemetry globals. (Another framework's builder is
    /// made with `default()`.)
    ///
    /// ```
    /// let layer = otel_kit_http::ClientLayer::new();
    /// # drop(layer);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
}

impl<F: ClientFramework> ClientLayer<F> {
    /// Changes the configuration (copied first when a service shares it).
    pub(crate) fn edit(mut self, change: impl FnOnce(&mut Config<F>)) -> Self {
        change(Arc::make_mut(&mut self.config));
        self
    }

    /// Methods recorded as themselves besides the standard ones; others become
    /// `_OTHER` (span name `HTTP`).
    ///
    /// ```
    /// use otel_kit_http::conventions::KnownMethods;
    ///
    /// let purge = http::Method::from_bytes(b"PURGE").unwrap();
    /// let layer = otel_kit_http::ClientLayer::new().known_methods(KnownMethods::default().with(purge));
    /// # drop(layer);
    /// ```
    pub fn known_methods(self, known_methods: KnownMethods) -> Self {
        self.edit(|c| c.http.set_known_methods(known_methods))
    }

    /// Records the listed request and response headers as span attributes
    /// (credential headers are never recorded, whatever the list says).
    ///
    /// ```
    /// use otel_kit_http::conventions::HeaderCapture;
    ///
    /// let layer = otel_kit_http::ClientLayer::new()
    ///     .capture_headers(HeaderCapture::default().request(["x-tenant"]).response(["x-request-id"]));
    /// # drop(layer);
    /// ```
    pub fn capture_headers(self, capture: HeaderCapture) -> Self {
        self.edit(|c| c.http.set_headers(|_| capture))
    }

    /// The longest string of a request that its span records, in bytes (`url.full`
    /// after redaction, `http.request.method_original`, each captured request header
    /// value); a longer one is cut at a character boundary. Default: 4096, or
    /// `OTEL_KIT_REQUEST_VALUE_MAX_BYTES` through otel-kit-init.
    ///
    /// ```
    /// let layer = otel_kit_http::ClientLayer::new().max_request_value_bytes(16 * 1024);
    /// # drop(layer);
    /// ```
    pub fn max_request_value_bytes(self, max_bytes: usize) -> Self {
        self.edit(|c| c.http.set_value_limit(RequestValueLimit::bytes(max_bytes)))
    }

    /// Injects trace context only into requests whose destination passes `filter` (with
    /// tower, the request head; with reqwest, its URL; with awc, its head); the others
    /// are still traced. A [`NoPropagation`](crate::NoPropagation) extension turns
    /// propagation off for one request regardless of the filter.
    ///
    /// ```
    /// // Only our own services learn our trace ids.
    /// let layer = otel_kit_http::ClientLayer::new()
    ///     .propagate_if(|parts| parts.uri.host().is_some_and(|h| h.ends_with(".internal.example")));
    /// # drop(layer);
    /// ```
    pub fn propagate_if(self, filter: impl Fn(&F::Destination) -> bool + Send + Sync + 'static) -> Self {
        self.edit(|c| c.propagate = Some(Arc::new(filter)))
    }

    /// Also excludes each request for which `predicate` returns `true` (no span, no
    /// metric; the trace context still flows); each call adds a predicate, run on every
    /// request the other exclusion rules let through, so keep it cheap. See
    /// [`Hooks::add_exclude`](otel_kit_core::__private::hooks::Hooks::add_exclude).
    ///
    /// ```
    /// let layer = otel_kit_http::ClientLayer::new().exclude_when(|parts| parts.uri.path() == "/ping");
    /// # drop(layer);
    /// ```
    pub fn exclude_when(
        self,
        predicate: impl for<'a> Fn(F::Request<'a>) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.add_exclude(Arc::new(predicate)))
    }

    /// Names the span with what `name` returns; `None` keeps the default, `{method}`,
    /// or `{method} {template}` with a [`UrlTemplate`](crate::UrlTemplate). Runs before
    /// the span starts; make the name from the route or the operation, never from an
    /// identifier. See [`Hooks::set_span_name`](otel_kit_core::__private::hooks::Hooks::set_span_name).
    ///
    /// ```
    /// use std::borrow::Cow;
    ///
    /// let layer = otel_kit_http::ClientLayer::new().span_name(|_parts| Some(Cow::Borrowed("checkout")));
    /// # drop(layer);
    /// ```
    pub fn span_name(
        self,
        name: impl for<'a> Fn(F::Request<'a>) -> Option<Cow<'static, str>> + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_span_name(Arc::new(name)))
    }

    /// Adds span attributes from the request with `add`, **before the span starts** (the
    /// sampler sees them). See
    /// [`Hooks::set_request_span_attributes`](otel_kit_core::__private::hooks::Hooks::set_request_span_attributes).
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let layer = otel_kit_http::ClientLayer::new()
    ///     .span_attributes_from_request(|_parts, span| span.push(KeyValue::new("app.region", "eu")));
    /// # drop(layer);
    /// ```
    pub fn span_attributes_from_request(
        self,
        add: impl for<'a> Fn(F::Request<'a>, &mut SpanAttributes<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_request_span_attributes(Arc::new(add)))
    }

    /// Adds span attributes from how the request ended with `add`, just before a
    /// recorded span ends (which endings it sees: the type's docs). See
    /// [`Hooks::set_response_span_attributes`](otel_kit_core::__private::hooks::Hooks::set_response_span_attributes).
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let layer = otel_kit_http::ClientLayer::new()
    ///     .span_attributes_from_response(|ended, span| span.push(KeyValue::new("app.answered", ended.is_ok())));
    /// # drop(layer);
    /// ```
    pub fn span_attributes_from_response(
        self,
        add: impl for<'a> Fn(F::Response<'a>, &mut SpanAttributes<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_response_span_attributes(Arc::new(add)))
    }

    /// Adds **bounded** attributes from the request to `http.client.request.duration`
    /// with `add`: at most
    /// [`MAX_METRIC_ATTRIBUTES`](otel_kit_core::extra_attributes::MAX_METRIC_ATTRIBUTES)
    /// per request, never a key the metric sets itself; what is dropped is counted
    /// ([`dropped_metric_attributes`](Self::dropped_metric_attributes)). See
    /// [`Hooks::set_metric_attributes`](otel_kit_core::__private::hooks::Hooks::set_metric_attributes).
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let layer = otel_kit_http::ClientLayer::new().metric_attributes_from_request(|_parts, metric| {
    ///     // Bounded: one of two values, whatever the peer sends.
    ///     metric.push(KeyValue::new("app.priority", "interactive"));
    /// });
    /// # drop(layer);
    /// ```
    pub fn metric_attributes_from_request(
        self,
        add: impl for<'a> Fn(F::Request<'a>, &mut MetricAttributes<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_metric_attributes(Box::new(add)))
    }

    /// How many attributes the
    /// [`metric_attributes_from_request`](Self::metric_attributes_from_request) hook
    /// tried to add beyond the cap or under a reserved key, and were dropped (0 without
    /// one).
    ///
    /// ```
    /// assert_eq!(otel_kit_http::ClientLayer::new().dropped_metric_attributes(), 0);
    /// ```
    pub fn dropped_metric_attributes(&self) -> u64 {
        self.config.hooks.dropped_metric_attributes()
    }

    /// Sends spans and metrics to, and reads and writes trace context with, `providers`
    /// instead of the globals (each one not given is still read from its global).
    ///
    /// ```
    /// use opentelemetry_sdk::trace::SdkTracerProvider;
    ///
    /// let providers = otel_kit_http::Providers::new().tracer_provider(SdkTracerProvider::default());
    /// let layer = otel_kit_http::ClientLayer::new().providers(providers);
    /// # drop(layer);
    /// ```
    pub fn providers(self, providers: Providers) -> Self {
        self.edit(|c| c.resolver = Resolver::new(providers))
    }
}
