//! [`ClientLayer`]: the tower layer and its configuration.

use std::thread::LocalKey;

use http::request::Parts;
use http::response::Parts as ResponseParts;
use opentelemetry_semantic_conventions::attribute as semconv;
use otel_kit_core::Cache;

use crate::outgoing::Frontend;
use crate::outgoing::instruments::Instruments;

otel_kit_core::hook_signatures!(
    pub(crate) TowerClientHooks: request [&Parts],
    response Result<&ResponseParts, &(dyn std::error::Error + 'static)>,
    reserved &[
        semconv::HTTP_REQUEST_METHOD, semconv::SERVER_ADDRESS, semconv::SERVER_PORT,
        semconv::HTTP_RESPONSE_STATUS_CODE, semconv::NETWORK_PROTOCOL_VERSION, semconv::ERROR_TYPE,
    ]
);

/// The tower front-end of the shared client core.
#[derive(Debug)]
pub(crate) enum Tower {}

impl Frontend for Tower {
    const NAME: &'static str = "ClientLayer";
    const SWITCHES: &'static [&'static str] = &["HTTP_CLIENT", "TOWER_CLIENT"];
    type Hooks = TowerClientHooks;
    type PropagationFilter = dyn Fn(&Parts) -> bool + Send + Sync;

    fn cache() -> &'static LocalKey<Cache<Instruments<Self>>> {
        thread_local! {
            static CACHE: Cache<Instruments<Tower>> = const { Cache::new() };
        }
        &CACHE
    }
}

/// Everything a [`ClientLayer`] was configured with, shared by its services and the
/// requests they have in flight.
pub(super) type Config = crate::outgoing::Config<Tower>;

otel_kit_core::tower_layer! {
    /// A tower layer that gives every request sent through an HTTP client service (any
    /// `tower::Service<http::Request<B>>`: hyper-util's legacy client, a client generated
    /// over tower) a CLIENT span and an `http.client.request.duration` point, and injects
    /// the span's context into the request headers. The same client rules as
    /// `ClientMiddleware`'s; see the
    /// [module docs](crate::tower_client).
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
    /// # Hooks
    ///
    /// The request hooks ([`exclude_when`](Self::exclude_when), [`span_name`](Self::span_name),
    /// [`span_attributes_from_request`](Self::span_attributes_from_request),
    /// [`metric_attributes_from_request`](Self::metric_attributes_from_request)) see the
    /// request head (method, URI, headers, extensions). An excluded request is still
    /// injected with the current context, unless [`NoPropagation`](crate::NoPropagation)
    /// or [`propagate_if`](Self::propagate_if) says otherwise.
    /// [`span_attributes_from_response`](Self::span_attributes_from_response) sees the
    /// response head, or the error the client returned; not a panic or a cancelled
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
    pub struct ClientLayer(Config);
    /// The default layer: standard methods, no header capture, propagation to every
    /// destination, the OpenTelemetry globals.
    ///
    /// ```
    /// let layer = otel_kit_http::ClientLayer::new();
    /// # drop(layer);
    /// ```
    pub fn new();
    /// Traces the requests sent through the inner client service `S`. Built by
    /// [`ClientLayer`].
    ///
    /// ```
    /// use tower::{Layer as _, ServiceExt as _};
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let service = otel_kit_http::ClientLayer::new().layer(tower::service_fn(|request: http::Request<()>| async move {
    ///     // The span's context travels in the headers (with a propagator installed).
    ///     let _ = request.headers().get("traceparent");
    ///     Ok::<_, std::io::Error>(http::Response::new(()))
    /// }));
    /// let response = service.oneshot(http::Request::get("http://localhost/").body(()).unwrap()).await.unwrap();
    /// assert_eq!(response.status(), 200);
    /// # });
    /// ```
    pub struct ClientService, fields pub(super), example "otel_kit_http";
}

impl ClientLayer {
    otel_kit_core::hook_builders!(
        crate "otel_kit_http", layer "ClientLayer", config Config, hooks TowerClientHooks,
        request [&Parts] "_parts", response Result<&ResponseParts, &(dyn std::error::Error + 'static)>,
        noun "request", default_name "`{method}`, or `{method} {template}` with a [`UrlTemplate`](crate::UrlTemplate)",
        metric "`http.client.request.duration`"
    );
    client_builders!("ClientLayer");

    /// Injects trace context only into requests whose head passes `filter`; the others
    /// are still traced. A [`NoPropagation`](crate::NoPropagation) extension turns
    /// propagation off for one request regardless of the filter.
    ///
    /// ```
    /// // Only our own services learn our trace ids.
    /// let layer = otel_kit_http::ClientLayer::new()
    ///     .propagate_if(|parts| parts.uri.host().is_some_and(|h| h.ends_with(".internal.example")));
    /// # drop(layer);
    /// ```
    pub fn propagate_if(self, filter: impl Fn(&Parts) -> bool + Send + Sync + 'static) -> Self {
        self.edit(|c| c.propagate = Some(std::sync::Arc::new(filter)))
    }
}
