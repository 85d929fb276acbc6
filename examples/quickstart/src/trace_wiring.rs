//! TEMPORARY hand wiring of HTTP spans and trace-context propagation. `otel-http` will
//! provide both (a tower layer for the server, reqwest middleware for the client); when
//! it lands, this file is deleted and `main.rs` uses those instead.
//!
//! - [`server_span`]: a server span per request, continuing the caller's trace from the
//!   `traceparent` header.
//! - [`send`]: a client span per outgoing request, its context written into the headers.
//!
//! Both use the global propagator that `otel_init` installs (W3C trace context and
//! baggage by default, `OTEL_PROPAGATORS` to change it).

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use otel_init::propagation::{HeaderExtractor, HeaderInjector, extract_from, inject_into};
use tracing::Instrument as _;
use tracing::field::Empty;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

/// Routes without spans: health probes would drown the real traffic.
const UNTRACED: &[&str] = &["/health"];

/// axum middleware (`axum::middleware::from_fn`): wraps each request in a server span
/// named `{method} {route}`, a child of the caller's span when the headers carry one.
pub(crate) async fn server_span(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned());
    if route.as_deref().is_some_and(|r| UNTRACED.contains(&r)) {
        return next.run(request).await;
    }
    let method = request.method().as_str().to_owned();
    // Without a matched route (a 404) the name is just the method: paths are unbounded.
    let name = route
        .as_ref()
        .map_or_else(|| method.clone(), |r| format!("{method} {r}"));
    let span = tracing::info_span!(
        "http server",
        otel.name = name,
        otel.kind = "server",
        otel.status_code = Empty,
        http.request.method = method,
        http.route = route,
        http.response.status_code = Empty,
    );
    // Before the span is first entered: afterwards its parent can no longer change.
    // This fails only without the OpenTelemetry layer, when there is nothing to parent.
    let _ = span.set_parent(extract_from(&HeaderExtractor(request.headers())));

    let response = next.run(request).instrument(span.clone()).await;
    let status = response.status();
    // An i64: tracing-opentelemetry records unsigned integers as strings.
    span.record("http.response.status_code", i64::from(status.as_u16()));
    if status.is_server_error() {
        span.record("otel.status_code", "error");
    }
    response
}

/// Sends `request` inside a client span named after its method, with the span's
/// context injected into the request headers.
pub(crate) async fn send(
    client: &reqwest::Client,
    mut request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    let url = request.url();
    let span = tracing::info_span!(
        "http client",
        otel.name = request.method().as_str(),
        otel.kind = "client",
        otel.status_code = Empty,
        http.request.method = request.method().as_str(),
        url.full = url.as_str(),
        server.address = url.host_str(),
        server.port = url.port_or_known_default().map(i64::from),
        http.response.status_code = Empty,
    );
    // The current span (the server span) is this span's parent; reading the context
    // starts the OpenTelemetry span, so this comes after everything else is set.
    inject_into(&span.context(), &mut HeaderInjector(request.headers_mut()));

    let result = client.execute(request).instrument(span.clone()).await;
    match &result {
        Ok(response) => span.record("http.response.status_code", i64::from(response.status().as_u16())),
        Err(_) => span.record("otel.status_code", "error"),
    };
    result
}
