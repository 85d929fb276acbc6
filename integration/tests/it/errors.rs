//! A handler panic and a returned error, through `otel_kit_init::init()` to a collector:
//! both visible with their message, bounded and redacted (docs/errors.md). Each is one
//! `http.server.request.exception` log record in the request's span, and the span's
//! status description.

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use opentelemetry::trace::Status;
use otel_kit_core::__private::exception::MAX_MESSAGE_BYTES;
use otel_kit_http::ServerLayer;
use otel_kit_testing::{AttributeValue, SpanRecord};
use otel_kit_testing::{TestCollector, alone};
use tower::{Layer as _, ServiceExt as _};

const WAIT: Duration = Duration::from_secs(10);
/// A card number the default redaction scrubs, then more text than any message keeps.
const CARD: &str = "4111-1111-1111-1111";

fn message(what: &str) -> String {
    format!("{what} for card {CARD}: {}", "context ".repeat(1000))
}

/// An error a tower service returns (axum's handlers cannot).
#[derive(Debug)]
struct PaymentError(String);

impl std::fmt::Display for PaymentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PaymentError {}

fn description(span: &SpanRecord) -> String {
    match &span.status {
        Status::Error { description } => description.to_string(),
        other => panic!("{}: status {other:?}", span.name),
    }
}

/// Bounded, the secret scrubbed, the start of the message kept.
fn assert_bounded_and_redacted(what: &str, text: &str, starts: &str) {
    assert!(text.len() <= MAX_MESSAGE_BYTES, "{what}: {} bytes", text.len());
    assert!(
        !text.contains(CARD) && text.contains("[REDACTED:card]"),
        "{what}: {text}"
    );
    assert!(text.starts_with(starts), "{what}: {text}");
}

#[test]
fn a_panic_and_a_returned_error_reach_the_collector_bounded_and_redacted() {
    alone(
        "errors::a_panic_and_a_returned_error_reach_the_collector_bounded_and_redacted",
        || {
            crate::block_on(panic_and_error());
        },
    );
}

async fn panic_and_error() {
    let collector = TestCollector::start().await.expect("collector");
    let endpoint = collector.endpoint();
    let telemetry = otel_kit_init::builder()
        .service_name("errors-app")
        .environment(move |key| match key {
            "OTEL_EXPORTER_OTLP_ENDPOINT" => Some(endpoint.clone()),
            "OTEL_EXPORTER_OTLP_PROTOCOL" => Some("http/protobuf".into()),
            "OTEL_BSP_SCHEDULE_DELAY" | "OTEL_BLRP_SCHEDULE_DELAY" => Some("50".into()),
            _ => None,
        })
        .init()
        .expect("init");

    // A panic in an axum handler.
    let app = Router::new()
        .route(
            "/pay",
            get(|| async {
                if true {
                    panic!("{}", message("payment exploded"));
                }
            }),
        )
        .layer(ServerLayer::new());
    let request = || {
        axum::http::Request::get("/pay")
            .body(axum::body::Body::empty())
            .expect("request")
    };
    let joined = tokio::spawn(app.oneshot(request())).await;
    assert!(joined.is_err_and(|e| e.is_panic()), "the panic unwinds on");

    // An error a service returns.
    let failing = ServerLayer::new().layer(tower::service_fn(
        |_: axum::http::Request<axum::body::Body>| async {
            Err::<axum::http::Response<axum::body::Body>, _>(PaymentError(message("payment declined")))
        },
    ));
    let _: Result<_, PaymentError> = failing.oneshot(request()).await.map(|_| ());

    tokio::task::spawn_blocking(move || {
        telemetry.force_flush().expect("flush");
        telemetry.shutdown().expect("shutdown");
    })
    .await
    .expect("flush");

    let spans = collector.wait_for_spans(2, WAIT).await;
    // No router below the second layer, so no route in its span's name.
    let panicked = spans.span("GET /pay").has_attribute("error.type", "panic");
    let declined = spans.span("GET");
    assert_bounded_and_redacted(
        "panic description",
        &description(panicked.record()),
        "payment exploded for card",
    );
    let declined = declined.has_attribute("error.type", concat!(module_path!(), "::PaymentError"));
    assert_bounded_and_redacted(
        "error description",
        &description(declined.record()),
        "payment declined for card",
    );

    let logs = collector.logs();
    let exception_events = logs
        .as_slice()
        .iter()
        .filter(|r| r.event_name.ends_with(".exception"))
        .count();
    assert_eq!(exception_events, 2, "one per failed request: {}", logs.listing());
    let of_type = |exception_type: &'static str| {
        move |r: &otel_kit_testing::LogRecord| {
            r.event_name == "http.server.request.exception"
                && r.attribute("exception.type").and_then(|v| v.as_str()) == Some(exception_type)
        }
    };
    let exceptions = [
        ("the panic", "panic", &panicked, "payment exploded for card"),
        (
            "the returned error",
            concat!(module_path!(), "::PaymentError"),
            &declined,
            "payment declined for card",
        ),
    ];
    for (what, exception_type, span, starts) in exceptions {
        let event = logs
            .record_where(what, of_type(exception_type))
            .has_severity(opentelemetry::logs::Severity::Error)
            .is_in_span(span);
        match event.record().attribute("exception.message") {
            Some(AttributeValue::String(text)) => {
                assert_bounded_and_redacted(&format!("{what}'s exception.message"), text, starts);
            }
            other => panic!("{what}'s exception.message: {other:?}"),
        }
    }
    collector.shutdown().await;
}
