//! [`ClientService`]'s `Service` impl over awc's `ConnectRequest`: where a request goes
//! ([`target_of`]), its headers as the client core writes and reads them
//! ([`AwcRequestHeaders`]), and the CLIENT span started around the connector's call.

use std::borrow::Cow;

use ::awc::error::SendRequestError;
use ::awc::{ConnectRequest, ConnectResponse};
use actix_http::header::{HeaderMap, HeaderValue};
use actix_http::{RequestHead, RequestHeadType, Uri};
use actix_service::Service;
use http::Method;
use opentelemetry::Context;
use opentelemetry::propagation::Injector;
use otel_kit_core::__private::call::CallFuture;
use otel_kit_core::__private::carrier::HeaderSource;

use super::future::{AwcCall, ResponseFuture};
use super::middleware::{ClientService, Config};
use crate::conventions::from_switches::Side;
use crate::outgoing::Target;
use crate::outgoing::start::{RequestHeaders, RequestInfo};
use crate::propagation::HeaderInjector;

impl<S> Service<ConnectRequest> for ClientService<S>
where
    S: Service<ConnectRequest, Response = ConnectResponse, Error = SendRequestError>,
{
    type Response = ConnectResponse;
    type Error = SendRequestError;
    type Future = ResponseFuture<S::Future>;

    actix_service::forward_ready!(inner);

    fn call(&self, request: ConnectRequest) -> Self::Future {
        // A WebSocket handshake (a tunnel) is no request-response exchange: sent as is.
        let ConnectRequest::Client(mut head, body, addr) = request else {
            return ResponseFuture::new(CallFuture::untraced(self.inner.call(request), None));
        };
        let parent = Context::current();
        let config: &Config = &self.config;
        let propagate = config.propagates(&http::Extensions::new(), |filter| filter(head.as_ref()));
        if config.hooks.excludes(|exclude| exclude(head.as_ref())) {
            if propagate {
                config.inject_excluded(&parent, &mut AwcRequestHeaders(&mut head));
            }
            let request = ConnectRequest::Client(head, body, addr);
            return ResponseFuture::new(CallFuture::untraced(self.inner.call(request), None));
        }

        // Copied out (`Uri` shares its bytes): the head's headers change below.
        let (method, uri) = {
            let request_head: &RequestHead = head.as_ref();
            (method_of(&request_head.method), request_head.uri.clone())
        };
        let target = target_of(&uri);
        let info = RequestInfo::new(
            &method,
            &target,
            config.http.known_methods(Side::Client),
            None,
            0,
            config.http.value_limit(),
        );
        let plan = config.plan(
            info,
            |add, span| add(head.as_ref(), span),
            |name| name(head.as_ref()),
            |add, metric| add(head.as_ref(), metric),
        );
        let call = plan.start(
            &self.config,
            &parent,
            &target,
            &mut AwcRequestHeaders(&mut head),
            None,
            propagate,
        );
        let deadline = config
            .settings
            .client_timeout
            .and_then(|timeout| call.started_at().checked_add(timeout));
        let call = AwcCall::new(call, deadline);
        let request = ConnectRequest::Client(head, body, addr);
        ResponseFuture::new(CallFuture::start(call, || self.inner.call(request)))
    }
}

/// actix's `http` 0.2 method as `http` 1's; a standard one is matched by its bytes.
fn method_of(method: &actix_http::Method) -> Method {
    Method::from_bytes(method.as_str().as_bytes()).unwrap_or_default()
}

/// Where a request to `uri` goes: its host and port (else the scheme's default), path
/// and whole URL. awc sends only absolute URIs (it refuses the others before any
/// middleware runs).
pub(super) fn target_of(uri: &Uri) -> Target<'_> {
    let port = uri.port_u16().or(match uri.scheme_str() {
        Some("https" | "wss") => Some(443),
        Some("http" | "ws") => Some(80),
        _ => None,
    });
    Target {
        host: uri.host().map(Target::bare_host),
        port,
        path: uri.path(),
        full: Cow::Owned(uri.to_string()),
    }
}

/// An awc request's headers: its head's, and for a request sent from a
/// `FrozenClientRequest` the extra headers of this send, which awc writes over the
/// frozen ones of the same name. The propagator writes into the extra headers there:
/// the frozen head is shared by every send.
pub(super) struct AwcRequestHeaders<'a>(pub(super) &'a mut RequestHeadType);

impl RequestHeaders for AwcRequestHeaders<'_> {
    type Source = Self;

    fn injector(&mut self) -> impl Injector + '_ {
        match self.0 {
            RequestHeadType::Owned(head) => HeaderInjector(&mut head.headers),
            RequestHeadType::Rc(_, extra) => HeaderInjector(extra.get_or_insert_with(HeaderMap::new)),
        }
    }

    fn source(&self) -> &Self {
        self
    }
}

impl HeaderSource for AwcRequestHeaders<'_> {
    fn values<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a [u8]> {
        let extra = self.0.extra_headers();
        // An extra header hides the frozen one of the same name, as awc sends them.
        let hidden = extra.is_some_and(|extra| extra.contains_key(name));
        let extra_values = extra.map(|extra| extra.get_all(name));
        let frozen_values = (!hidden).then(|| self.0.as_ref().headers.get_all(name));
        extra_values
            .into_iter()
            .flatten()
            .chain(frozen_values.into_iter().flatten())
            .map(HeaderValue::as_bytes)
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        let extra = self.0.extra_headers();
        let frozen = &self.0.as_ref().headers;
        let extra_names = extra.into_iter().flat_map(HeaderMap::keys);
        let frozen_names = frozen
            .keys()
            .filter(move |name| !extra.is_some_and(|extra| extra.contains_key(*name)));
        extra_names.chain(frozen_names).map(|name| name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(uri: &str) -> (Option<String>, Option<u16>, String) {
        let uri: Uri = uri.parse().unwrap();
        let target = target_of(&uri);
        (
            target.host.map(str::to_owned),
            target.port,
            target.full.into_owned(),
        )
    }

    #[test]
    fn the_uri_names_the_server() {
        assert_eq!(
            read("https://user:pw@api.example:8443/a?b=1"),
            (
                Some("api.example".into()),
                Some(8443),
                "https://user:pw@api.example:8443/a?b=1".into()
            )
        );
        assert_eq!(
            read("http://[::1]/x"),
            (Some("::1".into()), Some(80), "http://[::1]/x".into())
        );
        assert_eq!(read("/x"), (None, None, "/x".into()));
    }

    #[test]
    fn extra_headers_hide_the_frozen_ones() {
        let mut frozen = RequestHead::default();
        frozen
            .headers
            .insert("x-a".parse().unwrap(), "frozen".parse().unwrap());
        frozen
            .headers
            .insert("x-b".parse().unwrap(), "kept".parse().unwrap());
        let mut extra = HeaderMap::new();
        extra.insert("x-a".parse().unwrap(), "extra".parse().unwrap());
        let mut head = RequestHeadType::Rc(std::rc::Rc::new(frozen), Some(extra));
        let headers = AwcRequestHeaders(&mut head);
        assert_eq!(headers.values("x-a").collect::<Vec<_>>(), [b"extra"]);
        assert_eq!(headers.values("x-b").collect::<Vec<_>>(), [b"kept"]);
        assert_eq!(headers.values("bad name").count(), 0);
        let mut names: Vec<&str> = headers.names().collect();
        names.sort_unstable();
        assert_eq!(names, ["x-a", "x-b"]);

        // The propagator writes into the extra headers; the frozen head is shared.
        let mut headers = AwcRequestHeaders(&mut head);
        headers.injector().set("traceparent", "00-x".into());
        let RequestHeadType::Rc(frozen, Some(extra)) = &head else {
            panic!("still frozen");
        };
        assert!(extra.contains_key("traceparent"));
        assert!(!frozen.headers.contains_key("traceparent"));
    }
}
