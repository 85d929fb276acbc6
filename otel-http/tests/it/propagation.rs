//! Propagation by hand (`otel_kit_http::propagation`): the same carriers over
//! `http::HeaderMap` and actix's header map, a context round-tripping through each, the
//! carrier rule on hostile headers (repeated and different `traceparent`s, values that
//! are not UTF-8, names that are no header names), and the global propagator's
//! `inject`/`extract` carrying a context from an awc request to an actix handler.

use std::time::Duration;

use actix_http::header::{HeaderMap as ActixHeaderMap, HeaderName as ActixName, HeaderValue as ActixValue};
use actix_web::{HttpRequest, HttpResponse, web};
use opentelemetry::Context;
use opentelemetry::propagation::{Extractor as _, Injector as _, TextMapPropagator as _};
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use otel_kit_http::propagation::{HeaderExtractor, HeaderInjector, extract, inject};
use otel_kit_testing::TestTelemetry;

use crate::support::actix::serve_actix;

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN: &str = "00f067aa0ba902b7";

fn remote() -> Context {
    Context::new().with_remote_span_context(SpanContext::new(
        TraceId::from_hex(TRACE).expect("a trace id"),
        SpanId::from_hex(SPAN).expect("a span id"),
        TraceFlags::SAMPLED,
        true,
        TraceState::default(),
    ))
}

fn span_id(cx: &Context) -> String {
    cx.span().span_context().span_id().to_string()
}

#[test]
fn a_context_round_trips_through_both_maps() {
    let propagator = TraceContextPropagator::new();

    let mut headers = http::HeaderMap::new();
    headers.insert("traceparent", "stale".parse().unwrap());
    propagator.inject_context(&remote(), &mut HeaderInjector(&mut headers));
    assert_eq!(
        headers.get_all("traceparent").iter().count(),
        1,
        "replaced, not appended"
    );
    let read = propagator.extract(&HeaderExtractor(&headers));
    assert_eq!(span_id(&read), SPAN);

    let mut actix = ActixHeaderMap::new();
    actix.insert(
        ActixName::from_static("traceparent"),
        ActixValue::from_static("stale"),
    );
    propagator.inject_context(&remote(), &mut HeaderInjector(&mut actix));
    assert_eq!(actix.get_all("traceparent").count(), 1, "replaced, not appended");
    let read = propagator.extract(&HeaderExtractor(&actix));
    assert_eq!(span_id(&read), SPAN);
    assert_eq!(read.span().span_context().trace_id().to_string(), TRACE);
}

#[test]
fn hostile_actix_headers_read_as_no_context_and_never_panic() {
    let propagator = TraceContextPropagator::new();
    let good = format!("00-{TRACE}-{SPAN}-01");

    // Two different traceparents: ambiguous, so none (the kit's carrier rule).
    let mut actix = ActixHeaderMap::new();
    actix.append(
        ActixName::from_static("traceparent"),
        ActixValue::from_str(&good).unwrap(),
    );
    actix.append(
        ActixName::from_static("traceparent"),
        ActixValue::from_static("00-11111111111111111111111111111111-2222222222222222-01"),
    );
    assert_eq!(HeaderExtractor(&actix).get("traceparent"), None);
    assert!(
        !propagator
            .extract(&HeaderExtractor(&actix))
            .span()
            .span_context()
            .is_valid()
    );

    // A value that is not UTF-8 is skipped as if absent.
    let mut actix = ActixHeaderMap::new();
    actix.insert(
        ActixName::from_static("traceparent"),
        ActixValue::from_bytes(b"\xff\xfe").unwrap(),
    );
    assert_eq!(HeaderExtractor(&actix).get("traceparent"), None);
    assert_eq!(HeaderExtractor(&actix).keys(), ["traceparent"]);

    // Names that are no header names, values that are no header values: nothing read,
    // nothing written, no panic.
    assert_eq!(HeaderExtractor(&actix).get("bad name\n"), None);
    assert_eq!(HeaderExtractor(&actix).get_all(""), None);
    HeaderInjector(&mut actix).set("bad name", "v".into());
    HeaderInjector(&mut actix).set("baggage", "a\r\nb".into());
    assert_eq!(actix.len(), 1);

    // A megabyte of baggage: read up to the carrier's bound, whole values only.
    let mut actix = ActixHeaderMap::new();
    let big = "k=".to_owned() + &"v".repeat(1 << 20);
    actix.append(ActixName::from_static("baggage"), ActixValue::from_static("a=1"));
    actix.append(
        ActixName::from_static("baggage"),
        ActixValue::from_str(&big).unwrap(),
    );
    actix.append(ActixName::from_static("baggage"), ActixValue::from_static("b=2"));
    let extractor = HeaderExtractor(&actix);
    let values = extractor.get_all("Baggage").expect("read");
    assert_eq!(
        values.len(),
        2,
        "the value crossing 8192 bytes is the last one read"
    );
}

#[test]
fn by_hand_from_an_awc_request_to_an_actix_handler() {
    let _guard = TestTelemetry::new().install_global(); // the W3C propagators, globally
    fn routes(config: &mut web::ServiceConfig) {
        config.route(
            "/echo",
            web::get().to(|request: HttpRequest| async move {
                // The handler reads the context out of actix's own header map.
                let cx = extract(request.headers());
                HttpResponse::Ok().body(span_id(&cx))
            }),
        );
    }
    // A server without the middleware: the handler extracts by hand.
    let base = serve_actix(
        otel_kit_http::actix::ServerMiddleware::default().exclude_when(|_| true),
        routes,
    );
    actix_web::rt::System::new().block_on(async move {
        // A plain awc client (no middleware): the context injected by hand.
        let client = awc::Client::default();
        let mut request = client.get(format!("{base}/echo")).timeout(Duration::from_secs(5));
        inject(&remote(), request.headers_mut());
        let mut response = request.send().await.expect("response");
        let body = response.body().await.expect("body");
        assert_eq!(std::str::from_utf8(&body).unwrap(), SPAN);
    });
}
