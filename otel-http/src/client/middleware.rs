//! [`ClientMiddleware`], the client builder for reqwest-middleware (`ClientLayer<Reqwest>`,
//! its builder methods written once in `outgoing/layer.rs`): what its hooks see, and its
//! `Middleware` impl, which opens one CLIENT span and one duration measurement per
//! attempt, with the span's context injected into the outgoing headers.

use opentelemetry::Context;
use otel_kit_core::__private::call::CallFuture;
use reqwest::{Request, Response, Url};
use reqwest_middleware::{Middleware, Next};

use super::outcome::{error_description, error_type, exception_type};
use crate::ClientLayer;
use crate::conventions::from_switches::Side;
use crate::framework::Reqwest;
use crate::outgoing::call::Ended;
use crate::outgoing::extensions::OutgoingMarks;
use crate::outgoing::framework::ClientFramework;
use crate::outgoing::framework::sealed;
use crate::outgoing::instruments::{ClientInstruments, Instruments};
use crate::outgoing::start::RequestInfo;
use crate::outgoing::{Target, UrlTemplate};

/// reqwest-middleware middleware that traces and measures outgoing requests: the
/// [`ClientLayer`] for reqwest, with its conventions, settings and hooks (its methods
/// are documented there). Per attempt (each retry below a retry middleware too) it
/// opens a CLIENT span and records `http.client.request.duration`. See the
/// [module docs](crate::client) for the details.
///
/// ```
/// use otel_kit_http::ClientMiddleware;
/// use otel_kit_http::conventions::HeaderCapture;
///
/// let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
///     .with(
///         ClientMiddleware::default()
///             .capture_headers(HeaderCapture::default().response(["x-request-id"]))
///             .propagate_if(|url| url.host_str() != Some("api.partner.example")),
///     )
///     .build();
/// # drop(client);
/// ```
///
/// Its request hooks see the request and reqwest-middleware's extensions, as a pair, on
/// every attempt; `span_attributes_from_response` sees the response or the error the
/// rest of the chain returned; `propagate_if` sees the URL:
///
/// ```
/// use std::borrow::Cow;
///
/// use opentelemetry::KeyValue;
///
/// #[derive(Clone)]
/// struct Tenant(&'static str);
///
/// let middleware = otel_kit_http::ClientMiddleware::default()
///     // Polling a queue every second: not worth a span each time.
///     .exclude_when(|(request, _extensions)| request.url().path() == "/v1/queue/poll")
///     // Calls to the payment provider are named by what they do.
///     .span_name(|(request, _)| {
///         (request.url().host_str() == Some("api.payments.example")).then(|| Cow::Borrowed("payments"))
///     })
///     .span_attributes_from_request(|(_, extensions), span| {
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
///     .metric_attributes_from_request(|(_, extensions), metric| {
///         let batch = extensions.get::<&'static str>() == Some(&"batch");
///         metric.push(KeyValue::new("app.priority", if batch { "batch" } else { "interactive" }));
///     });
/// # drop(middleware);
/// ```
pub type ClientMiddleware = ClientLayer<Reqwest>;

impl sealed::Sealed for Reqwest {
    const NAME: &'static str = "ClientMiddleware";
    type Settings = ();
}

impl sealed::Resolves<ClientInstruments> for Reqwest {
    const SWITCHES: &'static [&'static str] = &["HTTP_CLIENT", "REQWEST"];

    otel_kit_core::__private::instruments_cache!(fn cache() -> Instruments<Reqwest>);
}

impl ClientFramework for Reqwest {
    type Request<'a> = (&'a Request, &'a http::Extensions);
    type Response<'a> = Result<&'a Response, &'a reqwest_middleware::Error>;
    type Destination = Url;
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

type Config = crate::outgoing::Config<Reqwest>;

#[async_trait::async_trait]
impl Middleware for ClientLayer<Reqwest> {
    async fn handle(
        &self,
        mut req: Request,
        extensions: &mut http::Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        let parent = Context::current();
        if Config::nested(extensions, &parent) {
            return next.run(req, extensions).await;
        }
        let config = &self.config;
        let propagate = config.propagates(extensions, |filter| filter(req.url()));
        if config.hooks.excludes(|exclude| exclude((&req, &*extensions))) {
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
            |add, span| add((&req, &*extensions), span),
            |name| name((&req, &*extensions)),
            |add, metric| add((&req, &*extensions), metric),
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

        // The span's context is current while the rest of the chain runs (nested
        // middlewares see the marker, and anything traced below is a child of the span)
        // and while the call ends, as `Call::finish` expects.
        let result = {
            let mut sending = std::pin::pin!(CallFuture::new(next.run(req, extensions), call));
            std::future::poll_fn(|task| sending.as_mut().poll_finish(task, end)).await
        };
        OutgoingMarks::update(extensions, |marks| marks.active = None);
        result
    }
}

/// Ends the call (when traced) with what the rest of the chain returned.
fn end(
    result: reqwest_middleware::Result<Response>,
    call: Option<crate::outgoing::call::Call<Reqwest>>,
) -> reqwest_middleware::Result<Response> {
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
        call.finish(ended, |add, span| add(result.as_ref(), span));
    }
    result
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
            .with(ClientMiddleware::default().providers(t.providers()))
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
