//! actix-web's request and response as the server core reads them
//! ([`ServerRequest`], [`ServerResponse`]): actix keeps its own header map and `http`
//! 0.2 types, so each is read through a wrapper here (no copy).

use std::borrow::Cow;
use std::net::SocketAddr;

use actix_web::HttpResponse;
use actix_web::body::{BodySize, MessageBody};
use actix_web::dev::{ResponseHead, ServiceRequest};
use actix_web::http::Version;
use actix_web::http::header::{
    self, HeaderMap, HeaderName as ActixHeaderName, HeaderValue as ActixHeaderValue,
};
use http::{HeaderName, Method};
use opentelemetry::KeyValue;
use otel_kit_core::__private::{carrier::HeaderSource, hooks::Hooks, hooks::Signatures};
use otel_kit_core::{MetricAttributes, SpanAttributes};

use crate::framework::Actix;
use crate::server::head::{ServerRequest, ServerResponse, content_length};
use crate::server::hooks::ServerHooks;

/// A request on its way through [`ServerMiddleware`](super::ServerMiddleware); the
/// hooks see the `ServiceRequest` inside.
pub(crate) struct ActixRequest(pub(crate) ServiceRequest);

/// actix's header map by the carrier rule: names are stored in lower case, so every
/// spelling is the exact one, and values come in the order they were added.
fn values<'a>(headers: &'a HeaderMap, name: &str) -> impl Iterator<Item = &'a [u8]> {
    headers.get_all(name).map(ActixHeaderValue::as_bytes)
}

fn names(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    headers.keys().map(ActixHeaderName::as_str)
}

impl HeaderSource for ActixRequest {
    fn values<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a [u8]> {
        values(self.0.headers(), name)
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        names(self.0.headers())
    }
}

impl ServerRequest for ActixRequest {
    type Framework = Actix;
    type Headers = Self;

    /// actix's `http` 0.2 method as `http` 1's: a standard one is matched by its bytes
    /// (no allocation).
    fn method(&self) -> Cow<'_, Method> {
        let method = Method::from_bytes(self.0.method().as_str().as_bytes()).unwrap_or_default();
        Cow::Owned(method)
    }

    fn path(&self) -> &str {
        self.0.path()
    }

    fn query(&self) -> Option<&str> {
        self.0.uri().query()
    }

    fn protocol_version(&self) -> Option<&'static str> {
        match self.0.version() {
            Version::HTTP_09 => Some("0.9"),
            Version::HTTP_10 => Some("1.0"),
            Version::HTTP_11 => Some("1.1"),
            Version::HTTP_2 => Some("2"),
            Version::HTTP_3 => Some("3"),
            _ => None,
        }
    }

    fn headers(&self) -> &Self {
        self
    }

    fn header(&self, name: &HeaderName) -> Option<&[u8]> {
        self.0
            .headers()
            .get(name.as_str())
            .map(ActixHeaderValue::as_bytes)
    }

    /// Not known yet: the middleware runs before routing. Looking actix's match
    /// pattern up by the path here would run the router's regular expressions a second
    /// time (a third of the middleware's cost); the response future takes it from the
    /// routed request instead ([`Call::routed`](crate::server::call::Call::routed)).
    fn route(&self) -> Option<Cow<'_, str>> {
        None
    }

    fn uri_scheme(&self) -> Option<&str> {
        self.0.uri().scheme_str()
    }

    fn uri_authority(&self) -> Option<(&str, Option<u16>)> {
        self.0
            .uri()
            .authority()
            .map(|authority| (authority.host(), authority.port_u16()))
    }

    /// actix knows per listener whether it terminates TLS (`bind_rustls_0_23`, ...).
    fn over_tls(&self) -> bool {
        self.0.app_config().secure()
    }

    fn peer(&self) -> Option<SocketAddr> {
        self.0.peer_addr()
    }

    fn excluded_by(&self, hooks: &Hooks<ServerHooks<Actix>>) -> bool {
        hooks.excludes(|exclude| exclude(&self.0))
    }

    fn span_name(&self, hooks: &Hooks<ServerHooks<Actix>>) -> Option<Cow<'static, str>> {
        hooks.span_name.as_ref().and_then(|name| name(&self.0))
    }

    fn add_span_attributes(&self, hooks: &Hooks<ServerHooks<Actix>>, span: &mut SpanAttributes<'_>) {
        if let Some(add) = &hooks.request_span_attributes {
            add(&self.0, span);
        }
    }

    fn metric_attributes(&self, hooks: &Hooks<ServerHooks<Actix>>) -> Vec<KeyValue> {
        hooks.metric_attributes(|add, metric: &mut MetricAttributes<'_>| add(&self.0, metric))
    }
}

/// The response the inner service answered with (or the one actix renders from its
/// error); the response hook sees its [`ResponseHead`].
pub(crate) struct ActixResponse<'a, B>(pub(crate) &'a mut HttpResponse<B>);

impl<B> HeaderSource for ActixResponse<'_, B> {
    fn values<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a [u8]> {
        values(self.0.headers(), name)
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        names(self.0.headers())
    }
}

impl<B: MessageBody> ServerResponse for ActixResponse<'_, B> {
    type Framework = Actix;
    type Headers = Self;

    fn status(&self) -> u16 {
        self.0.status().as_u16()
    }

    fn headers(&self) -> &Self {
        self
    }

    fn add_span_attributes(
        &self,
        hook: &<ServerHooks<Actix> as Signatures>::ResponseSpanAttributes,
        span: &mut SpanAttributes<'_>,
    ) {
        let head: &ResponseHead = self.0.head();
        hook(head, span);
    }

    fn set_traceparent(&mut self, value: &str) {
        if let Ok(value) = ActixHeaderValue::from_str(value) {
            self.0
                .headers_mut()
                .insert(ActixHeaderName::from_static("traceparent"), value);
        }
    }

    /// actix sets `Content-Length` when it writes the response, from the body's size.
    fn body_size(&self) -> Option<u64> {
        content_length(
            self.0
                .headers()
                .get(header::CONTENT_LENGTH)
                .map(ActixHeaderValue::as_bytes),
        )
        .or(match self.0.body().size() {
            BodySize::Sized(size) => Some(size),
            BodySize::None | BodySize::Stream => None,
        })
    }
}
