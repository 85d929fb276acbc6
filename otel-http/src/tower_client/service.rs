//! How the tower client layer's [`ClientService`](super::ClientService) sends each
//! request (its configuration's `InstrumentRequest` impl), and where a request goes
//! ([`target_of`]).

use std::borrow::Cow;
use std::sync::Arc;

use http::header::HOST;
use http::request::Parts;
use http::uri::Authority;
use http::{Request, Response, Uri};
use opentelemetry::Context;
use otel_kit_core::__private::call::CallFuture;
use otel_kit_core::__private::instrumented_service::InstrumentRequest;
use tower::Service;

use super::future::ResponseFuture;
use super::layer::Config;
use crate::conventions::from_switches::Side;
use crate::outgoing::Target;
use crate::outgoing::UrlTemplate;
use crate::outgoing::extensions::OutgoingMarks;
use crate::outgoing::start::RequestInfo;

impl<S, ReqBody, ResBody> InstrumentRequest<S, Request<ReqBody>> for Config
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    S::Error: std::error::Error + 'static,
{
    type Response = Response<ResBody>;
    type Future = ResponseFuture<S::Future>;

    fn call(shared: &Arc<Self>, inner: &mut S, request: Request<ReqBody>) -> Self::Future {
        let (mut parts, body) = request.into_parts();
        let parent = Context::current();
        let config = &**shared;
        if Config::nested(&parts.extensions, &parent) {
            let request = Request::from_parts(parts, body);
            return ResponseFuture::new(CallFuture::untraced(inner.call(request), None));
        }
        let propagate = config.propagates(&parts.extensions, |filter| filter(&parts));
        if config.hooks.excludes(|exclude| exclude(&parts)) {
            if propagate {
                config.inject_excluded(&parent, &mut parts.headers);
            }
            let request = Request::from_parts(parts, body);
            return ResponseFuture::new(CallFuture::untraced(inner.call(request), None));
        }

        let resends = OutgoingMarks::of(&parts.extensions).sent_before;
        let authority = authority_of(&parts);
        let target = target_of(&parts.uri, authority.as_ref());
        let info = RequestInfo::new(
            &parts.method,
            &target,
            config.http.known_methods(Side::Client),
            parts.extensions.get::<UrlTemplate>(),
            resends,
            config.http.value_limit(),
        );
        let plan = config.plan(
            info,
            |add, span| add(&parts, span),
            |name| name(&parts),
            |add, metric| add(&parts, metric),
        );
        let call = plan.start(
            shared,
            &parent,
            &target,
            &mut parts.headers,
            Some(&mut parts.extensions),
            propagate,
        );
        let request = Request::from_parts(parts, body);
        ResponseFuture::new(CallFuture::start(call, || inner.call(request)))
    }
}

/// The authority a request goes to: its URI's (absolute-form, as hyper-util's client
/// requires), else its `Host` header's (origin-form, as hyper's connection-level
/// `SendRequest` takes); `None` when neither names one.
fn authority_of(parts: &Parts) -> Option<Authority> {
    if let Some(authority) = parts.uri.authority() {
        return Some(authority.clone());
    }
    parts.headers.get(HOST)?.to_str().ok()?.parse().ok()
}

/// Where a request to `uri` goes, at `authority`: its host and port (else the scheme's
/// default), path and whole URL. A URI without a scheme is `http`: an origin-form
/// request names none, and TLS is below the layer.
pub(super) fn target_of<'a>(uri: &'a Uri, authority: Option<&'a Authority>) -> Target<'a> {
    let scheme = uri.scheme_str().unwrap_or("http");
    let port = authority.and_then(Authority::port_u16).or(match scheme {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    });
    let full = match (uri.authority(), authority) {
        (Some(_), _) => Cow::Owned(uri.to_string()),
        (None, Some(authority)) => {
            let path = uri.path_and_query().map_or("/", |p| p.as_str());
            Cow::Owned(format!("{scheme}://{authority}{path}"))
        }
        (None, None) => Cow::Owned(uri.to_string()),
    };
    Target {
        host: authority.map(|a| Target::bare_host(a.host())),
        port,
        path: uri.path(),
        full,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(uri: &str, host: Option<&str>) -> (Option<String>, Option<u16>, String) {
        let mut request = Request::get(uri);
        if let Some(host) = host {
            request = request.header(HOST, host);
        }
        let (parts, ()) = request.body(()).unwrap().into_parts();
        let authority = authority_of(&parts);
        let target = target_of(&parts.uri, authority.as_ref());
        (
            target.host.map(str::to_owned),
            target.port,
            target.full.into_owned(),
        )
    }

    #[test]
    fn absolute_and_origin_form_name_the_server() {
        assert_eq!(
            read("https://user:pw@api.example:8443/a?b=1", None),
            (
                Some("api.example".into()),
                Some(8443),
                "https://user:pw@api.example:8443/a?b=1".into()
            )
        );
        assert_eq!(
            read("http://[::1]/x", None),
            (Some("::1".into()), Some(80), "http://[::1]/x".into())
        );
        assert_eq!(
            read("/orders?page=2", Some("orders.internal:8080")),
            (
                Some("orders.internal".into()),
                Some(8080),
                "http://orders.internal:8080/orders?page=2".into()
            )
        );
        // Neither a URI authority nor a usable `Host`: no server, the URI as it is.
        assert_eq!(read("/x", Some("bad host")), (None, Some(80), "/x".into()));
        assert_eq!(read("/x", None), (None, Some(80), "/x".into()));
    }
}
