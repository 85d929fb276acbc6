//! [`ClientMiddleware`]: one CLIENT span and one duration measurement per attempt,
//! with the span's context injected into the outgoing headers.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use http::Extensions;
use opentelemetry::trace::{SpanKind, TraceContextExt as _, Tracer as _};
use opentelemetry::{Context, KeyValue};
use opentelemetry_http::HeaderInjector;
use opentelemetry_semantic_conventions::attribute::SERVICE_PEER_NAME;
use otel_kit_core::call::CallFuture;
use otel_kit_core::extra_attributes::MetricAttributesHook;
use otel_kit_core::{MetricAttributes, Providers, Resolver, SpanAttributes};
use reqwest::{Request, Response, Url};
use reqwest_middleware::{Middleware, Next};

use super::call::{Call, Started};
use super::extensions::{ActiveRequest, Attempts, NoPropagation, UrlTemplate};
use super::hooks::{Hooks, RESERVED_METRIC_KEYS, RequestMetricAttributes};
use super::instruments::Instruments;
use super::request_info::RequestInfo;
use crate::conventions::{HeaderCapture, KnownMethods};

type PropagationFilter = Arc<dyn Fn(&Url) -> bool + Send + Sync>;

/// reqwest-middleware middleware that traces and measures outgoing requests.
///
/// Per attempt it opens a CLIENT span (a child of the current context, named
/// `{method}` or `{method} {template}` with a [`UrlTemplate`]), injects the span's
/// context with the propagator, and records `http.client.request.duration`. Spans,
/// metrics and propagation use the OpenTelemetry globals unless providers are given
/// ([`providers`](Self::providers)).
/// Responses with status 400 and above, and transport errors, mark the span as an
/// error and set `error.type`. See the [module docs](crate::client) for the details.
///
/// ```
/// use otel_kit_http::ClientMiddleware;
/// use otel_kit_http::conventions::HeaderCapture;
///
/// let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
///     .with(
///         ClientMiddleware::new()
///             .capture_headers(HeaderCapture::default().response(["x-request-id"]))
///             .propagate_if(|url| url.host_str() != Some("api.partner.example")),
///     )
///     .build();
/// # drop(client);
/// ```
#[derive(Clone, Default)]
pub struct ClientMiddleware {
    known_methods: KnownMethods,
    headers: HeaderCapture,
    propagate: Option<PropagationFilter>,
    hooks: Hooks,
    resolver: Resolver<Instruments>,
}

impl fmt::Debug for ClientMiddleware {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientMiddleware")
            .field("known_methods", &self.known_methods)
            .field("headers", &self.headers)
            .field("propagate_if", &self.propagate.as_ref().map(|_| "<filter>"))
            .field("hooks", &self.hooks)
            .field("providers", self.resolver.providers())
            .finish()
    }
}

impl ClientMiddleware {
    /// The default middleware: standard methods, no header capture, propagation to
    /// every destination.
    ///
    /// ```
    /// let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
    ///     .with(otel_kit_http::ClientMiddleware::new())
    ///     .build();
    /// # drop(client);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Methods recorded as themselves besides the standard ones; others become
    /// `_OTHER` (span name `HTTP`).
    ///
    /// ```
    /// use otel_kit_http::ClientMiddleware;
    /// use otel_kit_http::conventions::KnownMethods;
    ///
    /// let purge = http::Method::from_bytes(b"PURGE").unwrap();
    /// let middleware = ClientMiddleware::new().known_methods(KnownMethods::default().with(purge));
    /// # drop(middleware);
    /// ```
    #[must_use]
    pub fn known_methods(mut self, known_methods: KnownMethods) -> Self {
        self.known_methods = known_methods;
        self
    }

    /// Records the listed request and response headers as span attributes
    /// (credential headers are never recorded, whatever the list says).
    ///
    /// ```
    /// use otel_kit_http::ClientMiddleware;
    /// use otel_kit_http::conventions::HeaderCapture;
    ///
    /// let middleware = ClientMiddleware::new()
    ///     .capture_headers(HeaderCapture::default().request(["x-tenant"]).response(["x-request-id"]));
    /// # drop(middleware);
    /// ```
    #[must_use]
    pub fn capture_headers(mut self, capture: HeaderCapture) -> Self {
        self.headers = capture;
        self
    }

    /// Injects trace context only into requests whose URL passes `filter`; the others
    /// are still traced. A [`NoPropagation`] extension turns propagation off for one
    /// request regardless of the filter.
    ///
    /// ```
    /// use otel_kit_http::ClientMiddleware;
    ///
    /// // Only our own services learn our trace ids.
    /// let middleware = ClientMiddleware::new()
    ///     .propagate_if(|url| url.host_str().is_some_and(|h| h.ends_with(".internal.example")));
    /// # drop(middleware);
    /// ```
    #[must_use]
    pub fn propagate_if(mut self, filter: impl Fn(&Url) -> bool + Send + Sync + 'static) -> Self {
        self.propagate = Some(Arc::new(filter));
        self
    }

    /// Excludes requests for which `predicate` returns `true`: no span and no metric.
    /// The current context is still injected (unless [`NoPropagation`] or
    /// [`propagate_if`](Self::propagate_if) says otherwise), so the server continues the
    /// caller's trace. It sees the request and its extensions, on every attempt, before
    /// anything else; each call adds a predicate.
    ///
    /// ```
    /// // Polling a queue every second: not worth a span each time.
    /// let middleware = otel_kit_http::ClientMiddleware::new()
    ///     .exclude_when(|request, _extensions| request.url().path() == "/v1/queue/poll");
    /// # drop(middleware);
    /// ```
    #[must_use]
    pub fn exclude_when(
        mut self,
        predicate: impl Fn(&Request, &Extensions) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.hooks.exclude.push(Arc::new(predicate));
        self
    }

    /// Names the span with what `name` returns for the request; `None` keeps the
    /// default, `{method}` or `{method} {template}` with a [`UrlTemplate`]. It runs before
    /// the span starts. Make the name from something bounded (an operation), never from
    /// the URL.
    ///
    /// ```
    /// use std::borrow::Cow;
    ///
    /// // Calls to the payment provider are named by what they do.
    /// let middleware = otel_kit_http::ClientMiddleware::new().span_name(|request, _| {
    ///     (request.url().host_str() == Some("api.payments.example")).then(|| Cow::Borrowed("payments"))
    /// });
    /// # drop(middleware);
    /// ```
    #[must_use]
    pub fn span_name(
        mut self,
        name: impl Fn(&Request, &Extensions) -> Option<Cow<'static, str>> + Send + Sync + 'static,
    ) -> Self {
        self.hooks.span_name = Some(Arc::new(name));
        self
    }

    /// Adds span attributes from the request (and its extensions) with `add`. It runs
    /// **before the span starts**, so samplers see what it adds.
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// #[derive(Clone)]
    /// struct Tenant(&'static str);
    ///
    /// let middleware = otel_kit_http::ClientMiddleware::new().span_attributes_from_request(|_, extensions, span| {
    ///     if let Some(Tenant(tenant)) = extensions.get::<Tenant>() {
    ///         span.push(KeyValue::new("tenant.id", *tenant));
    ///     }
    /// });
    /// # drop(middleware);
    /// ```
    #[must_use]
    pub fn span_attributes_from_request(
        mut self,
        add: impl Fn(&Request, &Extensions, &mut SpanAttributes<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.hooks.request_span_attributes = Some(Arc::new(add));
        self
    }

    /// Adds span attributes from the attempt's result (a response or a transport error)
    /// with `add`, just before the span ends. It runs when the rest of the chain returns
    /// and the span is recorded (sampled); not for a panic or a cancelled request.
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let middleware = otel_kit_http::ClientMiddleware::new().span_attributes_from_response(|result, span| {
    ///     if let Ok(response) = result
    ///         && let Some(limit) = response.headers().get("x-ratelimit-remaining")
    ///         && let Some(remaining) = limit.to_str().ok().and_then(|v| v.parse::<i64>().ok())
    ///     {
    ///         span.push(KeyValue::new("app.ratelimit.remaining", remaining));
    ///     }
    /// });
    /// # drop(middleware);
    /// ```
    #[must_use]
    pub fn span_attributes_from_response(
        mut self,
        add: impl Fn(&reqwest_middleware::Result<Response>, &mut SpanAttributes<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.hooks.response_span_attributes = Some(Arc::new(add));
        self
    }

    /// Adds attributes from the request to `http.client.request.duration` with `add`.
    /// Opt-in, and for **bounded** values only: each distinct value makes a new series
    /// of the histogram. Never an identifier, a URL or a path.
    ///
    /// At most [`MAX_METRIC_ATTRIBUTES`] (4) are kept per attempt, and the keys this
    /// metric sets itself (`server.address`, `http.request.method`, ...) are refused;
    /// what is dropped is counted ([`dropped_metric_attributes`](Self::dropped_metric_attributes)).
    ///
    /// [`MAX_METRIC_ATTRIBUTES`]: crate::MAX_METRIC_ATTRIBUTES
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// #[derive(Clone, Copy)]
    /// enum Priority { Interactive, Batch }
    ///
    /// let middleware = otel_kit_http::ClientMiddleware::new().metric_attributes_from_request(|_, extensions, metric| {
    ///     let priority = match extensions.get::<Priority>() {
    ///         Some(Priority::Batch) => "batch",
    ///         _ => "interactive",
    ///     };
    ///     metric.push(KeyValue::new("app.priority", priority));
    /// });
    /// # drop(middleware);
    /// ```
    #[must_use]
    pub fn metric_attributes_from_request(
        mut self,
        add: impl Fn(&Request, &Extensions, &mut MetricAttributes<'_>) + Send + Sync + 'static,
    ) -> Self {
        let hook: MetricAttributesHook<RequestMetricAttributes> = MetricAttributesHook::new(Box::new(add));
        self.hooks.metric_attributes = Some(Arc::new(hook));
        self
    }

    /// How many attributes the [`metric_attributes_from_request`](Self::metric_attributes_from_request)
    /// hook tried to add beyond the cap or under a reserved key, and were dropped, since
    /// it was set (0 without one).
    ///
    /// ```
    /// assert_eq!(otel_kit_http::ClientMiddleware::new().dropped_metric_attributes(), 0);
    /// ```
    pub fn dropped_metric_attributes(&self) -> u64 {
        self.hooks
            .metric_attributes
            .as_ref()
            .map_or(0, |hook| hook.dropped())
    }

    /// Sends spans and metrics to, and injects trace context with, `providers` instead
    /// of the globals (each one not given in `providers` is still read from its global).
    ///
    /// ```
    /// use opentelemetry_sdk::trace::SdkTracerProvider;
    /// use otel_kit_http::{ClientMiddleware, Providers};
    ///
    /// let middleware = ClientMiddleware::new().providers(Providers::new().tracer_provider(SdkTracerProvider::default()));
    /// # drop(middleware);
    /// ```
    #[must_use]
    pub fn providers(mut self, providers: Providers) -> Self {
        self.resolver = Resolver::new(providers);
        self
    }

    fn should_propagate(&self, request: &Request, extensions: &Extensions) -> bool {
        extensions.get::<NoPropagation>().is_none()
            && self.propagate.as_ref().is_none_or(|filter| filter(request.url()))
    }
}

#[async_trait::async_trait]
impl Middleware for ClientMiddleware {
    async fn handle(
        &self,
        mut req: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        let parent = Context::current();
        // An outer ClientMiddleware is already sending this very request (stacked
        // middlewares, or a client that forwards it with the same extensions): its
        // span covers this call, a second one would only duplicate it.
        if let Some(active) = extensions.get::<ActiveRequest>()
            && parent.get::<ActiveRequest>() == Some(active)
        {
            return next.run(req, extensions).await;
        }

        let propagate = self.should_propagate(&req, extensions);
        if self.hooks.excludes(&req, extensions) {
            // No telemetry of our own; the server still continues the caller's trace.
            if propagate {
                self.resolver.with(None, |resolved| {
                    resolved.inject(&parent, &mut HeaderInjector(req.headers_mut()));
                });
            }
            return next.run(req, extensions).await;
        }

        let Attempts(previous) = extensions.get::<Attempts>().copied().unwrap_or_default();
        extensions.insert(Attempts(previous.saturating_add(1)));
        let info = RequestInfo::new(
            &req,
            &self.known_methods,
            extensions.get::<UrlTemplate>(),
            previous,
        );

        let mut attributes = info.common.clone();
        attributes.extend(info.span_only);
        // Before the span starts, so that samplers see what the application adds.
        if let Some(add) = &self.hooks.request_span_attributes {
            add(&req, extensions, &mut SpanAttributes::new(&mut attributes));
        }
        let name = match &self.hooks.span_name {
            Some(name) => name(&req, extensions).unwrap_or_else(|| info.span_name.into()),
            None => info.span_name.into(),
        };
        let mut metric_attributes = info.common;
        if let Some(hook) = &self.hooks.metric_attributes {
            metric_attributes.extend(hook.collect(RESERVED_METRIC_KEYS, |add, metric| {
                add(&req, extensions, metric);
            }));
        }
        // One clock reading for the span's start and the duration's, so the span lasts
        // exactly as long as the measurement says.
        let started = Started::now();
        let cx = self.resolver.with(Some(started.instant), |resolved| {
            let url = req.url();
            if let Some(host) = url.host_str()
                && let Some(peer) = resolved.peer_service(
                    host.trim_start_matches('[').trim_end_matches(']'),
                    url.port_or_known_default(),
                    url.path(),
                )
            {
                attributes.push(KeyValue::new(SERVICE_PEER_NAME, peer));
            }
            let tracer = resolved.tracer();
            let span = tracer
                .span_builder(name)
                .with_kind(SpanKind::Client)
                .with_start_time(started.time)
                .with_attributes(attributes)
                .start_with_context(tracer, &parent);
            let cx = parent.with_span(span);
            if propagate {
                resolved.inject(&cx, &mut HeaderInjector(req.headers_mut()));
            }
            cx
        });
        if !self.headers.is_empty() {
            cx.span()
                .set_attributes(self.headers.request_attributes(req.headers()));
        }

        let marker = ActiveRequest::next();
        extensions.insert(marker);
        // The span's context is current while the rest of the chain runs: nested
        // middlewares see the marker, and anything traced below is a child of the span.
        let call = Call::new(
            cx.with_value(marker),
            started,
            &self.resolver,
            &self.headers,
            self.hooks.response_span_attributes.as_deref(),
            metric_attributes,
        );
        let (result, call) = CallFuture::new(next.run(req, extensions), call).await;
        extensions.remove::<ActiveRequest>();
        if let Some(call) = call {
            call.finish(&result);
        }
        result
    }
}
