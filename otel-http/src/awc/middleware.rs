//! [`ClientMiddleware`], the awc middleware, its hook types and builder methods, and
//! [`ClientService`], the service it wraps around awc's connector (its `Service` impl:
//! `service.rs`).

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use ::awc::ClientResponse;
use ::awc::error::SendRequestError;
use actix_http::RequestHead;
use otel_kit_core::hooks::Signatures;
use otel_kit_core::{MetricAttributes, Providers, RequestValueLimit, Resolver, SpanAttributes};
use otel_kit_semconv::attribute as semconv;

use crate::conventions::{HeaderCapture, KnownMethods};
use crate::outgoing::instruments::{Frontend, Instruments};

/// awc's own request timeout when its `ClientBuilder` is not told otherwise.
const AWC_DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// The hook types of the awc middleware: its request hooks see the request head.
#[derive(Debug)]
pub(crate) enum AwcHooks {}

impl Signatures for AwcHooks {
    type Exclude = dyn Fn(&RequestHead) -> bool + Send + Sync;
    type SpanName = dyn Fn(&RequestHead) -> Option<Cow<'static, str>> + Send + Sync;
    type RequestSpanAttributes = dyn Fn(&RequestHead, &mut SpanAttributes<'_>) + Send + Sync;
    type ResponseSpanAttributes =
        dyn Fn(Result<&ClientResponse, &SendRequestError>, &mut SpanAttributes<'_>) + Send + Sync;
    type RequestMetricAttributes = dyn Fn(&RequestHead, &mut MetricAttributes<'_>) + Send + Sync;
    const RESERVED_METRIC_KEYS: &'static [&'static str] = &[
        semconv::HTTP_REQUEST_METHOD,
        semconv::SERVER_ADDRESS,
        semconv::SERVER_PORT,
        semconv::HTTP_RESPONSE_STATUS_CODE,
        semconv::NETWORK_PROTOCOL_VERSION,
        semconv::ERROR_TYPE,
    ];
}

/// The awc front-end of the shared client core.
#[derive(Debug)]
pub(crate) enum Awc {}

impl Frontend for Awc {
    const NAME: &'static str = "awc::ClientMiddleware";
    const SWITCHES: &'static [&'static str] = &["HTTP_CLIENT", "AWC"];
    type Hooks = AwcHooks;
    type PropagationFilter = dyn Fn(&RequestHead) -> bool + Send + Sync;

    otel_kit_core::instruments_cache!(fn cache() -> Instruments<Awc>);
}

/// Everything a [`ClientMiddleware`] was configured with.
pub(super) type Config = crate::outgoing::Config<Awc>;

/// awc middleware (`awc::ClientBuilder::wrap`) that gives every request the client
/// sends a CLIENT span and an `http.client.request.duration` point, and injects the
/// span's context into the request headers: the client rules of the reqwest middleware
/// and the tower layer. See the [module docs](crate::awc).
///
/// ```
/// use otel_kit_http::awc::ClientMiddleware;
///
/// let client = awc::ClientBuilder::new().wrap(ClientMiddleware::new()).finish();
/// # drop(client);
/// ```
///
/// # Hooks
///
/// The request hooks ([`exclude_when`](Self::exclude_when), [`span_name`](Self::span_name),
/// [`span_attributes_from_request`](Self::span_attributes_from_request),
/// [`metric_attributes_from_request`](Self::metric_attributes_from_request),
/// [`propagate_if`](Self::propagate_if)) see the request head (`actix_http::RequestHead`:
/// method, URI, headers; a request sent from a `FrozenClientRequest` shows its frozen
/// headers, not the extra ones of one send). An excluded request is still injected with
/// the current context, unless `propagate_if` refuses it.
/// [`span_attributes_from_response`](Self::span_attributes_from_response) sees the
/// response (its head: status, version, headers), or the error awc returned (`SendRequestError::Timeout` when the
/// client's timeout ended the request); not a panic or a cancelled request.
///
/// ```
/// use std::borrow::Cow;
///
/// use opentelemetry::KeyValue;
///
/// let middleware = otel_kit_http::awc::ClientMiddleware::new()
///     .exclude_when(|head| head.uri.path() == "/v1/queue/poll")
///     .span_name(|head| (head.uri.host() == Some("api.payments.example")).then(|| Cow::Borrowed("payments")))
///     .span_attributes_from_response(|ended, span| {
///         if let Ok(response) = ended
///             && let Some(remaining) = response.headers().get("x-ratelimit-remaining")
///             && let Some(remaining) = remaining.to_str().ok().and_then(|v| v.parse::<i64>().ok())
///         {
///             span.push(KeyValue::new("app.ratelimit.remaining", remaining));
///         }
///     });
/// # drop(middleware);
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ClientMiddleware {
    pub(super) config: Arc<Config>,
    pub(super) client_timeout: Option<Duration>,
}

impl Default for ClientMiddleware {
    fn default() -> Self {
        Self {
            config: Arc::default(),
            client_timeout: Some(AWC_DEFAULT_TIMEOUT),
        }
    }
}

impl ClientMiddleware {
    /// The default middleware: standard methods, no header capture, propagation to
    /// every destination, the OpenTelemetry globals, awc's default timeout (5 s).
    ///
    /// ```
    /// let middleware = otel_kit_http::awc::ClientMiddleware::new();
    /// # drop(middleware);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Changes the configuration (copied first when a client shares it).
    fn edit(mut self, change: impl FnOnce(&mut Config)) -> Self {
        change(Arc::make_mut(&mut self.config));
        self
    }

    /// The timeout the client was built with (`awc::ClientBuilder::timeout`; awc's
    /// default, 5 s, when not called). awc applies it outside every middleware: when it
    /// fires, awc drops the request inside the middleware, which by itself looks like
    /// a cancellation. With the client's timeout known, a request dropped once it has
    /// run that long ends its span as awc's error: status Error, `error.type` `timeout`.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let timeout = Duration::from_secs(30);
    /// let client = awc::ClientBuilder::new()
    ///     .timeout(timeout)
    ///     .wrap(otel_kit_http::awc::ClientMiddleware::new().client_timeout(timeout))
    ///     .finish();
    /// # drop(client);
    /// ```
    pub fn client_timeout(mut self, timeout: Duration) -> Self {
        self.client_timeout = Some(timeout);
        self
    }

    /// For a client built with `awc::ClientBuilder::disable_timeout`: a request dropped
    /// before its response is always a cancellation (status Unset, no `error.type`).
    ///
    /// ```
    /// let client = awc::ClientBuilder::new()
    ///     .disable_timeout()
    ///     .wrap(otel_kit_http::awc::ClientMiddleware::new().without_client_timeout())
    ///     .finish();
    /// # drop(client);
    /// ```
    pub fn without_client_timeout(mut self) -> Self {
        self.client_timeout = None;
        self
    }

    /// Methods recorded as themselves besides the standard ones; others become
    /// `_OTHER` (span name `HTTP`).
    ///
    /// ```
    /// use otel_kit_http::conventions::KnownMethods;
    ///
    /// let purge = http::Method::from_bytes(b"PURGE").unwrap();
    /// let middleware = otel_kit_http::awc::ClientMiddleware::new().known_methods(KnownMethods::default().with(purge));
    /// # drop(middleware);
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
    /// let middleware = otel_kit_http::awc::ClientMiddleware::new()
    ///     .capture_headers(HeaderCapture::default().request(["x-tenant"]).response(["x-request-id"]));
    /// # drop(middleware);
    /// ```
    pub fn capture_headers(self, capture: HeaderCapture) -> Self {
        self.edit(|c| c.http.set_headers(|_| capture))
    }

    /// The longest string of a request that its span records, in bytes (`url.full`
    /// after redaction, `http.request.method_original`, each captured request header
    /// value). Default: 4096, or `OTEL_KIT_REQUEST_VALUE_MAX_BYTES` through otel-kit-init.
    ///
    /// ```
    /// let middleware = otel_kit_http::awc::ClientMiddleware::new().max_request_value_bytes(16 * 1024);
    /// # drop(middleware);
    /// ```
    pub fn max_request_value_bytes(self, max_bytes: usize) -> Self {
        self.edit(|c| c.http.set_value_limit(RequestValueLimit::bytes(max_bytes)))
    }

    /// Injects trace context only into requests whose head passes `filter`; the others
    /// are still traced.
    ///
    /// ```
    /// // Only our own services learn our trace ids.
    /// let middleware = otel_kit_http::awc::ClientMiddleware::new()
    ///     .propagate_if(|head| head.uri.host().is_some_and(|h| h.ends_with(".internal.example")));
    /// # drop(middleware);
    /// ```
    pub fn propagate_if(self, filter: impl Fn(&RequestHead) -> bool + Send + Sync + 'static) -> Self {
        self.edit(|c| c.propagate = Some(Arc::new(filter)))
    }

    /// Also excludes each request for which `predicate` returns `true` (no span, no
    /// metric; the trace context still flows). See
    /// [`Hooks::add_exclude`](otel_kit_core::hooks::Hooks::add_exclude).
    ///
    /// ```
    /// let middleware = otel_kit_http::awc::ClientMiddleware::new().exclude_when(|head| head.uri.path() == "/ping");
    /// # drop(middleware);
    /// ```
    pub fn exclude_when(self, predicate: impl Fn(&RequestHead) -> bool + Send + Sync + 'static) -> Self {
        self.edit(|c| c.hooks.add_exclude(Arc::new(predicate)))
    }

    /// Names the span with what `name` returns; `None` keeps the default, `{method}`.
    /// Make the name from the route or the operation, never from an identifier.
    ///
    /// ```
    /// use std::borrow::Cow;
    ///
    /// let middleware = otel_kit_http::awc::ClientMiddleware::new().span_name(|_head| Some(Cow::Borrowed("checkout")));
    /// # drop(middleware);
    /// ```
    pub fn span_name(
        self,
        name: impl Fn(&RequestHead) -> Option<Cow<'static, str>> + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_span_name(Arc::new(name)))
    }

    /// Adds span attributes from the request with `add`, **before the span starts** (the
    /// sampler sees them).
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let middleware = otel_kit_http::awc::ClientMiddleware::new()
    ///     .span_attributes_from_request(|_head, span| span.push(KeyValue::new("app.region", "eu")));
    /// # drop(middleware);
    /// ```
    pub fn span_attributes_from_request(
        self,
        add: impl Fn(&RequestHead, &mut SpanAttributes<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_request_span_attributes(Arc::new(add)))
    }

    /// Adds span attributes from how the request ended with `add`, just before a
    /// recorded span ends (which endings it sees: the type's docs).
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let middleware = otel_kit_http::awc::ClientMiddleware::new()
    ///     .span_attributes_from_response(|ended, span| span.push(KeyValue::new("app.answered", ended.is_ok())));
    /// # drop(middleware);
    /// ```
    pub fn span_attributes_from_response(
        self,
        add: impl Fn(Result<&ClientResponse, &SendRequestError>, &mut SpanAttributes<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_response_span_attributes(Arc::new(add)))
    }

    /// Adds **bounded** attributes from the request to `http.client.request.duration`
    /// with `add`: at most
    /// [`MAX_METRIC_ATTRIBUTES`](otel_kit_core::extra_attributes::MAX_METRIC_ATTRIBUTES)
    /// per request, never a key the metric sets itself.
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let middleware = otel_kit_http::awc::ClientMiddleware::new().metric_attributes_from_request(|_head, metric| {
    ///     metric.push(KeyValue::new("app.tier", "gold"));
    /// });
    /// # drop(middleware);
    /// ```
    pub fn metric_attributes_from_request(
        self,
        add: impl Fn(&RequestHead, &mut MetricAttributes<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_metric_attributes(Box::new(add)))
    }

    /// Metric attributes dropped so far because a hook went over the bound or named a
    /// reserved key.
    ///
    /// ```
    /// assert_eq!(otel_kit_http::awc::ClientMiddleware::new().dropped_metric_attributes(), 0);
    /// ```
    pub fn dropped_metric_attributes(&self) -> u64 {
        self.config.hooks.dropped_metric_attributes()
    }

    /// Sends spans, the metric and the propagation through `providers` instead of the
    /// OpenTelemetry globals.
    ///
    /// ```
    /// use otel_kit_http::Providers;
    ///
    /// let middleware = otel_kit_http::awc::ClientMiddleware::new().providers(Providers::new());
    /// # drop(middleware);
    /// ```
    pub fn providers(self, providers: Providers) -> Self {
        self.edit(|c| c.resolver = Resolver::new(providers))
    }
}

/// awc's connector service wrapped by a [`ClientMiddleware`]: what
/// `awc::ClientBuilder::wrap` builds from it. Not named by applications.
#[derive(Debug)]
pub struct ClientService<S> {
    pub(super) inner: S,
    pub(super) config: Arc<Config>,
    pub(super) client_timeout: Option<Duration>,
}

impl<S> ::awc::middleware::Transform<S, ::awc::ConnectRequest> for ClientMiddleware
where
    S: actix_service::Service<
            ::awc::ConnectRequest,
            Response = ::awc::ConnectResponse,
            Error = SendRequestError,
        >,
{
    type Transform = ClientService<S>;

    fn new_transform(self, service: S) -> Self::Transform {
        ClientService {
            inner: service,
            config: self.config,
            client_timeout: self.client_timeout,
        }
    }
}
