//! `PrivacyCheck` finds each detector's planted value in a span attribute, a span event,
//! a log record and a metric attribute, names where, and passes on clean telemetry; IP
//! addresses only when asked, and never in the conventions' address attributes.

use opentelemetry::KeyValue;
use opentelemetry::trace::{Span as _, Tracer as _};
use otel_kit_testing::TestTelemetry;
use otel_kit_testing::privacy::{Detector, Finding, PrivacyCheck, Scrub};

/// A value each detector matches, inside other text.
const PLANTED: [(Scrub, &str); 5] = [
    (Scrub::Email, "contact ada@example.com soon"),
    (Scrub::Card, "paid with 4111 1111 1111 1111"),
    (Scrub::Ssn, "ssn 078-05-1120 on file"),
    (Scrub::Bearer, "Bearer mF_9.B5f-4.1JqM0123456789abcdef"),
    (
        Scrub::Jwt,
        "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
    ),
];

fn plant(t: &TestTelemetry, value: &str) {
    let tracer = t.tracer("app");
    let mut span = tracer.start("checkout");
    span.set_attribute(KeyValue::new("app.note", value.to_owned()));
    span.add_event("step", vec![KeyValue::new("app.detail", value.to_owned())]);
    span.end();
    t.in_scope(|| tracing::info!(app.comment = value, "order placed"));
    t.meter("app")
        .u64_counter("orders")
        .build()
        .add(1, &[KeyValue::new("app.label", value.to_owned())]);
}

fn places(found: &[Finding], detector: Detector) -> Vec<String> {
    found
        .iter()
        .filter(|f| f.detector == detector)
        .map(|f| format!("{} {}", f.item.split(' ').next().unwrap_or_default(), f.attribute))
        .collect()
}

#[test]
fn each_detector_finds_its_value_in_a_span_an_event_a_log_record_and_a_metric() {
    for (kind, value) in PLANTED {
        let t = TestTelemetry::new();
        plant(&t, value);
        let found = PrivacyCheck::new().findings(&t);
        let mut at = places(&found, Detector::Scrub(kind));
        at.sort();
        assert_eq!(
            at,
            [
                "log app.comment",
                "metric app.label",
                "span app.note",
                "span event \"step\" app.detail"
            ],
            "{kind}: {found:#?}"
        );
        for f in &found {
            assert!(!f.masked.contains(value), "the finding masks the value: {f:?}");
            assert!(f.masked.contains(kind.marker()), "{f:?}");
        }
        // Only the detectors asked for run.
        let others: Vec<Scrub> = Scrub::ALL.into_iter().filter(|k| *k != kind).collect();
        assert!(PrivacyCheck::new().only(others).findings(&t).is_empty(), "{kind}");
    }
}

#[test]
fn a_card_number_kept_as_an_integer_is_found() {
    let t = TestTelemetry::new();
    let tracer = t.tracer("app");
    tracer.in_span("pay", |cx| {
        use opentelemetry::trace::TraceContextExt as _;
        cx.span()
            .set_attribute(KeyValue::new("app.card", 4_111_111_111_111_111_i64));
        cx.span()
            .set_attribute(KeyValue::new("app.order_id", 4_111_111_111_111_112_i64));
    });
    let found = PrivacyCheck::new().findings(&t);
    assert_eq!(
        places(&found, Detector::Scrub(Scrub::Card)),
        ["span app.card"],
        "{found:#?}"
    );
}

#[test]
fn the_failure_names_item_attribute_and_detector_with_the_waterfall() {
    let t = TestTelemetry::new();
    plant(&t, "contact ada@example.com soon");
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| t.assert_no_personal_data()))
        .expect_err("an e-mail address is reported");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("span \"checkout\""), "{message}");
    assert!(message.contains("app.note: email"), "{message}");
    assert!(
        message.contains("log record \"order placed\" app.comment: email"),
        "{message}"
    );
    assert!(
        message.contains("metric \"orders\" app.label: email"),
        "{message}"
    );
    assert!(
        message.contains("[REDACTED:email]") && !message.contains("ada@example.com"),
        "{message}"
    );
    assert!(
        message.contains("\ntrace "),
        "the waterfall of the trace: {message}"
    );
}

#[test]
fn ip_addresses_only_when_asked_and_not_in_the_address_attributes() {
    let t = TestTelemetry::new();
    let tracer = t.tracer("app");
    tracer.in_span("GET /users", |cx| {
        use opentelemetry::trace::TraceContextExt as _;
        cx.span()
            .set_attribute(KeyValue::new("client.address", "203.0.113.7"));
        cx.span()
            .set_attribute(KeyValue::new("server.address", "2001:db8::1"));
        cx.span().set_attribute(KeyValue::new(
            "http.request.header.x-forwarded-for",
            opentelemetry::Value::Array(
                vec![opentelemetry::StringValue::from("198.51.100.23, 10.0.0.1")].into(),
            ),
        ));
        cx.span()
            .set_attribute(KeyValue::new("app.loopback", "127.0.0.1:8080"));
    });
    assert!(
        PrivacyCheck::new().findings(&t).is_empty(),
        "no IP detector by default"
    );
    let found = PrivacyCheck::new().ip_addresses().findings(&t);
    assert_eq!(
        places(&found, Detector::IpAddress),
        ["span http.request.header.x-forwarded-for[0]"],
        "{found:#?}"
    );
    assert_eq!(found[0].masked, "[IP], [IP]");
}

#[test]
fn clean_telemetry_passes() {
    let t = TestTelemetry::new();
    plant(&t, "order 1234 for customer 42 at 12:30, version 1.2.3");
    PrivacyCheck::new().ip_addresses().assert(&t);
    t.assert_no_personal_data();
}
