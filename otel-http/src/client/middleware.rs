//! [`ClientMiddleware`]: one CLIENT span and one duration measurement per attempt,
//! with the span's context injected into the outgoing headers.

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use http::Extensions;
use opentelemetry::Context;
use opentelemetry::trace::{SpanKind, TraceContextExt as _, Tracer as _};
use opentelemetry_http::HeaderInjector;
use otel_kit_core::call::CallFuture;
use otel_kit_core::{Providers, Resolver};
use reqwest::{Request, Response, Url};
use reqwest_middleware::{Middleware, Next};

use super::call::Call;
use super::extensions::{ActiveRequest, Attempts, NoPropagation, UrlTemplate};
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
    resolver: Resolver<Instruments>,
}

impl fmt::Debug for ClientMiddleware {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientMiddleware")
            .field("known_methods", &self.known_methods)
            .field("headers", &self.headers)
            .field("propagate_if", &self.propagate.as_ref().map(|_| "<filter>"))
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
        let propagate = self.should_propagate(&req, extensions);
        let cx = self.resolver.with(Some(Instant::now()), |resolved| {
            let tracer = resolved.tracer();
            let span = tracer
                .span_builder(info.span_name)
                .with_kind(SpanKind::Client)
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
        let call = Call::new(cx.with_value(marker), &self.resolver, &self.headers, info.common);
        let (result, call) = CallFuture::new(next.run(req, extensions), call).await;
        extensions.remove::<ActiveRequest>();
        if let Some(call) = call {
            call.finish(&result);
        }
        result
    }
}
