//! Redaction end to end: `otel_kit_init::builder()...init()` exporting over OTLP to the
//! in-process collector, each rule seen on what the collector receives. Globals stay off
//! here (see `globals.rs` for `tracing` events and the global propagator).

use std::time::Duration;

use opentelemetry::logs::{LogRecord as _, Logger as _, LoggerProvider as _, Severity};
use opentelemetry::trace::{Link, Span as _, SpanContext, Status, Tracer as _};
use opentelemetry::trace::{SpanId, TraceFlags, TraceId, TraceState, TracerProvider as _};
use opentelemetry::{Context, KeyValue};
use otel_kit_init::Telemetry;
use otel_kit_init::redaction::{Redaction, Scrub};
use otel_kit_testing::{AttributeValue, SpanRecord, TestCollector};

use crate::support::env;

const WAIT: Duration = Duration::from_secs(10);
const SECRET: &str = "0123456789abcdef-test-secret";

pub(super) fn init(endpoint: &str, redaction: Option<Redaction>, extra: &[(&str, &str)]) -> Telemetry {
    let mut pairs = vec![
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
        ("OTEL_BSP_SCHEDULE_DELAY", "50"),
        ("OTEL_BLRP_SCHEDULE_DELAY", "50"),
        ("OTEL_METRICS_EXPORTER", "none"),
        ("OTEL_SERVICE_NAME", "shop"),
    ];
    pairs.extend_from_slice(extra);
    let builder = otel_kit_init::builder()
        .without_globals()
        .environment(env(&pairs));
    match redaction {
        Some(r) => builder.redaction(r),
        None => builder,
    }
    .init()
    .expect("init")
}

pub(super) async fn shutdown(t: Telemetry) {
    tokio::task::spawn_blocking(move || t.shutdown())
        .await
        .expect("join")
        .expect("shutdown");
}

pub(super) fn text<'a>(attributes: &'a [(String, AttributeValue)], key: &str) -> Option<&'a str> {
    attributes
        .iter()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| v.as_str())
}

fn keys(attributes: &[(String, AttributeValue)]) -> Vec<&str> {
    attributes.iter().map(|(k, _)| k.as_str()).collect()
}

/// A span with something to redact everywhere: attributes, an event, a link, the status.
fn emit_span(t: &Telemetry) {
    let tracer = t.tracer_provider().tracer("app");
    let linked = SpanContext::new(
        TraceId::from(1),
        SpanId::from(2),
        TraceFlags::SAMPLED,
        true,
        TraceState::NONE,
    );
    let mut span = tracer
        .span_builder("checkout")
        .with_links(vec![Link::new(
            linked,
            vec![
                KeyValue::new("link.token", "t"),
                KeyValue::new("via", "Bearer abcdef0123456789"),
            ],
            0,
        )])
        .start(&tracer);
    span.set_attributes([
        KeyValue::new("app.ssn", "078-05-1120"),
        KeyValue::new("db.password", "hunter2"),
        KeyValue::new("http.request.header.authorization", "Basic YWRhOmh1bnRlcjI="),
        KeyValue::new("enduser.id", "ada@example.com"),
        KeyValue::new("payment.note", "card 4111 1111 1111 1111 ok"),
        KeyValue::new("order.id", "4111111111111112"),
        KeyValue::new("contact", "write to ada@example.com."),
        KeyValue::new("jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"),
        KeyValue::new("gen_ai.usage.input_tokens", 42),
        KeyValue::new("card.as_int", 4111111111111111_i64),
    ]);
    span.add_event(
        "payment.declined",
        vec![
            KeyValue::new("reason", "card 5500-0000-0000-0004 declined"),
            KeyValue::new("session.cookie", "sid=1"),
        ],
    );
    span.set_status(Status::error(
        "token Bearer abcdef0123456789 expired for ada@example.com",
    ));
    span.end();
}

fn hmac(rules: &Redaction, value: &str) -> String {
    rules
        .build()
        .expect("rules")
        .hash(value)
        .expect("hash keys are set")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_rule_applies_to_span_attributes_events_links_and_status() {
    let collector = TestCollector::start().await.expect("collector");
    let rules = Redaction::default()
        .drop_keys(["app.ssn"])
        .hash_keys(["enduser.id"], SECRET)
        .scrub([Scrub::Email]);
    let t = init(&collector.endpoint(), Some(rules.clone()), &[]);
    emit_span(&t);
    let spans = collector.wait_for_spans(1, WAIT).await;
    let span: &SpanRecord = spans.find("checkout").expect("span");
    let a = &span.attributes;

    // Dropped: a code-given pattern and three default ones.
    for key in ["app.ssn", "db.password", "http.request.header.authorization"] {
        assert!(!keys(a).contains(&key), "{key} kept: {a:?}");
    }
    // Hashed, deterministically, without the input.
    let hashed = text(a, "enduser.id").expect("hashed");
    assert_eq!(hashed, hmac(&rules, "ada@example.com"));
    assert!(hashed.starts_with("hmac-sha256:") && !hashed.contains("ada@example.com"));
    // Scrubbed: only the matching substring.
    assert_eq!(text(a, "payment.note"), Some("card [REDACTED:card] ok"));
    assert_eq!(text(a, "order.id"), Some("4111111111111112"), "fails Luhn: kept");
    assert_eq!(text(a, "contact"), Some("write to [REDACTED:email]."));
    assert_eq!(text(a, "jwt"), Some("[REDACTED:jwt]"));
    assert_eq!(text(a, "card.as_int"), Some("[REDACTED:card]"));
    assert_eq!(
        span.attribute("gen_ai.usage.input_tokens"),
        Some(&AttributeValue::Int(42))
    );

    let event = &span.events[0];
    assert_eq!(event.name, "payment.declined");
    assert_eq!(
        text(&event.attributes, "reason"),
        Some("card [REDACTED:card] declined")
    );
    assert!(!keys(&event.attributes).contains(&"session.cookie"));

    let link = &span.links[0];
    assert_eq!(keys(&link.attributes), ["via"]);
    assert_eq!(text(&link.attributes, "via"), Some("[REDACTED:bearer]"));

    assert_eq!(
        span.status,
        Status::error("token [REDACTED:bearer] expired for [REDACTED:email]")
    );
    assert!(
        t.effective_config()
            .to_string()
            .contains("redaction=[drop=12 hash=1 scrub=email,card,bearer,jwt]")
    );
    shutdown(t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_is_on_without_email_and_none_turns_it_off() {
    let collector = TestCollector::start().await.expect("collector");
    let t = init(&collector.endpoint(), None, &[]);
    emit_span(&t);
    let spans = collector.wait_for_spans(1, WAIT).await;
    let a = &spans.find("checkout").expect("span").attributes;
    assert!(!keys(a).contains(&"db.password"));
    assert!(keys(a).contains(&"app.ssn"), "not in the default set");
    assert_eq!(
        text(a, "enduser.id"),
        Some("ada@example.com"),
        "e-mail is off by default"
    );
    assert_eq!(text(a, "payment.note"), Some("card [REDACTED:card] ok"));
    shutdown(t).await;

    for (off, redact) in [
        (otel_kit_init::builder().without_redaction(), "default"),
        (otel_kit_init::builder(), "none"),
    ] {
        collector.reset();
        let t = off
            .without_globals()
            .environment(env(&[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", &collector.endpoint()),
                ("OTEL_BSP_SCHEDULE_DELAY", "50"),
                ("OTEL_KIT_REDACT", redact),
            ]))
            .init()
            .expect("init");
        assert!(t.propagators().redactor().is_none());
        emit_span(&t);
        let spans = collector.wait_for_spans(1, WAIT).await;
        let a = &spans.find("checkout").expect("span").attributes;
        assert_eq!(text(a, "db.password"), Some("hunter2"));
        shutdown(t).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn environment_rules_apply() {
    let collector = TestCollector::start().await.expect("collector");
    let t = init(
        &collector.endpoint(),
        None,
        &[
            ("OTEL_KIT_REDACT_DROP_KEYS", "app.*"),
            ("OTEL_KIT_REDACT_HASH_KEYS", "enduser.id"),
            ("OTEL_KIT_REDACT_HASH_SECRET", SECRET),
            ("OTEL_KIT_REDACT_SCRUB", "email"),
        ],
    );
    assert!(t.warnings().is_empty(), "{:?}", t.warnings());
    emit_span(&t);
    let spans = collector.wait_for_spans(1, WAIT).await;
    let a = &spans.find("checkout").expect("span").attributes;
    assert!(!keys(a).contains(&"app.ssn"));
    let same = Redaction::none().hash_keys(["enduser.id"], SECRET);
    assert_eq!(
        text(a, "enduser.id"),
        Some(hmac(&same, "ada@example.com").as_str())
    );
    assert_eq!(
        text(a, "payment.note"),
        Some("card 4111 1111 1111 1111 ok"),
        "card not listed"
    );
    assert_eq!(text(a, "contact"), Some("write to [REDACTED:email]."));
    shutdown(t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_records_have_attributes_and_body_redacted() {
    let collector = TestCollector::start().await.expect("collector");
    let rules = Redaction::default()
        .hash_keys(["enduser.id"], SECRET)
        .scrub([Scrub::Email]);
    let t = init(&collector.endpoint(), Some(rules.clone()), &[]);
    let logger = t.logger_provider().logger("app");
    let tracer = t.tracer_provider().tracer("app");
    tracer.in_span("parent", |_cx: Context| {
        let mut record = logger.create_log_record();
        record.set_severity_number(Severity::Warn);
        record.set_body("payment by ada@example.com with 4111-1111-1111-1111".into());
        record.add_attribute("enduser.id", "ada@example.com");
        record.add_attribute("api_key", "k-1");
        record.add_attribute("header", "Bearer abcdef0123456789");
        record.add_attribute("attempt", 2);
        logger.emit(record);
    });
    let logs = collector.wait_for_logs(1, WAIT).await;
    let record = &logs.as_slice()[0];
    assert_eq!(
        record.body,
        AttributeValue::String("payment by [REDACTED:email] with [REDACTED:card]".into())
    );
    assert_eq!(keys(&record.attributes), ["enduser.id", "header", "attempt"]);
    assert_eq!(
        text(&record.attributes, "enduser.id"),
        Some(hmac(&rules, "ada@example.com").as_str())
    );
    assert_eq!(text(&record.attributes, "header"), Some("[REDACTED:bearer]"));
    assert_eq!(record.severity_number, Severity::Warn as i32);
    assert!(
        record.trace_id.is_some(),
        "the trace context survives the rebuild"
    );
    shutdown(t).await;
}
