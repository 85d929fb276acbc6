//! Redaction with the globals `init()` installs: `tracing` spans and events through the
//! installed subscriber, and the `baggage` header written by the global propagator.
//! Runs in its own process: the globals are process-wide.

use std::collections::HashMap;
use std::time::Duration;

use opentelemetry::baggage::BaggageExt as _;
use opentelemetry::propagation::TextMapPropagator as _;
use opentelemetry::{Context, KeyValue};
use otel_kit_init::redaction::{Redaction, Scrub};
use otel_kit_init::subscriber::SpanEvents;
use otel_kit_testing::{AttributeValue, TestCollector};

use crate::support::env;
use crate::support::own_process::ran_in_own_process;

const WAIT: Duration = Duration::from_secs(10);

fn text<'a>(attributes: &'a [(String, AttributeValue)], key: &str) -> Option<&'a str> {
    attributes
        .iter()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| v.as_str())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tracing_events_and_outgoing_baggage_are_redacted() {
    if ran_in_own_process(module_path!(), "tracing_events_and_outgoing_baggage_are_redacted") {
        return;
    }
    let collector = TestCollector::start().await.expect("collector");
    let t = otel_kit_init::builder()
        .environment(env(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &collector.endpoint()),
            ("OTEL_SERVICE_NAME", "shop"),
            ("OTEL_BSP_SCHEDULE_DELAY", "50"),
            ("OTEL_BLRP_SCHEDULE_DELAY", "50"),
            ("OTEL_METRICS_EXPORTER", "none"),
            ("RUST_LOG", "info"),
        ]))
        .redaction(
            Redaction::default()
                .drop_keys(["user.ssn"])
                .hash_keys(["user.id"], "0123456789abcdef-secret")
                .scrub([Scrub::Email]),
        )
        // The event is also a span event, so both copies are checked.
        .span_events(SpanEvents::Recorded)
        .init()
        .expect("init");

    tracing::info_span!("pay", user.email = "ada@example.com", auth.token = "t0k3n").in_scope(|| {
        tracing::warn!(
            user.ssn = "078-05-1120",
            note = "card 4111 1111 1111 1111",
            "declined for ada@example.com"
        );
    });

    // The log record made from the event.
    let logs = collector.wait_for_logs(1, WAIT).await;
    let record = logs
        .as_slice()
        .iter()
        .find(|r| r.body.as_str().is_some_and(|b| b.starts_with("declined")))
        .expect("the event's record");
    assert_eq!(record.body.as_str(), Some("declined for [REDACTED:email]"));
    assert_eq!(text(&record.attributes, "note"), Some("card [REDACTED:card]"));
    assert!(record.attribute("user.ssn").is_none(), "{:?}", record.attributes);

    // The span, and the same event recorded on it.
    let spans = collector.wait_for_spans(1, WAIT).await;
    let span = spans.find("pay").expect("span");
    assert_eq!(text(&span.attributes, "user.email"), Some("[REDACTED:email]"));
    assert!(span.attribute("auth.token").is_none(), "{:?}", span.attributes);
    let event = span.events.first().expect("event");
    assert_eq!(text(&event.attributes, "note"), Some("card [REDACTED:card]"));
    assert!(!event.attributes.iter().any(|(k, _)| k == "user.ssn"));

    // Outgoing baggage through the global propagator; extraction untouched.
    let cx = Context::new().with_baggage([
        KeyValue::new("user.id", "ada@example.com"),
        KeyValue::new("user.ssn", "078-05-1120"),
        KeyValue::new("note", "mail ada@example.com"),
        KeyValue::new("tenant", "acme"),
    ]);
    let mut headers: HashMap<String, String> = HashMap::new();
    otel_kit_propagators::inject_into(&cx, &mut headers);
    let baggage = &headers["baggage"];
    assert!(
        !baggage.contains("ada@example.com") && !baggage.contains("078-05"),
        "{baggage}"
    );
    assert!(baggage.contains("tenant=acme"), "{baggage}");
    assert!(baggage.contains("note=mail%20[REDACTED:email]"), "{baggage}");
    assert!(baggage.contains("user.id=hmac-sha256:"), "{baggage}");
    assert!(!baggage.contains("user.ssn"), "{baggage}");

    let incoming = HashMap::from([("baggage".to_owned(), "user.ssn=1,tenant=acme".to_owned())]);
    let extracted = otel_kit_propagators::extract(&incoming);
    assert_eq!(extracted.baggage().get("user.ssn").map(|v| v.as_str()), Some("1"));
    assert!(
        t.propagators().redactor().is_some(),
        "the read-back propagators redact too: {:?}",
        t.propagators()
    );
    let mut again = HashMap::new();
    t.propagators().inject_context(&cx, &mut again);
    let members = |h: &str| {
        let mut m: Vec<String> = h.split(',').map(str::to_owned).collect();
        m.sort();
        m
    };
    assert_eq!(
        members(&again["baggage"]),
        members(baggage),
        "same members (order is a hash map's)"
    );

    tokio::task::spawn_blocking(move || t.shutdown())
        .await
        .expect("join")
        .expect("shutdown");
}
