//! `otel_kit.server.incoming_context` through real HTTP round trips, on the tower layer
//! (axum) and the actix-web middleware: each request counted by the state of its
//! incoming trace context (valid, absent, invalid), hostile headers included, as a
//! counter of its own (never an attribute of the duration metric), checked by the
//! registry check. The harness's propagator is W3C trace context and baggage, so a
//! `b3` header is absent, not invalid.

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use otel_kit_http::ServerLayer;
use otel_kit_http::actix::ServerMiddleware;
use otel_kit_testing::{Conformance, TestTelemetry};
use reqwest::header::{HeaderName, HeaderValue};

use crate::support::actix::serve_actix;
use crate::support::server::{PARENT, TRACE, serve, traceparent};

const NAME: &str = "otel_kit.server.incoming_context";
const STATE: &str = "otel_kit.context.state";

/// A request's propagation headers, what it is, and its expected state.
struct Case {
    headers: Vec<(&'static str, Vec<u8>)>,
    what: &'static str,
}

/// The cases, in three groups: absent, valid, invalid. `hostile_bytes` is the size of
/// the oversized `traceparent`.
fn cases(hostile_bytes: usize) -> [(Case, &'static str); 8] {
    let valid = traceparent(TRACE, PARENT).into_bytes();
    let mut oversized = valid.clone();
    oversized.resize(hostile_bytes, b'0');
    let case = |headers: Vec<(&'static str, Vec<u8>)>, what| Case { headers, what };
    [
        (case(vec![], "no header"), "absent"),
        (
            case(vec![("baggage", b"tenant.id=acme".to_vec())], "baggage alone"),
            "absent",
        ),
        (
            case(
                vec![(
                    "b3",
                    b"80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1".to_vec(),
                )],
                "b3, not configured",
            ),
            "absent",
        ),
        (case(vec![("traceparent", valid.clone())], "a parent"), "valid"),
        (
            case(
                vec![("traceparent", valid), ("baggage", b"user.tier=gold".to_vec())],
                "a parent and baggage",
            ),
            "valid",
        ),
        (
            case(vec![("traceparent", b"00-garbage".to_vec())], "malformed"),
            "invalid",
        ),
        (
            case(
                vec![("traceparent", b"\xff\xfe\x80\x81 not text".to_vec())],
                "garbage bytes",
            ),
            "invalid",
        ),
        (case(vec![("traceparent", oversized)], "oversized"), "invalid"),
    ]
}

/// Sends every case to `base`; each must be served.
async fn send(base: &str, hostile_bytes: usize) {
    let client = reqwest::Client::new();
    for (case, _) in cases(hostile_bytes) {
        let mut request = client.get(format!("{base}/users/1"));
        for (name, value) in case.headers {
            request = request.header(
                HeaderName::from_static(name),
                HeaderValue::from_bytes(&value).expect("a header value"),
            );
        }
        let response = request.send().await.expect("a response");
        assert_eq!(response.status(), 200, "{}", case.what);
    }
}

/// The counter's points: 3 absent, 2 valid, 3 invalid; the duration metric carries no
/// state; the registry check passes.
async fn assert_counted(t: &TestTelemetry) {
    t.wait_for_spans(8, Duration::from_secs(5)).await;
    let metrics = t.metrics();
    let counter = metrics.metric(NAME).has_unit("{request}").has_point_count(3);
    for (state, count) in [("absent", 3), ("valid", 2), ("invalid", 3)] {
        counter.point(&[(STATE, state.into())]).has_value(count);
    }
    let duration = metrics
        .metric("http.server.request.duration")
        .histogram_point(&[])
        .has_count(8);
    assert!(
        !duration.record().attributes.iter().any(|(key, _)| key == STATE),
        "the state is a counter of its own"
    );
    Conformance::semconv()
        .check_metrics(&metrics)
        .report()
        .assert_conforms();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tower_counts_each_request_by_its_incoming_context() {
    let t = TestTelemetry::new();
    let app = Router::new()
        .route("/users/{id}", get(|| async { "user" }))
        .layer(ServerLayer::new().providers(t.providers()));
    let base = serve(app).await;
    // 400 KiB: within hyper's default header buffer (about 408 KiB).
    send(&base, 400 * 1024).await;
    assert_counted(&t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actix_counts_each_request_by_its_incoming_context() {
    let t = TestTelemetry::new();
    let base = serve_actix(ServerMiddleware::default().providers(t.providers()), |config| {
        config.route("/users/{id}", actix_web::web::get().to(|| async { "user" }));
    });
    // actix-web refuses a request head over 32 KiB itself (431), before any
    // middleware: the largest it serves is what reaches the middleware.
    send(&base, 24 * 1024).await;
    assert_counted(&t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn excluded_requests_are_not_counted() {
    let t = TestTelemetry::new();
    let app = Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/users/{id}", get(|| async { "user" }))
        .layer(
            ServerLayer::new()
                .providers(t.providers())
                .exclude_path("/health"),
        );
    let base = serve(app).await;
    let client = reqwest::Client::new();
    for path in ["/health", "/users/1"] {
        client
            .get(format!("{base}{path}"))
            .header("traceparent", "00-garbage")
            .send()
            .await
            .expect("a response");
    }
    t.wait_for_spans(1, Duration::from_secs(5)).await;
    t.metrics()
        .metric(NAME)
        .has_point_count(1)
        .point(&[(STATE, "invalid".into())])
        .has_value(1);
}
