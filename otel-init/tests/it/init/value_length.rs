//! `OTEL_*_ATTRIBUTE_VALUE_LENGTH_LIMIT` through `init()` to the in-process collector:
//! span, event, link and log attributes cut at a character boundary (log byte arrays at
//! a byte), after redaction, in the exported data and in what an added processor sees,
//! and every cut counted.

use std::time::Duration;

use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, LoggerProvider as _};
use opentelemetry::trace::{
    Link, Span as _, SpanContext, SpanId, TraceFlags, TraceId, TraceState, Tracer as _, TracerProvider as _,
};
use opentelemetry::{Array, KeyValue, Value};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SimpleSpanProcessor};
use otel_kit_testing::{AttributeValue, TestCollector};

use crate::support::env;

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_values_are_cut_after_redaction_and_counted() {
    let collector = TestCollector::start().await.expect("collector");
    let endpoint = collector.endpoint();
    let added = InMemorySpanExporter::default();
    let t = otel_kit_init::builder()
        .without_globals()
        .environment(env(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("OTEL_BSP_SCHEDULE_DELAY", "50"),
            ("OTEL_BLRP_SCHEDULE_DELAY", "50"),
            ("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "8"),
            // The log-specific variable wins over the general one.
            ("OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT", "5"),
        ]))
        .with_span_processor(SimpleSpanProcessor::new(added.clone()))
        .init()
        .expect("init");
    assert_eq!(t.truncated_values(), 0);

    let linked = SpanContext::new(
        TraceId::from_bytes([1; 16]),
        SpanId::from_bytes([2; 8]),
        TraceFlags::SAMPLED,
        true,
        TraceState::default(),
    );
    let tracer = t.tracer_provider().tracer("app");
    let mut span = tracer
        .span_builder("work")
        .with_links(vec![Link::new(
            linked,
            vec![KeyValue::new("app.link.note", "linked from the batch")],
            0,
        )])
        .start(&tracer);
    span.set_attribute(KeyValue::new("app.short", "12345678"));
    span.set_attribute(KeyValue::new("app.accented", "déjà vu, déjà"));
    span.set_attribute(KeyValue::new("app.emoji", "😀😀😀😀😀😀😀😀😀😀"));
    span.set_attribute(KeyValue::new(
        "app.list",
        Value::Array(Array::String(vec!["a long item".into(), "short".into()])),
    ));
    span.set_attribute(KeyValue::new("app.count", 1_234_567_890_123_i64));
    // Cut first, `4111 111` would leak part of a card number the scanner misses.
    span.set_attribute(KeyValue::new("app.card", "4111 1111 1111 1111"));
    span.add_event("retry", vec![KeyValue::new("app.reason", "connection reset")]);
    span.end();
    let logger = t.logger_provider().logger("app");
    let mut record = logger.create_log_record();
    record.set_body("a body is never cut by an attribute limit".into());
    record.add_attribute("app.note", "a long note");
    // Byte arrays are cut too, counting each byte as one (the attribute limits).
    record.add_attribute(
        "app.blob",
        AnyValue::Bytes(Box::new(vec![1, 2, 3, 4, 5, 6, 7, 8])),
    );
    record.add_attribute("app.small_blob", AnyValue::Bytes(Box::new(vec![1, 2])));
    logger.emit(record);

    let spans = collector.wait_for_spans(1, WAIT).await;
    let logs = collector.wait_for_logs(1, WAIT).await;
    let work = spans.span("work");
    let s = |v: &str| AttributeValue::String(v.to_owned());
    work.has_attribute("app.short", "12345678")
        .has_attribute("app.accented", "déjà vu,")
        .has_attribute("app.emoji", "😀😀😀😀😀😀😀😀")
        .has_attribute("app.count", 1_234_567_890_123_i64)
        .has_attribute("app.card", "[REDACTE");
    assert_eq!(
        work.record().attribute("app.list"),
        Some(&AttributeValue::Array(vec![s("a long i"), s("short")]))
    );
    let event = work.record().event("retry").expect("event");
    assert_eq!(event.attribute("app.reason"), Some(&s("connecti")));
    let link_note = work.record().links[0]
        .attributes
        .iter()
        .find(|(key, _)| key == "app.link.note")
        .map(|(_, value)| value);
    assert_eq!(link_note, Some(&s("linked f")));
    let record = logs
        .record("a body is never cut by an attribute limit")
        .record()
        .clone();
    assert_eq!(record.attribute("app.note"), Some(&s("a lon")));
    assert_eq!(
        record.attribute("app.blob"),
        Some(&AttributeValue::Bytes(vec![1, 2, 3, 4, 5]))
    );
    assert_eq!(
        record.attribute("app.small_blob"),
        Some(&AttributeValue::Bytes(vec![1, 2]))
    );

    // An added processor gets the span as it is exported.
    let seen = added.get_finished_spans().expect("spans");
    let accented = seen[0]
        .attributes
        .iter()
        .find(|kv| kv.key.as_str() == "app.accented")
        .expect("attribute");
    assert_eq!(accented.value.as_str(), "déjà vu,");

    // Span: accented, emoji, one list item, card (redacted, then cut), event, link;
    // log: the note and the blob. Counted once, though each processor cuts its own copy.
    assert_eq!(t.truncated_values(), 6 + 2);
    tokio::task::spawn_blocking(move || t.shutdown())
        .await
        .expect("join")
        .expect("shutdown");
}
