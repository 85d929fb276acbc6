//! What the server's shared core reads from a request and a response, whatever the
//! framework: [`ServerRequest`] and [`ServerResponse`]. The tower layer reads
//! `http::request::Parts` and `http::response::Parts` (here); the actix-web middleware
//! reads actix's `ServiceRequest` and `ServiceResponse` (`crate::actix::head`). Starting
//! the span ([`start`](super::start::start)), the origin rules, the exclusion rules and
//! ending the call ([`Call`](super::call::Call)) are written once over these traits.

use std::borrow::Cow;
use std::net::SocketAddr;

use http::request::Parts;
use http::response::Parts as ResponseParts;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use http_body::Body;
use opentelemetry::KeyValue;
use otel_kit_core::__private::{carrier::HeaderSource, hooks::Hooks, hooks::Signatures};
use otel_kit_core::{MetricAttributes, SpanAttributes};

use super::framework::ServerFramework;
use super::hooks::ServerHooks;
use super::tls_connection::TlsConnection;
use crate::conventions::protocol_version;
use crate::framework::Tower;

/// A request head as the server's core reads it, and how the front-end's hooks are
/// called with it (each front-end's hooks see its own request type).
pub(crate) trait ServerRequest {
    /// The framework whose request hooks see `Self`.
    type Framework: ServerFramework;
    /// The request's headers, read by the propagator and header capture.
    type Headers: HeaderSource + ?Sized;

    /// The request method (a standard one is a constant: no allocation).
    fn method(&self) -> Cow<'_, Method>;
    fn path(&self) -> &str;
    fn query(&self) -> Option<&str>;
    /// `network.protocol.version`.
    fn protocol_version(&self) -> Option<&'static str>;
    fn headers(&self) -> &Self::Headers;
    /// The first value of header `name`.
    fn header(&self, name: &HeaderName) -> Option<&[u8]>;
    /// The route template the framework matched.
    fn route(&self) -> Option<Cow<'_, str>>;
    /// The request URI's scheme (HTTP/2 `:scheme`, an absolute-form target).
    fn uri_scheme(&self) -> Option<&str>;
    /// The request URI's host and port (HTTP/2 `:authority`, an absolute-form target).
    fn uri_authority(&self) -> Option<(&str, Option<u16>)>;
    /// The connection is TLS the server terminates (known per connection).
    fn over_tls(&self) -> bool;
    /// The socket's peer.
    fn peer(&self) -> Option<SocketAddr>;

    /// Whether an `exclude_when` predicate excludes the request.
    fn excluded_by(&self, hooks: &Hooks<ServerHooks<Self::Framework>>) -> bool;
    /// The `span_name` hook's name, when set and it names one.
    fn span_name(&self, hooks: &Hooks<ServerHooks<Self::Framework>>) -> Option<Cow<'static, str>>;
    /// What `span_attributes_from_request` adds.
    fn add_span_attributes(&self, hooks: &Hooks<ServerHooks<Self::Framework>>, span: &mut SpanAttributes<'_>);
    /// What `metric_attributes_from_request` adds (no allocation without the hook).
    fn metric_attributes(&self, hooks: &Hooks<ServerHooks<Self::Framework>>) -> Vec<KeyValue>;
}

/// A response head as the server's core reads and changes it.
pub(crate) trait ServerResponse {
    /// The framework whose response hook sees what this gives it.
    type Framework: ServerFramework;
    type Headers: HeaderSource + ?Sized;

    fn status(&self) -> u16;
    fn headers(&self) -> &Self::Headers;
    /// Calls the `span_attributes_from_response` hook.
    fn add_span_attributes(
        &self,
        hook: &<ServerHooks<Self::Framework> as Signatures>::ResponseSpanAttributes,
        span: &mut SpanAttributes<'_>,
    );
    /// Sets the `traceparent` response header (`echo_traceparent`).
    fn set_traceparent(&mut self, value: &str);
    /// The body's size in bytes, when known before it is streamed.
    fn body_size(&self) -> Option<u64>;
}

/// `Content-Length` as a number.
pub(crate) fn content_length(value: Option<&[u8]>) -> Option<u64> {
    std::str::from_utf8(value?).ok()?.parse().ok()
}

impl ServerRequest for Parts {
    type Framework = Tower;
    type Headers = HeaderMap;

    fn method(&self) -> Cow<'_, Method> {
        Cow::Borrowed(&self.method)
    }

    fn path(&self) -> &str {
        self.uri.path()
    }

    fn query(&self) -> Option<&str> {
        self.uri.query()
    }

    fn protocol_version(&self) -> Option<&'static str> {
        protocol_version(self.version)
    }

    fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    fn header(&self, name: &HeaderName) -> Option<&[u8]> {
        self.headers.get(name).map(HeaderValue::as_bytes)
    }

    /// The route template axum matched (`/users/{id}`, nested prefixes included).
    #[cfg(feature = "axum")]
    fn route(&self) -> Option<Cow<'_, str>> {
        self.extensions
            .get::<axum::extract::MatchedPath>()
            .map(|path| Cow::Borrowed(path.as_str()))
    }

    #[cfg(not(feature = "axum"))]
    fn route(&self) -> Option<Cow<'_, str>> {
        None
    }

    fn uri_scheme(&self) -> Option<&str> {
        self.uri.scheme_str()
    }

    fn uri_authority(&self) -> Option<(&str, Option<u16>)> {
        self.uri
            .authority()
            .map(|authority| (authority.host(), authority.port_u16()))
    }

    fn over_tls(&self) -> bool {
        self.extensions.get::<TlsConnection>().is_some()
    }

    /// axum's `ConnectInfo<SocketAddr>`, present when the app is served with
    /// `into_make_service_with_connect_info::<SocketAddr>()`.
    #[cfg(feature = "axum")]
    fn peer(&self) -> Option<SocketAddr> {
        self.extensions
            .get::<axum::extract::ConnectInfo<SocketAddr>>()
            .map(|info| info.0)
    }

    #[cfg(not(feature = "axum"))]
    fn peer(&self) -> Option<SocketAddr> {
        None
    }

    fn excluded_by(&self, hooks: &Hooks<ServerHooks<Tower>>) -> bool {
        hooks.excludes(|exclude| exclude(self))
    }

    fn span_name(&self, hooks: &Hooks<ServerHooks<Tower>>) -> Option<Cow<'static, str>> {
        hooks.span_name.as_ref().and_then(|name| name(self))
    }

    fn add_span_attributes(&self, hooks: &Hooks<ServerHooks<Tower>>, span: &mut SpanAttributes<'_>) {
        if let Some(add) = &hooks.request_span_attributes {
            add(self, span);
        }
    }

    fn metric_attributes(&self, hooks: &Hooks<ServerHooks<Tower>>) -> Vec<KeyValue> {
        hooks.metric_attributes(|add, metric: &mut MetricAttributes<'_>| add(self, metric))
    }
}

/// A tower service's response, as its head and body.
pub(crate) struct TowerResponse<'a, B> {
    pub(crate) head: &'a mut ResponseParts,
    pub(crate) body: &'a B,
}

impl<B: Body> ServerResponse for TowerResponse<'_, B> {
    type Framework = Tower;
    type Headers = HeaderMap;

    fn status(&self) -> u16 {
        self.head.status.as_u16()
    }

    fn headers(&self) -> &HeaderMap {
        &self.head.headers
    }

    fn add_span_attributes(
        &self,
        hook: &<ServerHooks<Tower> as Signatures>::ResponseSpanAttributes,
        span: &mut SpanAttributes<'_>,
    ) {
        hook(self.head, span);
    }

    fn set_traceparent(&mut self, value: &str) {
        if let Ok(value) = HeaderValue::from_str(value) {
            self.head.headers.insert("traceparent", value);
        }
    }

    /// axum and hyper set `Content-Length` after this layer, from the body's size hint,
    /// so the hint is the usual source.
    fn body_size(&self) -> Option<u64> {
        content_length(
            self.head
                .headers
                .get(http::header::CONTENT_LENGTH)
                .map(HeaderValue::as_bytes),
        )
        .or_else(|| self.body.size_hint().exact())
    }
}
