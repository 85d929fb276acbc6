//! [`ClientMiddleware`]: one CLIENT span and one duration measurement per attempt,
//! with the span's context injected into the outgoing headers.

use std::fmt;
use std::sync::Arc;

use http::Extensions;
use opentelemetry::trace::{SpanKind, TraceContextExt as _, Tracer as _};
use opentelemetry::{Context, KeyValue};
use opentelemetry_http::HeaderInjector;
use opentelemetry_semantic_conventions::attribute as semconv;
use opentelemetry_semantic_conventions::attribute::SERVICE_PEER_NAME;
use otel_kit_core::call::CallFuture;
use otel_kit_core::hooks::Hooks;
use otel_kit_core::{Resolver, SpanAttributes};
use reqwest::{Request, Response, Url};
use reqwest_middleware::{Middleware, Next};

use super::call::{Call, Started};
use super::extensions::{ActiveRequest, Attempts, NoPropagation, UrlTemplate};
use super::instruments::Instruments;
use super::request_info::RequestInfo;
use crate::conventions::from_switches::{HttpSettings, Side};
use crate::conventions::{HeaderCapture, KnownMethods};

type PropagationFilter = Arc<dyn Fn(&Url) -> bool + Send + Sync>;

otel_kit_core::hook_signatures!(
    pub(super) ClientHooks: request [&Request, &Extensions], response &reqwest_middleware::Result<Response>,
    reserved &[
        semconv::HTTP_REQUEST_METHOD, semconv::SERVER_ADDRESS, semconv::SERVER_PORT,
        semconv::HTTP_RESPONSE_STATUS_CODE, semconv::NETWORK_PROTOCOL_VERSION, semconv::ERROR_TYPE,
    ]
);

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
/// with the current context, unless [`NoPropagation`] or
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

/// Everything a [`ClientMiddleware`] was configured with, shared by its clones.
#[derive(Clone, Default)]
struct Config {
    /// Header capture and known methods: the builder's, else the switches'.
    http: HttpSettings,
    propagate: Option<PropagationFilter>,
    hooks: Hooks<ClientHooks>,
    resolver: Resolver<Instruments>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientMiddleware")
            .field("known_methods", self.http.known_methods(Side::Client))
            .field("headers", self.http.headers(Side::Client))
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
    pub fn known_methods(self, known_methods: KnownMethods) -> Self {
        self.edit(|c| c.http.set_known_methods(known_methods))
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
    pub fn capture_headers(self, capture: HeaderCapture) -> Self {
        self.edit(|c| c.http.set_headers(|_| capture))
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
    pub fn propagate_if(self, filter: impl Fn(&Url) -> bool + Send + Sync + 'static) -> Self {
        self.edit(|c| c.propagate = Some(Arc::new(filter)))
    }

    otel_kit_core::hook_builders!(
        crate "otel_kit_http", layer "ClientMiddleware", config Config, hooks ClientHooks,
        request [&Request, &Extensions] "_request, _extensions", response &reqwest_middleware::Result<Response>,
        noun "attempt", default_name "`{method}`, or `{method} {template}` with a [`UrlTemplate`]",
        metric "`http.client.request.duration`"
    );

    fn should_propagate(&self, request: &Request, extensions: &Extensions) -> bool {
        extensions.get::<NoPropagation>().is_none()
            && self
                .config
                .propagate
                .as_ref()
                .is_none_or(|filter| filter(request.url()))
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
        let config = &*self.config;
        if config.hooks.excludes(|exclude| exclude(&req, extensions)) {
            // No telemetry of our own; the server still continues the caller's trace.
            if propagate {
                config.resolver.with(None, |resolved| {
                    resolved.inject(&parent, &mut HeaderInjector(req.headers_mut()));
                });
            }
            return next.run(req, extensions).await;
        }

        let Attempts(previous) = extensions.get::<Attempts>().copied().unwrap_or_default();
        extensions.insert(Attempts(previous.saturating_add(1)));
        let info = RequestInfo::new(
            &req,
            config.http.known_methods(Side::Client),
            extensions.get::<UrlTemplate>(),
            previous,
        );

        let mut attributes = info.common.clone();
        attributes.extend(info.span_only);
        // Before the span starts, so that samplers see what the application adds.
        if let Some(add) = &config.hooks.request_span_attributes {
            add(&req, extensions, &mut SpanAttributes::new(&mut attributes));
        }
        let name = match &config.hooks.span_name {
            Some(name) => name(&req, extensions).unwrap_or_else(|| info.span_name.into()),
            None => info.span_name.into(),
        };
        let mut metric_attributes = info.common;
        metric_attributes.extend(
            config
                .hooks
                .metric_attributes(|add, metric| add(&req, extensions, metric)),
        );
        // One clock reading for the span's start and the duration's, so the span lasts
        // exactly as long as the measurement says.
        let started = Started::now();
        let cx = config.resolver.with(Some(started.instant), |resolved| {
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
        if !config.http.headers(Side::Client).is_empty() {
            cx.span().set_attributes(
                config
                    .http
                    .headers(Side::Client)
                    .request_attributes(req.headers()),
            );
        }

        let marker = ActiveRequest::next();
        extensions.insert(marker);
        // The span's context is current while the rest of the chain runs: nested
        // middlewares see the marker, and anything traced below is a child of the span.
        let call = Call::new(
            cx.with_value(marker),
            started,
            &config.resolver,
            config.http.headers(Side::Client),
            config.hooks.response_span_attributes.as_deref(),
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
