//! [`ClientMiddleware`]: one CLIENT span and one duration measurement per attempt,
//! with the span's context injected into the outgoing headers.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use http::Extensions;
use opentelemetry::Context;
use otel_kit_core::call::CallFuture;
use otel_kit_core::hooks::Signatures;
use otel_kit_core::{MetricAttributes, Providers, RequestValueLimit, Resolver, SpanAttributes};
use otel_kit_semconv::attribute as semconv;
use reqwest::{Request, Response, Url};
use reqwest_middleware::{Middleware, Next};

use super::outcome::{error_description, error_type, exception_type};
use crate::conventions::from_switches::Side;
use crate::conventions::{HeaderCapture, KnownMethods};
use crate::outgoing::call::Ended;
use crate::outgoing::extensions::OutgoingMarks;
use crate::outgoing::instruments::{Frontend, Instruments};
use crate::outgoing::start::RequestInfo;
use crate::outgoing::{Target, UrlTemplate};

/// The hook types of the reqwest middleware: its request hooks see the request and its extensions.
#[derive(Debug)]
pub(crate) enum ClientHooks {}

impl Signatures for ClientHooks {
    type Exclude = dyn Fn(&Request, &Extensions) -> bool + Send + Sync;
    type SpanName = dyn Fn(&Request, &Extensions) -> Option<Cow<'static, str>> + Send + Sync;
    type RequestSpanAttributes = dyn Fn(&Request, &Extensions, &mut SpanAttributes<'_>) + Send + Sync;
    type ResponseSpanAttributes =
        dyn Fn(&reqwest_middleware::Result<Response>, &mut SpanAttributes<'_>) + Send + Sync;
    type RequestMetricAttributes = dyn Fn(&Request, &Extensions, &mut MetricAttributes<'_>) + Send + Sync;
    const RESERVED_METRIC_KEYS: &'static [&'static str] = &[
        semconv::HTTP_REQUEST_METHOD,
        semconv::SERVER_ADDRESS,
        semconv::SERVER_PORT,
        semconv::HTTP_RESPONSE_STATUS_CODE,
        semconv::NETWORK_PROTOCOL_VERSION,
        semconv::ERROR_TYPE,
    ];
}

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
///
/// # Hooks
///
/// The request hooks ([`exclude_when`](Self::exclude_when), [`span_name`](Self::span_name),
/// [`span_attributes_from_request`](Self::span_attributes_from_request),
/// [`metric_attributes_from_request`](Self::metric_attributes_from_request)) see the
/// request and its extensions, on every attempt. An excluded request is still injected
/// with the current context, unless [`NoPropagation`](crate::NoPropagation) or
/// [`propagate_if`](Self::propagate_if) says otherwise.
/// [`span_attributes_from_response`](Self::span_attributes_from_response) sees the
/// attempt's result (a response or a transport error) when the rest of the chain
/// returns; not for a panic or a cancelled request.
///
/// ```
/// use std::borrow::Cow;
///
/// use opentelemetry::KeyValue;
///
/// #[derive(Clone)]
/// struct Tenant(&'static str);
///
/// let middleware = otel_kit_http::ClientMiddleware::new()
///     // Polling a queue every second: not worth a span each time.
///     .exclude_when(|request, _extensions| request.url().path() == "/v1/queue/poll")
///     // Calls to the payment provider are named by what they do.
///     .span_name(|request, _| {
///         (request.url().host_str() == Some("api.payments.example")).then(|| Cow::Borrowed("payments"))
///     })
///     .span_attributes_from_request(|_, extensions, span| {
///         if let Some(Tenant(tenant)) = extensions.get::<Tenant>() {
///             span.push(KeyValue::new("tenant.id", *tenant));
///         }
///     })
///     .span_attributes_from_response(|result, span| {
///         if let Ok(response) = result
///             && let Some(limit) = response.headers().get("x-ratelimit-remaining")
///             && let Some(remaining) = limit.to_str().ok().and_then(|v| v.parse::<i64>().ok())
///         {
///             span.push(KeyValue::new("app.ratelimit.remaining", remaining));
///         }
///     })
///     .metric_attributes_from_request(|_, extensions, metric| {
///         let batch = extensions.get::<&'static str>() == Some(&"batch");
///         metric.push(KeyValue::new("app.priority", if batch { "batch" } else { "interactive" }));
///     });
/// # drop(middleware);
/// ```
#[derive(Clone, Default)]
#[must_use]
pub struct ClientMiddleware {
    config: Arc<Config>,
}

// The configuration's fields, under the middleware's name (no `config` level between).
impl fmt::Debug for ClientMiddleware {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.config, f)
    }
}

/// The reqwest front-end of the shared client core.
#[derive(Debug)]
pub(crate) enum Reqwest {}

impl Frontend for Reqwest {
    const NAME: &'static str = "ClientMiddleware";
    const SWITCHES: &'static [&'static str] = &["HTTP_CLIENT", "REQWEST"];
    type Hooks = ClientHooks;
    type PropagationFilter = dyn Fn(&Url) -> bool + Send + Sync;

    otel_kit_core::instruments_cache!(fn cache() -> Instruments<Reqwest>);
}

/// Where a request to `url` goes.
fn target_of(url: &Url) -> Target<'_> {
    Target {
        host: url.host_str().map(Target::bare_host),
        port: url.port_or_known_default(),
        path: url.path(),
        full: url.as_str().into(),
    }
}

/// Everything a [`ClientMiddleware`] was configured with, shared by its clones.
type Config = crate::outgoing::Config<Reqwest>;

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

    /// Changes the configuration (copied first when a service shares it).
    fn edit(mut self, change: impl FnOnce(&mut Config)) -> Self {
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
    /// let layer = otel_kit_http::ClientMiddleware::new().known_methods(KnownMethods::default().with(purge));
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
    /// let layer = otel_kit_http::ClientMiddleware::new()
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
    /// let layer = otel_kit_http::ClientMiddleware::new().max_request_value_bytes(16 * 1024);
    /// # drop(layer);
    /// ```
    pub fn max_request_value_bytes(self, max_bytes: usize) -> Self {
        self.edit(|c| c.http.set_value_limit(RequestValueLimit::bytes(max_bytes)))
    }

    /// Injects trace context only into requests whose URL passes `filter`; the others
    /// are still traced. A [`NoPropagation`](crate::NoPropagation) extension turns propagation off for one
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
    pub fn propagate_if(self, filter: impl Fn(&Url) -> bool + Send + Sync + 'static) -> Self {
        self.edit(|c| c.propagate = Some(Arc::new(filter)))
    }

    /// Also excludes each attempt for which `predicate` returns `true` (no span, no
    /// metric; the trace context still flows); each call adds a predicate, run on every
    /// attempt the other exclusion rules let through, so keep it cheap. See
    /// [`Hooks::add_exclude`](otel_kit_core::hooks::Hooks::add_exclude).
    ///
    /// ```
    /// let layer = otel_kit_http::ClientMiddleware::new().exclude_when(|_request, _extensions| false);
    /// # let _ = layer;
    /// ```
    pub fn exclude_when(
        self,
        predicate: impl Fn(&Request, &Extensions) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.add_exclude(Arc::new(predicate)))
    }

    /// Names the span with what `name` returns; `None` keeps the default,
    /// `{method}`, or `{method} {template}` with a [`UrlTemplate`]. Runs before the span starts; make the name from the route or the
    /// operation, never from an identifier. See [`Hooks::set_span_name`](otel_kit_core::hooks::Hooks::set_span_name).
    ///
    /// ```
    /// use std::borrow::Cow;
    ///
    /// let layer = otel_kit_http::ClientMiddleware::new().span_name(|_request, _extensions| Some(Cow::Borrowed("checkout")));
    /// # let _ = layer;
    /// ```
    pub fn span_name(
        self,
        name: impl Fn(&Request, &Extensions) -> Option<Cow<'static, str>> + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_span_name(Arc::new(name)))
    }

    /// Adds span attributes from the attempt with `add`, **before the span starts** (the
    /// sampler sees them). See
    /// [`Hooks::set_request_span_attributes`](otel_kit_core::hooks::Hooks::set_request_span_attributes).
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let layer = otel_kit_http::ClientMiddleware::new()
    ///     .span_attributes_from_request(|_request, _extensions, span| span.push(KeyValue::new("app.region", "eu")));
    /// # let _ = layer;
    /// ```
    pub fn span_attributes_from_request(
        self,
        add: impl Fn(&Request, &Extensions, &mut SpanAttributes<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_request_span_attributes(Arc::new(add)))
    }

    /// Adds span attributes from how the attempt ended with `add`, just before a recorded
    /// span ends (which endings it sees: the type's docs). See
    /// [`Hooks::set_response_span_attributes`](otel_kit_core::hooks::Hooks::set_response_span_attributes).
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let layer = otel_kit_http::ClientMiddleware::new()
    ///     .span_attributes_from_response(|_ended, span| span.push(KeyValue::new("app.answered", true)));
    /// # let _ = layer;
    /// ```
    pub fn span_attributes_from_response(
        self,
        add: impl Fn(&reqwest_middleware::Result<Response>, &mut SpanAttributes<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_response_span_attributes(Arc::new(add)))
    }

    /// Adds **bounded** attributes from the attempt to `http.client.request.duration` with `add`:
    /// at most [`MAX_METRIC_ATTRIBUTES`](otel_kit_core::extra_attributes::MAX_METRIC_ATTRIBUTES)
    /// per attempt, never a key the metric sets itself; what is dropped is counted
    /// ([`dropped_metric_attributes`](Self::dropped_metric_attributes)). See
    /// [`Hooks::set_metric_attributes`](otel_kit_core::hooks::Hooks::set_metric_attributes).
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let layer = otel_kit_http::ClientMiddleware::new().metric_attributes_from_request(|_request, _extensions, metric| {
    ///     // Bounded: one of two values, whatever the peer sends.
    ///     metric.push(KeyValue::new("app.priority", "interactive"));
    /// });
    /// # let _ = layer;
    /// ```
    pub fn metric_attributes_from_request(
        self,
        add: impl Fn(&Request, &Extensions, &mut MetricAttributes<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_metric_attributes(Box::new(add)))
    }

    /// How many attributes the
    /// [`metric_attributes_from_request`](Self::metric_attributes_from_request) hook
    /// tried to add beyond the cap or under a reserved key, and were dropped (0 without
    /// one).
    ///
    /// ```
    /// assert_eq!(otel_kit_http::ClientMiddleware::new().dropped_metric_attributes(), 0);
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
    /// let layer = otel_kit_http::ClientMiddleware::new().providers(providers);
    /// # let _ = layer;
    /// ```
    pub fn providers(self, providers: Providers) -> Self {
        self.edit(|c| c.resolver = Resolver::new(providers))
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
        if Config::nested(extensions, &parent) {
            return next.run(req, extensions).await;
        }
        let config = &self.config;
        let propagate = config.propagates(extensions, |filter| filter(req.url()));
        if config.hooks.excludes(|exclude| exclude(&req, extensions)) {
            if propagate {
                config.inject_excluded(&parent, req.headers_mut());
            }
            return next.run(req, extensions).await;
        }

        let previous = OutgoingMarks::of(extensions).sent_before;
        OutgoingMarks::update(extensions, |marks| marks.sent_before = previous.saturating_add(1));
        let target = target_of(req.url());
        let info = RequestInfo::new(
            req.method(),
            &target,
            config.http.known_methods(Side::Client),
            extensions.get::<UrlTemplate>(),
            previous,
            config.http.value_limit(),
        );
        let plan = config.plan(
            info,
            |add, span| add(&req, extensions, span),
            |name| name(&req, extensions),
            |add, metric| add(&req, extensions, metric),
        );
        // The headers move out while the URL is borrowed, and back before sending.
        let mut headers = std::mem::take(req.headers_mut());
        let target = target_of(req.url());
        let call = plan.start(
            config,
            &parent,
            &target,
            &mut headers,
            Some(extensions),
            propagate,
        );
        *req.headers_mut() = headers;

        // The span's context is current while the rest of the chain runs: nested
        // middlewares see the marker, and anything traced below is a child of the span.
        let (result, call) = CallFuture::new(next.run(req, extensions), call).await;
        OutgoingMarks::update(extensions, |marks| marks.active = None);
        if let Some(call) = call {
            let ended = match &result {
                Ok(response) => Ended::Response {
                    status: response.status(),
                    version: response.version(),
                    headers: response.headers(),
                },
                Err(error) => {
                    let kind = error_type(error);
                    Ended::Failed {
                        error_type: kind,
                        exception_type: exception_type(error),
                        description: error_description(error, kind),
                    }
                }
            };
            call.finish(ended, |add, span| add(&result, span));
        }
        result
    }
}
#[cfg(test)]
mod tests {
    use http::Extensions;
    use opentelemetry::trace::SpanKind;
    use otel_kit_testing::TestTelemetry;
    use reqwest::Request;
    use reqwest_middleware::{ClientBuilder, Middleware, Next};

    use crate::ClientMiddleware;

    /// A middleware below ours that panics instead of sending.
    struct Panics;

    #[async_trait::async_trait]
    impl Middleware for Panics {
        async fn handle(
            &self,
            _request: Request,
            _extensions: &mut Extensions,
            _next: Next<'_>,
        ) -> reqwest_middleware::Result<reqwest::Response> {
            panic!("middleware bug");
        }
    }

    #[tokio::test]
    async fn a_panic_below_the_middleware_ends_the_span_as_a_panic_and_unwinds_on() {
        let t = TestTelemetry::new();
        let client = ClientBuilder::new(reqwest::Client::new())
            .with(ClientMiddleware::new().providers(t.providers()))
            .with(Panics)
            .build();
        let sent = tokio::spawn(async move { client.get("http://127.0.0.1:9/orders").send().await }).await;
        assert!(sent.is_err_and(|e| e.is_panic()), "the panic reaches the caller");

        t.spans()
            .span("GET")
            .has_kind(SpanKind::Client)
            .is_error()
            .has_error_description("middleware bug")
            .has_attribute("error.type", "panic");
        t.metrics()
            .metric("http.client.request.duration")
            .histogram_point(&[("error.type", "panic".into())])
            .has_count(1);
    }
}
